//! Batches replay and conflict row by row, all or nothing.

use super::{rows_with_key, setup, writes_nothing};
use serde_json::{Value, json};

use crate::harness::Reply;

#[tokio::test]
async fn batches_replay_and_conflict_row_by_row_and_all_or_nothing() {
    let (app, w, mut conn) = setup().await;
    let row = |key: &str, value: f64| json!({"bet_id": w.bet_a, "value": value, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": key});
    let batch = |rows: Vec<Value>| json!({ "reports": rows });
    let post = |body: Value| app.post("/api/v1/reports/batch", &w.member_a, body);

    // A key twice in one batch with the same content: stored once, both rows name it.
    let reply = post(batch(vec![
        row("d-1", 1.0),
        row("d-1", 1.0),
        row("d-2", 2.0),
    ]))
    .await
    .expect(201);
    assert_eq!(stored_and_replayed(&reply), (Some(2), Some(1)));
    assert_eq!(reply.body["reports"][0], reply.body["reports"][1]);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "d-1"), 1);

    // A key twice in one batch with different content: refused whole, the row named.
    let reply = writes_nothing(
        &mut conn,
        post(batch(vec![
            row("e-1", 1.0),
            row("e-2", 2.0),
            row("e-1", 1.5),
        ])),
    )
    .await
    .expect(409);
    assert_eq!(reply.code(), "invalid_batch");
    assert_eq!(reply.body["error"]["details"][0]["index"], 2);
    assert_eq!(
        reply.body["error"]["details"][0]["code"],
        "idempotency_conflict"
    );

    // The same batch again: every row a replay of what was stored, nothing new.
    let first = post(batch(vec![row("f-1", 1.0), row("f-2", 2.0)]))
        .await
        .expect(201);
    let again = writes_nothing(
        &mut conn,
        post(batch(vec![row("f-1", 1.0), row("f-2", 2.0)])),
    )
    .await
    .expect(201);
    assert_eq!(stored_and_replayed(&again), (Some(0), Some(2)));
    assert_eq!(again.body["reports"], first.body["reports"]);

    // Stored keys mixed with new ones: only the new are stored.
    let mixed = post(batch(vec![
        row("f-2", 2.0),
        row("g-1", 3.0),
        row("f-1", 1.0),
    ]))
    .await
    .expect(201);
    assert_eq!(stored_and_replayed(&mixed), (Some(1), Some(2)));
    assert_eq!(mixed.body["reports"][0], first.body["reports"][1]);
    assert_eq!(mixed.body["reports"][2], first.body["reports"][0]);

    // A stored key with different content refuses the whole batch, new rows included.
    let reply = writes_nothing(
        &mut conn,
        post(batch(vec![row("h-1", 1.0), row("f-1", 9.0)])),
    )
    .await
    .expect(409);
    assert_eq!(reply.body["error"]["details"][0]["index"], 1);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "h-1"), 0);

    // Single and batch are the same request when they say the same thing.
    let single = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 4.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "s-1"}),
        )
        .await
        .expect(201);
    let as_batch = writes_nothing(&mut conn, post(batch(vec![row("s-1", 4.0)])))
        .await
        .expect(201);
    assert_eq!(as_batch.body["reports"][0], single.body);
    let batched = post(batch(vec![row("s-2", 5.0)])).await.expect(201);
    let as_single = writes_nothing(
        &mut conn,
        app.report(
            &w.member_a,
            w.bet_a,
            json!({"value": 5.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "s-2"}),
        ),
    )
    .await
    .expect(201);
    assert_eq!(as_single.body, batched.body["reports"][0]);
    assert_eq!(as_single.headers["idempotent-replayed"], "true");
}

/// What a batch's answer says it stored and replayed.
fn stored_and_replayed(reply: &Reply) -> (Option<i64>, Option<i64>) {
    (
        reply.body["stored"].as_i64(),
        reply.body["replayed"].as_i64(),
    )
}
