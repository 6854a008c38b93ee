//! A round's life: drafted, previewed, committed in order and never changed again; the
//! money moves to the evidence.

use super::{assert_round_adds_up, commit, create_round, line, report_series};
use crate::harness::{TestApp, World, at, days_ago, spawn_app};
use chrono::{Duration, Utc};
use serde_json::json;

/// Three rounds: new bets seeded from the whole budget, a pin, misses, a kill, a waived kill,
/// a late newcomer seeded.
#[tokio::test]
async fn three_rounds_move_the_money_to_the_evidence() {
    let app = spawn_app().await;
    let w = app.world().await;
    let r1 = round_1_seeds_every_new_bet_from_the_whole_budget(&app, &w).await;
    let r2 = round_2_keeps_a_pin_and_cuts_the_misses(&app, &w).await;
    let r3 = round_3_kills_waives_and_seeds_a_newcomer(&app, &w).await;

    let b = app
        .get(&format!("/api/v1/bets/{}", w.bet_b), &app.admin)
        .await
        .expect(200);
    assert_eq!(b.body["status"], "killed");
    assert_eq!(b.body["grants"].as_array().unwrap().len(), 3);
    assert_eq!(b.body["total_granted"], 333_333);
    let a = app
        .get(&format!("/api/v1/bets/{}", w.bet_a), &w.member_a)
        .await
        .expect(200);
    assert_eq!(a.body["total_granted"], 333_334 + 500_000 + 400_000);
    assert_eq!(a.body["streak"], 0);

    // Every round still verifies; the team accounts hold what the rounds granted.
    for id in [r1, r2, r3] {
        let verdict = app
            .get(&format!("/api/v1/rounds/{id}/verification"), &w.exec)
            .await
            .expect(200);
        assert_eq!(verdict.body["matches"], true, "{}", verdict.body);
    }
    let ledger = app.get("/api/v1/ledger", &w.exec).await.expect(200);
    let team_a = ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["team_id"] == w.team_a)
        .unwrap()
        .clone();
    assert_eq!(team_a["balance"], 333_334 + 500_000 + 400_000);
    let audit = app
        .get("/api/v1/audit?action=round.commit", &w.exec)
        .await
        .expect(200);
    assert_eq!(audit.body["total"], 3);
}

/// Round 1 (as of 60 days ago), after evidence where A climbs past 120 and B and C sit at 100:
/// every bet is new, so the whole budget spills to the seeds, a third each; a preview repeats
/// itself exactly. The round's id.
async fn round_1_seeds_every_new_bet_from_the_whole_budget(app: &TestApp, w: &World) -> i64 {
    // Evidence before round 1 (as of 60 days ago): A climbs past 120, B and C sit at 100.
    report_series(app, &w.member_a, w.bet_a, 61, &[110.0, 118.0, 125.0, 131.0]).await;
    report_series(app, &w.member_b, w.bet_b, 61, &[100.0, 101.0, 99.0, 100.0]).await;
    report_series(
        app,
        &w.partner,
        w.partner_bet,
        61,
        &[100.0, 99.0, 101.0, 100.0],
    )
    .await;

    // Round 1: every bet is new, so the whole budget spills to the seeds: 1/3 each, cap 40%.
    let r1 = create_round(app, 1_000_000, days_ago(60)).await;
    let preview = app
        .post(
            &format!("/api/v1/rounds/{r1}/preview"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(preview.body["status"], "draft");
    let again = app
        .post(
            &format!("/api/v1/rounds/{r1}/preview"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        again.body["evaluation"]["results"],
        preview.body["evaluation"]["results"]
    );
    let round1 = commit(app, r1).await;
    assert_eq!(round1["status"], "committed");
    for bet in [w.bet_a, w.bet_b, w.partner_bet] {
        assert_eq!(line(&round1, bet)["decision"], "seed");
    }
    let grants: Vec<i64> = [w.bet_a, w.bet_b, w.partner_bet]
        .iter()
        .map(|b| line(&round1, *b)["grant"].as_i64().unwrap())
        .collect();
    assert_eq!(
        grants,
        [333_334, 333_333, 333_333],
        "largest remainder, ties to the lower id"
    );
    assert_eq!(round1["evaluation"]["money"]["reserve"], 0);
    assert_round_adds_up(app, &round1).await;

    r1
}

/// Round 2 (30 days ago): A beats and is pinned; B and C miss once. The round's id.
async fn round_2_keeps_a_pin_and_cuts_the_misses(app: &TestApp, w: &World) -> i64 {
    report_series(app, &w.member_a, w.bet_a, 31, &[128.0, 132.0, 135.0]).await;
    report_series(app, &w.member_b, w.bet_b, 31, &[100.0, 99.0, 100.0]).await;
    report_series(app, &w.partner, w.partner_bet, 31, &[101.0, 100.0, 99.0]).await;
    let r2 = create_round(app, 1_000_000, days_ago(30)).await;
    let pin = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/rounds/{r2}/pins/{}", w.bet_a),
            Some(&app.admin),
            Some(&json!({"grant": 500_000, "reason": "Strategic: the board asked for stickers"})),
        )
        .await
        .expect(200);
    assert_eq!(pin.body["grant"], 500_000);
    let round2 = commit(app, r2).await;
    let a = line(&round2, w.bet_a);
    assert_eq!(a["decision"], "pinned");
    assert_eq!(a["grant"], 500_000);
    assert!(
        a["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("Strategic"))
    );
    assert_eq!(
        round2["pins"][0]["reason"],
        "Strategic: the board asked for stickers"
    );
    for bet in [w.bet_b, w.partner_bet] {
        let l = line(&round2, bet);
        assert_eq!(l["outcome"], "miss");
        assert_eq!(l["streak"], 1);
        assert_eq!(l["decision"], "cut");
    }
    assert_round_adds_up(app, &round2).await;

    r2
}

/// Round 3 (yesterday): B misses again and is killed; C's kill is waived; D is new and seeded,
/// A capped. The round's id.
async fn round_3_kills_waives_and_seeds_a_newcomer(app: &TestApp, w: &World) -> i64 {
    report_series(app, &w.member_a, w.bet_a, 2, &[136.0, 139.0, 141.0]).await;
    report_series(app, &w.member_b, w.bet_b, 2, &[100.0, 98.0, 99.0]).await;
    report_series(app, &w.partner, w.partner_bet, 2, &[99.0, 100.0, 100.0]).await;
    let bet_d = app
        .create_bet(&w.member_b, w.arena, w.team_b, "Newcomer")
        .await;
    app.activate(bet_d).await;
    let r3 = create_round(app, 1_000_000, days_ago(1)).await;
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/rounds/{r3}/pins/{}", w.partner_bet),
        Some(&app.admin),
        Some(&json!({"waive_kill": true, "reason": "Partner contract runs to year end"})),
    )
    .await
    .expect(200);
    let round3 = commit(app, r3).await;
    assert_eq!(line(&round3, w.bet_b)["decision"], "killed");
    assert_eq!(line(&round3, w.bet_b)["grant"], 0);
    let c = line(&round3, w.partner_bet);
    assert_eq!(c["kill_waived"], true);
    assert_ne!(c["decision"], "killed");
    assert_eq!(line(&round3, bet_d)["decision"], "seed");
    // A: capped at 40%; D: seeded with the 10% exploration pool plus the spill, up to the cap.
    assert_eq!(line(&round3, w.bet_a)["grant"], 400_000);
    assert_eq!(line(&round3, bet_d)["grant"], 400_000);
    assert_eq!(round3["evaluation"]["money"]["reserve"], 200_000);
    assert_round_adds_up(app, &round3).await;

    r3
}

#[tokio::test]
async fn a_committed_round_never_changes() {
    let app = spawn_app().await;
    let w = app.world().await;
    report_series(
        &app,
        &w.member_a,
        w.bet_a,
        11,
        &[110.0, 118.0, 125.0, 131.0],
    )
    .await;
    let r = create_round(&app, 500_000, days_ago(10)).await;
    let committed = commit(&app, r).await;
    let again = app
        .post(&format!("/api/v1/rounds/{r}/commit"), &app.admin, json!({}))
        .await
        .expect(409);
    assert_eq!(again.code(), "already_committed");
    app.post(
        &format!("/api/v1/rounds/{r}/preview"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(409);
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/rounds/{r}/pins/{}", w.bet_a),
        Some(&app.admin),
        Some(&json!({"grant": 1, "reason": "late"})),
    )
    .await
    .expect(409);
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/rounds/{r}"),
        Some(&app.admin),
        None,
    )
    .await
    .expect(409);

    // A late report and a correction inside the round's window change nothing in it.
    let late = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 500.0, "observed_at": at(days_ago(12))}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/reports/{late}/corrections"),
        &w.member_a,
        json!({"value": 1.0}),
    )
    .await
    .expect(201);
    let history = app
        .get(
            &format!("/api/v1/bets/{}/reports?per_page=500", w.bet_a),
            &app.admin,
        )
        .await
        .expect(200);
    let first = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .min()
        .unwrap();
    app.post(
        &format!("/api/v1/reports/{first}/corrections"),
        &w.member_a,
        json!({"value": 10.0}),
    )
    .await
    .expect(201);
    let after = app
        .get(&format!("/api/v1/rounds/{r}"), &app.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(after["evaluation"], committed["evaluation"]);
    let verdict = app
        .get(&format!("/api/v1/rounds/{r}/verification"), &app.admin)
        .await
        .expect(200);
    assert_eq!(verdict.body["matches"], true, "{}", verdict.body);
    assert_eq!(verdict.body["reports"], 4);
}

#[tokio::test]
async fn rounds_commit_in_order_and_only_in_the_past() {
    let app = spawn_app().await;
    let _ = app.world().await;
    let early = create_round(&app, 100, days_ago(20)).await;
    let late = create_round(&app, 100, days_ago(10)).await;
    let reply = app
        .post(
            &format!("/api/v1/rounds/{late}/commit"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "earlier_draft");
    app.post(
        &format!("/api/v1/rounds/{early}/commit"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/rounds/{late}/commit"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    // A round before the latest committed one, or at the same instant, is refused.
    let reply = app
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1, "as_of": at(days_ago(15))}),
        )
        .await
        .expect(422);
    assert_eq!(reply.body["error"]["field"], "as_of");
    let in_three_days = Utc::now() + Duration::days(3);
    let future = create_round(&app, 100, in_three_days).await;
    let reply = app
        .post(
            &format!("/api/v1/rounds/{future}/commit"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "round_in_future");
    let dup = app
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1, "as_of": at(in_three_days)}),
        )
        .await
        .expect(409);
    assert_eq!(dup.code(), "duplicate_as_of");
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/rounds/{future}"),
        Some(&app.admin),
        None,
    )
    .await
    .expect(204);
    app.get(&format!("/api/v1/rounds/{future}"), &app.admin)
        .await
        .expect(404);
}

/// A portfolio without active bets can still hold a round: it commits with no results, no
/// payments, and the whole budget in reserve.
#[tokio::test]
async fn a_round_without_bets_commits_and_keeps_its_budget() {
    let app = spawn_app().await;
    let r = create_round(&app, 5_000, days_ago(1)).await;
    let round = commit(&app, r).await;
    assert_eq!(round["status"], "committed");
    assert_eq!(round["evaluation"]["results"], json!([]));
    assert_eq!(round["evaluation"]["money"]["reserve"], 5_000);
    assert_round_adds_up(&app, &round).await;
}
