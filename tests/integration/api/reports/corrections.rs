//! A correction supersedes a report; both stay in the history.

use crate::harness::spawn_app;
use serde_json::json;

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
