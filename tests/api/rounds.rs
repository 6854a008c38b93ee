//! Funding rounds through the API: create, pin, preview, commit, verify, and the ledger.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, World, spawn_app, spawn_process};

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn days_ago(days: i64) -> DateTime<Utc> {
    let now = Utc::now();
    now - Duration::days(days)
}

/// Reports `values` for a bet, one a day ending `end_days_ago` days ago.
async fn report_series(app: &TestApp, token: &str, bet: i64, end_days_ago: i64, values: &[f64]) {
    let n = values.len() as i64;
    let rows: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"bet_id": bet, "value": v, "observed_at": at(days_ago(end_days_ago + n - 1 - i as i64))}))
        .collect();
    app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
        .await
        .expect(201);
}

/// The id of the bet's report with this value, from the bet's history.
async fn report_with_value(app: &TestApp, token: &str, bet: i64, value: f64) -> Value {
    let history = app
        .get(&format!("/api/v1/bets/{bet}/reports"), token)
        .await
        .expect(200)
        .body;
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == value)
        .unwrap()["id"]
        .clone()
}

async fn create_round(app: &TestApp, budget: i64, as_of: DateTime<Utc>) -> i64 {
    app.post(
        "/api/v1/rounds",
        &app.admin,
        json!({"budget": budget, "as_of": at(as_of)}),
    )
    .await
    .expect(201)
    .id()
}

/// Previews round `r` as the committee and returns the round with its evaluation.
async fn preview(app: &TestApp, r: i64) -> Value {
    app.post(
        &format!("/api/v1/rounds/{r}/preview"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200)
    .body
}

/// Commits round `r` as the committee and returns the committed round.
async fn commit(app: &TestApp, r: i64) -> Value {
    app.post(&format!("/api/v1/rounds/{r}/commit"), &app.admin, json!({}))
        .await
        .expect(200)
        .body
}

fn line(round: &Value, bet: i64) -> Value {
    round["evaluation"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["bet_id"] == bet)
        .unwrap_or_else(|| panic!("bet {bet} not in round {round}"))
        .clone()
}

/// Grants plus reserve equal the budget; the ledger sums to zero and matches the grants;
/// verification passes.
async fn assert_round_adds_up(app: &TestApp, round: &Value) {
    let e = &round["evaluation"];
    let granted: i64 = e["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["grant"].as_i64().unwrap())
        .sum();
    assert_eq!(
        granted + e["money"]["reserve"].as_i64().unwrap(),
        round["budget"].as_i64().unwrap(),
        "round {}",
        round["id"]
    );
    assert_eq!(e["money"]["total_granted"].as_i64().unwrap(), granted);
    let ledger = app
        .get("/api/v1/ledger?per_page=500", &app.admin)
        .await
        .expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0);
    let balances: i64 = ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["balance"].as_i64().unwrap())
        .sum();
    assert_eq!(balances, 0);
    let id = round["id"].as_i64().unwrap();
    let entries = app
        .get(
            &format!("/api/v1/ledger?round_id={id}&per_page=500"),
            &app.admin,
        )
        .await
        .expect(200);
    let paid: i64 = entries.body["entries"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(paid, granted);
    let verdict = app
        .get(&format!("/api/v1/rounds/{id}/verification"), &app.admin)
        .await
        .expect(200);
    assert_eq!(verdict.body["matches"], true, "{}", verdict.body);
}

/// Three rounds: new bets seeded from the whole budget, a pin, misses, a kill, a waived kill,
/// a late newcomer seeded.
#[tokio::test]
async fn three_rounds_move_the_money_to_the_evidence() {
    let app = spawn_app().await;
    let w = app.world().await;
    // Evidence before round 1 (as of 60 days ago): A climbs past 120, B and C sit at 100.
    report_series(
        &app,
        &w.member_a,
        w.bet_a,
        61,
        &[110.0, 118.0, 125.0, 131.0],
    )
    .await;
    report_series(&app, &w.member_b, w.bet_b, 61, &[100.0, 101.0, 99.0, 100.0]).await;
    report_series(
        &app,
        &w.partner,
        w.partner_bet,
        61,
        &[100.0, 99.0, 101.0, 100.0],
    )
    .await;

    // Round 1: every bet is new, so the whole budget spills to the seeds: 1/3 each, cap 40%.
    let r1 = create_round(&app, 1_000_000, days_ago(60)).await;
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
    let round1 = commit(&app, r1).await;
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
    assert_round_adds_up(&app, &round1).await;

    // Round 2 (30 days ago): A beats and is pinned; B and C miss once.
    report_series(&app, &w.member_a, w.bet_a, 31, &[128.0, 132.0, 135.0]).await;
    report_series(&app, &w.member_b, w.bet_b, 31, &[100.0, 99.0, 100.0]).await;
    report_series(&app, &w.partner, w.partner_bet, 31, &[101.0, 100.0, 99.0]).await;
    let r2 = create_round(&app, 1_000_000, days_ago(30)).await;
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
    let round2 = commit(&app, r2).await;
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
    assert_round_adds_up(&app, &round2).await;

    // Round 3 (yesterday): B misses again and is killed; C's kill is waived; D is new.
    report_series(&app, &w.member_a, w.bet_a, 2, &[136.0, 139.0, 141.0]).await;
    report_series(&app, &w.member_b, w.bet_b, 2, &[100.0, 98.0, 99.0]).await;
    report_series(&app, &w.partner, w.partner_bet, 2, &[99.0, 100.0, 100.0]).await;
    let bet_d = app
        .create_bet(&w.member_b, w.arena, w.team_b, "Newcomer")
        .await;
    app.activate(bet_d).await;
    let r3 = create_round(&app, 1_000_000, days_ago(1)).await;
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/rounds/{r3}/pins/{}", w.partner_bet),
        Some(&app.admin),
        Some(&json!({"waive_kill": true, "reason": "Partner contract runs to year end"})),
    )
    .await
    .expect(200);
    let round3 = commit(&app, r3).await;
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
    assert_round_adds_up(&app, &round3).await;

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

#[tokio::test]
async fn bad_rounds_and_pins_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let as_of = at(days_ago(5));
    for (body, status, field) in [
        (json!({"budget": -1, "as_of": as_of}), 422, "budget"),
        (
            json!({"budget": 1_000_000_000_000_001_i64, "as_of": as_of}),
            422,
            "budget",
        ),
        (
            json!({"budget": 1, "as_of": as_of, "policy": {"confidence": 1.5}}),
            422,
            "policy.confidence",
        ),
        (
            json!({"budget": 1, "as_of": as_of, "policy": {"min_reports": 2}}),
            422,
            "policy.min_reports",
        ),
        (
            json!({"budget": 1, "as_of": as_of, "policy": {"max_share": 0}}),
            422,
            "policy.max_share",
        ),
        (
            json!({"budget": 1, "as_of": as_of, "window_start": as_of}),
            422,
            "window_start",
        ),
        (
            json!({"budget": 1, "as_of": as_of, "policy": {"colour": "red"}}),
            400,
            "",
        ),
        (json!({"budget": 1}), 400, ""),
    ] {
        let reply = app.post("/api/v1/rounds", &app.admin, body).await;
        assert_eq!(reply.status.as_u16(), status, "{}", reply.body);
        if !field.is_empty() {
            assert_eq!(reply.body["error"]["field"], field);
        }
    }
    let rounds = app.get("/api/v1/rounds", &app.admin).await.expect(200);
    assert_eq!(rounds.body.as_array().unwrap().len(), 0);

    let r = create_round(&app, 1_000, days_ago(5)).await;
    let put = |bet: i64, body: Value| {
        let app = &app;
        async move {
            app.call(
                reqwest::Method::PUT,
                &format!("/api/v1/rounds/{r}/pins/{bet}"),
                Some(&app.admin),
                Some(&body),
            )
            .await
        }
    };
    put(w.bet_a, json!({"grant": 600, "reason": "ok"}))
        .await
        .expect(200);
    let reply = put(w.bet_b, json!({"grant": 401, "reason": "too much"}))
        .await
        .expect(422);
    assert_eq!(reply.code(), "pins_exceed_budget");
    put(w.bet_b, json!({"grant": 100, "reason": ""}))
        .await
        .expect(422);
    put(w.bet_b, json!({"reason": "does nothing"}))
        .await
        .expect(422);
    put(w.bet_b, json!({"grant": -1, "reason": "negative"}))
        .await
        .expect(422);
    let proposed = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Still proposed")
        .await;
    let reply = put(proposed, json!({"grant": 1, "reason": "not active"}))
        .await
        .expect(422);
    assert_eq!(reply.code(), "bet_not_active");
    put(999_999, json!({"grant": 1, "reason": "ghost"}))
        .await
        .expect(404);
    let round = app
        .get(&format!("/api/v1/rounds/{r}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(round.body["pins"].as_array().unwrap().len(), 1);
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/rounds/{r}/pins/{}", w.bet_a),
        Some(&app.admin),
        None,
    )
    .await
    .expect(204);
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/rounds/{r}/pins/{}", w.bet_a),
        Some(&app.admin),
        None,
    )
    .await
    .expect(404);
}

#[tokio::test]
async fn only_the_committee_runs_rounds_and_partners_see_only_their_lines() {
    let app = spawn_app().await;
    let w = app.world().await;
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        report_series(&app, token, bet, 6, &[110.0, 118.0, 125.0]).await;
    }
    for token in [&w.member_a, &w.partner, &w.exec] {
        app.post(
            "/api/v1/rounds",
            token,
            json!({"budget": 1, "as_of": at(days_ago(5))}),
        )
        .await
        .expect(403);
    }
    let r = create_round(&app, 900, days_ago(5)).await;
    for token in [&w.member_a, &w.partner, &w.exec] {
        app.post(&format!("/api/v1/rounds/{r}/preview"), token, json!({}))
            .await
            .expect(403);
        app.post(&format!("/api/v1/rounds/{r}/commit"), token, json!({}))
            .await
            .expect(403);
        app.call(
            reqwest::Method::PUT,
            &format!("/api/v1/rounds/{r}/pins/{}", w.bet_a),
            Some(token),
            Some(&json!({"grant": 1, "reason": "mine"})),
        )
        .await
        .expect(403);
    }
    app.post(&format!("/api/v1/rounds/{r}/commit"), &app.admin, json!({}))
        .await
        .expect(200);
    let seen = app
        .get(&format!("/api/v1/rounds/{r}"), &w.partner)
        .await
        .expect(200);
    let lines = seen.body["evaluation"]["results"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["bet_id"], w.partner_bet);
    let all = app
        .get(&format!("/api/v1/rounds/{r}"), &w.member_a)
        .await
        .expect(200);
    assert_eq!(
        all.body["evaluation"]["results"].as_array().unwrap().len(),
        3
    );
    let ledger = app.get("/api/v1/ledger", &w.partner).await.expect(200);
    assert_eq!(ledger.body["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(ledger.body["entries"]["total"], 1);
    app.get(&format!("/api/v1/rounds/{r}/verification"), &w.member_a)
        .await
        .expect(403);
    app.get(&format!("/api/v1/rounds/{r}/verification"), &w.exec)
        .await
        .expect(200);
}

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

/// Two server processes on one database commit the same round at once, many times: exactly one
/// commit wins each time and the ledger holds one set of entries.
#[tokio::test]
async fn two_processes_racing_to_commit_never_double_commit() {
    let app = spawn_app().await;
    let w = app.world().await;
    report_series(&app, &w.member_a, w.bet_a, 200, &[110.0, 118.0, 125.0]).await;
    let first = spawn_process(&app.database_url);
    let second = spawn_process(&app.database_url);
    let mut expected_entries = 0;
    for i in 0..10 {
        let r = create_round(&app, 1_000 + i, days_ago(150 - i * 10)).await;
        let mut attempts = Vec::new();
        for address in [
            &first.address,
            &second.address,
            &first.address,
            &second.address,
        ] {
            let url = format!("{address}/api/v1/rounds/{r}/commit");
            let client = app.client.clone();
            let token = app.admin.clone();
            attempts.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for attempt in attempts {
            statuses.push(attempt.await.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409, 409, 409], "round {r}");
        let round = app
            .get(&format!("/api/v1/rounds/{r}"), &app.admin)
            .await
            .expect(200)
            .body;
        expected_entries += round["evaluation"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["grant"].as_i64().unwrap() > 0)
            .count();
        let ledger = app.get("/api/v1/ledger", &app.admin).await.expect(200);
        assert_eq!(
            ledger.body["entries"]["total"].as_u64().unwrap() as usize,
            expected_entries
        );
        assert_eq!(ledger.body["sum_of_balances"], 0);
        let verdict = app
            .get(&format!("/api/v1/rounds/{r}/verification"), &app.admin)
            .await
            .expect(200);
        assert_eq!(verdict.body["matches"], true);
    }
    let _: &World = &w;
}

fn cli(database_url: &str, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("HORSERACE_LOG", "warn")
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The terminal commands run a round and verify it; tampering with a stored grant is caught.
#[tokio::test]
async fn the_cli_runs_and_verifies_rounds_and_catches_tampering() {
    use diesel::{Connection, RunQueryDsl};
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
    let as_of = at(days_ago(10));
    let (ok, out) = cli(
        &app.database_url,
        &["round", "create", "--budget", "100000", "--as-of", &as_of],
    );
    assert!(ok, "{out}");
    let (ok, out) = cli(
        &app.database_url,
        &[
            "round",
            "pin",
            "1",
            &w.bet_b.to_string(),
            "--grant",
            "5000",
            "--reason",
            "keep the lights on",
        ],
    );
    assert!(ok, "{out}");
    let (ok, out) = cli(&app.database_url, &["round", "commit", "1", "--yes"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Chat stickers")
            && out.contains("pinned")
            && out.contains("Committed round 1"),
        "{out}"
    );
    let (ok, out) = cli(&app.database_url, &["round", "verify", "1"]);
    assert!(ok && out.contains("matches bit for bit"), "{out}");
    let (ok, _) = cli(
        &app.database_url,
        &[
            "round",
            "--as",
            "alice",
            "create",
            "--budget",
            "1",
            "--as-of",
            &at(days_ago(2)),
        ],
    );
    assert!(!ok, "a member cannot open a round");

    // Someone edits a stored grant behind horserace's back: verification says so.
    let url = &app.database_url;
    let tamper =
        "UPDATE round_results SET granted = granted + 1 WHERE round_id = 1 AND granted > 0";
    if url.starts_with("postgres") {
        diesel::sql_query(tamper)
            .execute(&mut diesel::PgConnection::establish(url).unwrap())
            .unwrap();
    } else {
        diesel::sql_query(tamper)
            .execute(&mut diesel::SqliteConnection::establish(url).unwrap())
            .unwrap();
    }
    let (ok, out) = cli(&app.database_url, &["round", "verify", "1"]);
    assert!(!ok, "verification must fail: {out}");
    assert!(out.contains("does NOT match"), "{out}");
    let verdict = app
        .get("/api/v1/rounds/1/verification", &app.admin)
        .await
        .expect(200);
    assert_eq!(verdict.body["matches"], false);
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

#[tokio::test]
async fn a_pin_on_a_bet_killed_meanwhile_does_not_block_the_commit() {
    let app = spawn_app().await;
    let w = app.world().await;
    let r = create_round(&app, 1_000, days_ago(3)).await;
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/rounds/{r}/pins/{}", w.bet_a),
        Some(&app.admin),
        Some(&json!({"grant": 500, "reason": "promised"})),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/bets/{}/kill", w.bet_a),
        &app.admin,
        json!({"reason": "fraud"}),
    )
    .await
    .expect(200);
    let round = commit(&app, r).await;
    let lines = round["evaluation"]["results"].as_array().unwrap();
    assert!(lines.iter().all(|l| l["bet_id"] != w.bet_a));
    assert_eq!(round["evaluation"]["money"]["pinned_total"], 0);
    assert_round_adds_up(&app, &round).await;
}
