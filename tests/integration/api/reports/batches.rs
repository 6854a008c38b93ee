//! Batches: stored whole, refused whole with every bad row listed, and bounded.

use crate::harness::spawn_app;
use serde_json::{Value, json};

#[tokio::test]
async fn a_batch_is_stored_whole() {
    let app = spawn_app().await;
    let w = app.world().await;
    let rows: Vec<Value> = (0..10_000)
        .map(|i| json!({"bet_id": w.bet_a, "value": f64::from(i), "observed_at": "2026-01-01T00:00:00Z", "idempotency_key": format!("b-{i}")}))
        .collect();
    let reply = app
        .post(
            "/api/v1/reports/batch",
            &w.member_a,
            json!({"reports": rows.clone()}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["stored"], 10_000);
    // Every report comes back in the order sent (they are inserted in runs of a few lengths).
    let values: Vec<f64> = reply.body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, (0..10_000).map(f64::from).collect::<Vec<_>>());
    assert_eq!(app.report_count(w.bet_a).await, 10_000);

    // The same batch again stores nothing new.
    let reply = app
        .post(
            "/api/v1/reports/batch",
            &w.member_a,
            json!({"reports": rows}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["stored"], 0);
    assert_eq!(reply.body["replayed"], 10_000);
    assert_eq!(app.report_count(w.bet_a).await, 10_000);
}

#[tokio::test]
async fn one_bad_row_refuses_the_batch_and_every_bad_row_is_listed() {
    let app = spawn_app().await;
    let w = app.world().await;
    let rows = json!([
        {"bet_id": w.bet_a, "value": 1.0},
        {"bet_id": w.bet_b, "value": 2.0},
        {"bet_id": w.bet_a, "value": 3.0, "observed_at": "2999-01-01T00:00:00Z"},
        {"bet_id": 99_999, "value": 4.0},
        {"bet_id": w.bet_a, "value": 5.0}
    ]);
    let reply = app
        .post(
            "/api/v1/reports/batch",
            &w.member_a,
            json!({"reports": rows}),
        )
        .await
        .expect(422);
    assert_eq!(reply.code(), "invalid_batch");
    let details = reply.body["error"]["details"]
        .as_array()
        .expect("details")
        .clone();
    let indexes: Vec<i64> = details
        .iter()
        .map(|d| d["index"].as_i64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 2, 3], "every bad row, for whatever reason");
    assert_eq!(details[0]["code"], "forbidden");
    assert_eq!(details[1]["field"], "reports[2].observed_at");
    assert_eq!(details[2]["code"], "not_found");
    assert_eq!(app.report_count(w.bet_a).await, 0, "nothing was written");

    let dup = json!([
        {"bet_id": w.bet_a, "value": 1.0, "idempotency_key": "same"},
        {"bet_id": w.bet_a, "value": 2.0, "idempotency_key": "same"}
    ]);
    let reply = app
        .post(
            "/api/v1/reports/batch",
            &w.member_a,
            json!({"reports": dup}),
        )
        .await
        .expect(409);
    assert_eq!(reply.body["error"]["details"][0]["index"], 1);
    assert_eq!(app.report_count(w.bet_a).await, 0);
}

#[tokio::test]
async fn batch_limits_are_enforced() {
    let app = spawn_app().await;
    let w = app.world().await;
    app.post("/api/v1/reports/batch", &w.member_a, json!({"reports": []}))
        .await
        .expect(422);
    let rows: Vec<Value> = (0..10_001)
        .map(|_| json!({"bet_id": w.bet_a, "value": 1}))
        .collect();
    let reply = app
        .post(
            "/api/v1/reports/batch",
            &w.member_a,
            json!({"reports": rows}),
        )
        .await
        .expect(422);
    assert_eq!(reply.body["error"]["field"], "reports");
    let huge = format!(
        r#"{{"reports": [{{"bet_id": {}, "value": 1, "source": "{}"}}]}}"#,
        w.bet_a,
        "x".repeat(3 * 1024 * 1024)
    );
    let reply = app
        .post_raw("/api/v1/reports/batch", &w.member_a, huge)
        .await
        .expect(413);
    assert_eq!(reply.code(), "body_too_large");
    assert_eq!(app.report_count(w.bet_a).await, 0);
}
