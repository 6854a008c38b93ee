use serde_json::{Value, json};

use crate::harness::spawn_app;

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

async fn reads_back_as(app: &crate::harness::TestApp, token: &str, report: &Value) {
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

#[tokio::test]
async fn a_correction_supersedes_and_both_stay_in_the_history() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wrong = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1000.0, "observed_at": "2026-02-01T00:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let fixed = app
        .post(
            &format!("/api/v1/reports/{wrong}/corrections"),
            &w.member_a,
            json!({"value": 100.0, "source": "typo"}),
        )
        .await
        .expect(201);
    assert_eq!(fixed.body["supersedes"], wrong);
    assert_eq!(
        fixed.body["observed_at"], "2026-02-01T00:00:00Z",
        "keeps the instant it corrects"
    );
    let history = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
        .await
        .expect(200);
    assert_eq!(history.body["total"], 2);
    let old = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == wrong)
        .unwrap()
        .clone();
    assert_eq!(old["superseded_by"], fixed.id());

    let again = app
        .post(
            &format!("/api/v1/reports/{wrong}/corrections"),
            &w.member_a,
            json!({"value": 99.0}),
        )
        .await
        .expect(409);
    assert_eq!(again.code(), "already_corrected");
    app.post(
        &format!("/api/v1/reports/{}/corrections", fixed.id()),
        &w.member_a,
        json!({"value": 99.0}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/reports/{wrong}/corrections"),
        &w.member_b,
        json!({"value": 99.0}),
    )
    .await
    .expect(403);
    app.post(
        "/api/v1/reports/999999/corrections",
        &w.member_a,
        json!({"value": 99.0}),
    )
    .await
    .expect(404);
    let audit = app
        .get("/api/v1/audit?action=report.correct", &app.admin)
        .await
        .expect(200);
    assert_eq!(audit.body["total"], 2);
}

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

#[tokio::test]
async fn reports_on_proposed_bets_only_from_their_own_team() {
    let app = spawn_app().await;
    let w = app.world().await;
    let proposed = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Not yet active")
        .await;
    app.report(&w.member_a, proposed, json!({"value": 100.0}))
        .await
        .expect(201);
    app.report(&w.member_b, proposed, json!({"value": 100.0}))
        .await
        .expect(403);
    app.report(&w.partner, proposed, json!({"value": 100.0}))
        .await
        .expect(404);
}
