//! Single reports: read back as written, stored once per idempotency key, also under concurrency.

use crate::harness::spawn_app;
use serde_json::{Value, json};

#[tokio::test]
async fn a_member_reports_values_and_reads_them_back() {
    let app = spawn_app().await;
    let w = app.world().await;
    let first = app
        .report(&w.member_a, w.bet_a, json!({"value": 104.5, "observed_at": "2026-01-02T03:04:05.123456Z", "source": "weekly export"}))
        .await
        .expect(201);
    assert_eq!(first.body["value"], 104.5);
    assert_eq!(first.body["observed_at"], "2026-01-02T03:04:05.123456Z");
    assert_eq!(first.body["source"], "weekly export");
    let now_report = app
        .report(&w.member_a, w.bet_a, json!({"value": 110}))
        .await
        .expect(201);
    assert!(now_report.body["observed_at"].is_string());

    let history = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &w.member_b)
        .await
        .expect(200);
    assert_eq!(history.body["total"], 2);
    assert_eq!(
        history.body["items"][0]["value"], 110.0,
        "newest observation first"
    );
    let detail = app
        .get(&format!("/api/v1/bets/{}", w.bet_a), &w.exec)
        .await
        .expect(200);
    assert_eq!(detail.body["reports_total"], 2);
    let one = app
        .get(&format!("/api/v1/reports/{}", first.id()), &w.exec)
        .await
        .expect(200);
    assert_eq!(one.body["value"], 104.5);
    app.get(&format!("/api/v1/reports/{}", first.id()), &w.partner)
        .await
        .expect(404);
}

/// The answer to a write is built from what was sent (not read back) where the backend keeps
/// values exactly; it must still be exactly what a later read returns.
#[tokio::test]
async fn what_a_write_answers_is_what_a_read_returns() {
    let app = spawn_app().await;
    let w = app.world().await;
    let single = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 0.1, "source": "sensor \"east\"", "idempotency_key": "k-1"}),
        )
        .await
        .expect(201);
    let batch = app
        .post(
            "/api/v1/reports/batch",
            &w.member_a,
            json!({"reports": [
                {"bet_id": w.bet_a, "value": -3.5e-7, "observed_at": "2026-01-02T03:04:05.123456Z"},
                {"bet_id": w.bet_a, "value": 1e15, "idempotency_key": "k-2", "source": "é"},
                {"bet_id": w.bet_a, "value": -0.0},
            ]}),
        )
        .await
        .expect(201);
    let mut answered = vec![single.body.clone()];
    answered.extend(
        batch.body["reports"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    assert_eq!(answered.len(), 4, "batch answer: {}", batch.body);
    for report in &answered {
        reads_back_as(&app, &w.member_a, report).await;
    }
    // Last: correcting a report changes how the corrected one reads (its superseded_by).
    let correction = app
        .post(
            &format!("/api/v1/reports/{}/corrections", single.id()),
            &w.member_a,
            json!({"value": 0.2}),
        )
        .await
        .expect(201);
    reads_back_as(&app, &w.member_a, &correction.body).await;
}

pub(super) async fn reads_back_as(app: &crate::harness::TestApp, token: &str, report: &Value) {
    let id = report["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {report}"));
    let read = app
        .get(&format!("/api/v1/reports/{id}"), token)
        .await
        .expect(200);
    // As text: JSON numbers compare -0.0 equal to 0.0, but a client sees the difference.
    assert_eq!(
        read.body.to_string(),
        report.to_string(),
        "report {id} as answered and as read back"
    );
}

#[tokio::test]
async fn a_retry_with_the_same_key_is_stored_once() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body =
        json!({"value": 101.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "k-1"});
    let first = app
        .report(&w.member_a, w.bet_a, body.clone())
        .await
        .expect(201);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let second = app.report(&w.member_a, w.bet_a, body).await.expect(201);
    assert_eq!(second.body, first.body, "a replay returns the first result");
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(app.report_count(w.bet_a).await, 1);

    let conflict = app
        .report(&w.member_a, w.bet_a, json!({"value": 102.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "k-1"}))
        .await
        .expect(409);
    assert_eq!(conflict.code(), "idempotency_conflict");
    assert_eq!(app.report_count(w.bet_a).await, 1);

    // A retry that leaves observed_at to the server (now) is still the same request.
    let defaulted = json!({"value": 103.0, "idempotency_key": "k-2"});
    let first = app
        .report(&w.member_a, w.bet_a, defaulted.clone())
        .await
        .expect(201);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let again = app
        .report(&w.member_a, w.bet_a, defaulted)
        .await
        .expect(201);
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let explicit =
        json!({"value": 103.0, "idempotency_key": "k-2", "observed_at": first.body["observed_at"]});
    app.report(&w.member_a, w.bet_a, explicit).await.expect(409);
    assert_eq!(app.report_count(w.bet_a).await, 2);

    // Keys are scoped to the bet: another team's bet may use the same key.
    app.report(
        &w.member_b,
        w.bet_b,
        json!({"value": 5.0, "idempotency_key": "k-1"}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_store_one_report() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body =
        json!({"value": 7.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "race"});
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/bets/{}/reports", w.bet_a));
        let token = w.member_a.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap()["id"].clone(),
            )
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let (status, id) = task.await.unwrap();
        assert_eq!(status, 201);
        ids.push(id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every request saw the same report");
    assert_eq!(app.report_count(w.bet_a).await, 1);
}
