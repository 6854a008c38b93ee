//! What a round reads as evidence: stale bets and outliers flagged, the reports before the
//! window, corrections, and bets without a threshold in force.

use super::{create_round, line, preview, report_series, report_with_value};
use crate::harness::{at, days_ago, spawn_app};
use serde_json::json;

#[tokio::test]
async fn evidence_quality_flags_stale_bets_and_outliers() {
    let app = spawn_app().await;
    let w = app.world().await;
    // A: steady values and one wild one; B: nothing for a month.
    let mut values = vec![100.0, 101.0, 99.0, 100.0, 102.0, 98.0, 100.0, 101.0];
    values.push(400.0);
    values.push(100.0);
    report_series(&app, &w.member_a, w.bet_a, 2, &values).await;
    report_series(&app, &w.member_b, w.bet_b, 40, &[100.0, 101.0, 102.0]).await;
    let r = create_round(&app, 1_000, days_ago(1)).await;
    let round = preview(&app, r).await;
    let a = line(&round, w.bet_a);
    assert_eq!(a["quality"]["reports_in_window"], 10);
    assert_eq!(a["quality"]["stale"], false);
    assert_eq!(
        a["quality"]["outlier_report_ids"].as_array().unwrap().len(),
        1
    );
    let b = line(&round, w.bet_b);
    assert_eq!(b["quality"]["stale"], true);
    assert!(b["quality"]["days_since_last_report"].as_f64().unwrap() > 38.0);
    let partner = line(&round, w.partner_bet);
    assert_eq!(partner["quality"]["stale"], true);
    assert!(partner["quality"]["last_report_at"].is_null());
}

/// The outlier check looks back across the window's start: a wild first report in the window
/// is judged against the last reports before it. Without them the window's two reports are
/// too few to judge anything.
#[tokio::test]
async fn an_outlier_is_judged_against_the_reports_before_the_window() {
    let app = spawn_app().await;
    let w = app.world().await;
    let steady: Vec<f64> = (0..30).map(|i| 100.0 + f64::from(i % 3)).collect();
    report_series(&app, &w.member_a, w.bet_a, 12, &steady).await;
    report_series(&app, &w.member_a, w.bet_a, 2, &[400.0, 101.0]).await;
    let r = app
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1_000, "as_of": at(days_ago(1)), "window_start": at(days_ago(10))}),
        )
        .await
        .expect(201)
        .id();
    let round = preview(&app, r).await;
    let a = line(&round, w.bet_a);
    assert_eq!(a["quality"]["reports_in_window"], 2);
    let wild = report_with_value(&app, &w.member_a, w.bet_a, 400.0).await;
    assert_eq!(a["quality"]["outlier_report_ids"], json!([wild]));
}

/// A corrected report counts only through its correction: the round sees three reports, not
/// four, and the corrected value.
#[tokio::test]
async fn a_round_counts_a_corrected_report_through_its_correction_only() {
    let app = spawn_app().await;
    let w = app.world().await;
    report_series(&app, &w.member_a, w.bet_a, 2, &[100.0, 101.0, 102.0]).await;
    let first = report_with_value(&app, &w.member_a, w.bet_a, 100.0).await;
    app.post(
        &format!("/api/v1/reports/{first}/corrections"),
        &w.member_a,
        json!({"value": 130.0}),
    )
    .await
    .expect(201);
    let r = create_round(&app, 1_000, days_ago(1)).await;
    let round = preview(&app, r).await;
    let a = line(&round, w.bet_a);
    assert_eq!(a["quality"]["reports_in_window"], 3, "{a}");
}

#[tokio::test]
async fn a_bet_without_a_threshold_in_force_sits_the_round_out_and_says_why() {
    let app = spawn_app().await;
    let w = app.world().await;
    let late = app
        .post(
            "/api/v1/bets",
            &w.member_a,
            json!({
                "arena_id": w.arena, "title": "Late starter",
                "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0,
                "thresholds": [{"target": 2.0}]
            }),
        )
        .await
        .expect(201)
        .id();
    app.activate(late).await;
    let r = create_round(&app, 1_000, days_ago(3)).await;
    let round = preview(&app, r).await;
    let out = &round["evaluation"]["sitting_out"];
    assert_eq!(out.as_array().unwrap().len(), 1);
    assert_eq!(out[0]["bet_id"], late);
    assert!(out[0]["reason"].as_str().unwrap().contains("no threshold"));
    assert_eq!(round["evaluation"]["results"].as_array().unwrap().len(), 3);
    let reply = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/rounds/{r}/pins/{late}"),
            Some(&app.admin),
            Some(&json!({"grant": 10, "reason": "cannot apply"})),
        )
        .await
        .expect(422);
    assert_eq!(reply.code(), "bet_not_in_round");
}

/// A policy judging two windows reads the reports of the previous round's window too, stores
/// their ids, and the committed round verifies; evidence quality still speaks of the round's
/// own window.
#[tokio::test]
async fn a_round_judging_two_windows_reads_the_previous_window_and_verifies() {
    let app = spawn_app().await;
    let w = app.world().await;
    // Three reports before round 1 (days 40..38 ago), two after it (days 12 and 11 ago).
    report_series(&app, &w.member_a, w.bet_a, 38, &[110.0, 111.0, 112.0]).await;
    let first = app.commit_round(1_000, &at(days_ago(30))).await;
    report_series(&app, &w.member_a, w.bet_a, 11, &[113.0, 114.0]).await;
    let create = |windows: u32| {
        json!({"budget": 1_000, "as_of": at(days_ago(1)),
               "policy": {"evidence_windows": windows}})
    };
    let one = app
        .post("/api/v1/rounds", &app.admin, create(1))
        .await
        .expect(201)
        .id();
    let a = line(&preview(&app, one).await, w.bet_a);
    assert_eq!(
        (a["n"].as_i64(), a["outcome"].as_str()),
        (Some(2), Some("insufficient_data"))
    );
    app.api
        .delete(&format!("/api/v1/rounds/{one}"), &app.admin)
        .await
        .expect(204);

    let two = app
        .post("/api/v1/rounds", &app.admin, create(2))
        .await
        .expect(201)
        .id();
    let round = preview(&app, two).await;
    assert_eq!(round["policy"]["evidence_windows"], 2, "{round}");
    let a = line(&round, w.bet_a);
    assert_eq!(a["n"], 5, "{a}");
    assert_eq!(a["quality"]["reports_in_window"], 2, "{a}");
    app.post(
        &format!("/api/v1/rounds/{two}/commit"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    let verdict = app
        .get(&format!("/api/v1/rounds/{two}/verification"), &app.admin)
        .await
        .expect(200);
    assert_eq!(verdict.body["matches"], true, "{}", verdict.body);
    assert_eq!(verdict.body["reports"], 5, "{}", verdict.body);
    assert!(first < two);
}
