//! Many clients sending one request at once.

use super::{reports_path, rows_with_key, setup};
use crate::harness::Api;
use crate::harness::Reply;
use reqwest::Method;
use serde_json::json;

/// Many clients sending one request at once: one row, and every one of them gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_store_one_report() {
    let (app, w, mut conn) = setup().await;
    let api = Api::of(&app);
    let single =
        json!({"value": 7.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "race"});
    let batch = json!({"reports": (0..50).map(|i| json!({"bet_id": w.bet_a, "value": i, "observed_at": "2026-03-02T00:00:00Z", "idempotency_key": format!("race-{i}")})).collect::<Vec<_>>()});
    for (path, body) in [
        (reports_path(w.bet_a), single),
        ("/api/v1/reports/batch".to_owned(), batch),
    ] {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (api, path, body, token) =
                    (api.clone(), path.clone(), body.clone(), w.member_a.clone());
                tokio::spawn(async move {
                    api.call(Method::POST, &path, Some(&token), Some(&body))
                        .await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap().expect(201));
        }
        let first_body = |r: &Reply| {
            if r.body.get("reports").is_some() {
                r.body["reports"].clone()
            } else {
                r.body.clone()
            }
        };
        let fresh = answers
            .iter()
            .filter(|r| {
                r.headers.get("idempotent-replayed").is_none()
                    && r.body.get("replayed").is_none_or(|n| n == 0)
            })
            .count();
        assert_eq!(fresh, 1, "exactly one request stored, the others replayed");
        for a in &answers {
            assert_eq!(
                first_body(a),
                first_body(&answers[0]),
                "all got the same reports"
            );
        }
    }
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "race"), 1);
    for i in 0..50 {
        assert_eq!(rows_with_key(&mut conn, w.bet_a, &format!("race-{i}")), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_corrections_with_one_key_store_one_and_answer_it_to_all() {
    let (app, w, mut conn) = setup().await;
    let api = Api::of(&app);
    let wrong = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1000.0, "observed_at": "2026-02-01T00:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let body = json!({"value": 100.0, "idempotency_key": "fix-race"});
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (api, body, token) = (api.clone(), body.clone(), w.member_a.clone());
            tokio::spawn(async move {
                api.post(
                    &format!("/api/v1/reports/{wrong}/corrections"),
                    &token,
                    body,
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().expect(201).id());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "fix-race"), 1);
}
