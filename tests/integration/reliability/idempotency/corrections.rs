//! Correction keys: conflicts with other content, retries.

use super::{rows_with_key, setup, writes_nothing};
use serde_json::json;

#[tokio::test]
async fn a_correction_key_conflicts_with_other_content_on_its_bet() {
    let (app, w, mut conn) = setup().await;
    let report = |value: f64| {
        app.report(
            &w.member_a,
            w.bet_a,
            json!({"value": value, "observed_at": "2026-03-01T00:00:00Z"}),
        )
    };
    let x = report(1.0).await.expect(201).id();
    let y = report(2.0).await.expect(201).id();
    let body = json!({"value": 1.5, "source": "fix", "idempotency_key": "c-1"});
    app.post(
        &format!("/api/v1/reports/{x}/corrections"),
        &w.member_a,
        body.clone(),
    )
    .await
    .expect(201);
    // The key now names that correction: correcting another report with it is a conflict, and
    // so is a plain report with it.
    let reply = writes_nothing(
        &mut conn,
        app.post(
            &format!("/api/v1/reports/{y}/corrections"),
            &w.member_a,
            body.clone(),
        ),
    )
    .await
    .expect(409);
    assert_eq!(reply.code(), "idempotency_conflict");
    let reply = writes_nothing(
        &mut conn,
        app.report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1.5, "source": "fix", "idempotency_key": "c-1"}),
        ),
    )
    .await
    .expect(409);
    assert_eq!(reply.code(), "idempotency_conflict");
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "c-1"), 1);
}

#[tokio::test]
async fn a_retried_correction_replays_the_first() {
    let (app, w, mut conn) = setup().await;
    let wrong = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1000.0, "observed_at": "2026-02-01T00:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/reports/{wrong}/corrections");
    let body = json!({"value": 100.0, "source": "typo", "idempotency_key": "fix-1"});
    let first = app.post(&path, &w.member_a, body.clone()).await.expect(201);
    let again = writes_nothing(&mut conn, app.post(&path, &w.member_a, body)).await;
    assert_eq!(
        again.status, 201,
        "a retried correction replays: {}",
        again.body
    );
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "fix-1"), 1);
}
