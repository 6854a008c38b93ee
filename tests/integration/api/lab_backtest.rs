//! The policy lab's backtest on portfolios committed through the real API (and on the demo):
//! the committed policies give every round back, an alternative's kills and marks, no report
//! that arrived after a commit leaks into the replay, dropping the pins, the rounds' range, and
//! who may run it. The service is called directly on the server's database.

use std::time::Instant;

use horserace::domain::{Actor, Currency, Role};
use horserace::engine::{Decision, Policy};
use horserace::error::ErrorKind;
use horserace::lab::backtest::{BacktestReport, Mark, PolicyRun};
use horserace::services::lab::{BacktestRequest, RoundRange, backtest};
use serde_json::json;

use crate::harness::{FreshDatabase, TestApp, World, connect, spawn_app};

const BEAT: [f64; 4] = [128.0, 131.0, 129.0, 132.0];
const MISS: [f64; 4] = [101.0, 99.0, 100.0, 102.0];
const AS_OF: [&str; 4] = [
    "2026-03-01T00:00:00Z",
    "2026-04-01T00:00:00Z",
    "2026-05-01T00:00:00Z",
    "2026-06-01T00:00:00Z",
];

fn committee() -> Actor {
    Actor {
        user_id: 1,
        name: "admin".into(),
        role: Role::Committee,
        team_id: None,
    }
}

fn policy(json: &str) -> Option<Policy> {
    Some(serde_json::from_str(json).unwrap())
}

fn request(policies: Vec<Option<Policy>>) -> BacktestRequest {
    BacktestRequest {
        policies,
        rounds: None,
        drop_pins: false,
    }
}

fn run(app: &TestApp, request: &BacktestRequest) -> BacktestReport {
    backtest(&mut connect(&app.database_url), &committee(), request).unwrap()
}

/// Four reports of a bet in the month before `as_of` (days 3, 10, 17 and 24 of that month).
async fn report_month(app: &TestApp, token: &str, bet: i64, month: u32, values: [f64; 4]) {
    let rows: Vec<_> = values
        .iter()
        .zip([3, 10, 17, 24])
        .map(|(v, d)| json!({"bet_id": bet, "value": v, "observed_at": format!("2026-{month:02}-{d:02}T00:00:00Z")}))
        .collect();
    app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
        .await
        .expect(201);
}

/// Drafts a round, pins a bet's grant if asked, and commits it; its id.
async fn commit_round(app: &TestApp, as_of: &str, pin: Option<(i64, i64)>) -> i64 {
    let round = app
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 100_000, "as_of": as_of}),
        )
        .await
        .expect(201)
        .id();
    if let Some((bet, grant)) = pin {
        app.api
            .put(
                &format!("/api/v1/rounds/{round}/pins/{bet}"),
                &app.admin,
                json!({"grant": grant, "reason": "a trial the committee keeps running"}),
            )
            .await
            .expect(200);
    }
    app.post(
        &format!("/api/v1/rounds/{round}/commit"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    round
}

/// Four committed rounds: bet A beats throughout (pinned at 20,000 in the second round); bet B
/// misses throughout and the third round kills it; the partner's bet beats.
async fn four_rounds(app: &TestApp) -> (World, Vec<i64>) {
    let w = app.world().await;
    let mut rounds = Vec::new();
    for (i, as_of) in AS_OF.iter().enumerate() {
        let month = u32::try_from(i).unwrap() + 2;
        report_month(app, &w.member_a, w.bet_a, month, BEAT).await;
        // Killed in the third round, bet B takes no reports after it.
        if i < 3 {
            report_month(app, &w.member_b, w.bet_b, month, MISS).await;
        }
        report_month(app, &w.partner, w.partner_bet, month, BEAT).await;
        let pin = (i == 1).then_some((w.bet_a, 20_000));
        rounds.push(commit_round(app, as_of, pin).await);
    }
    (w, rounds)
}

fn line(run: &PolicyRun, round: usize, bet: i64) -> &horserace::lab::backtest::BetLine {
    run.rounds[round]
        .bets
        .iter()
        .find(|l| l.bet_id == bet)
        .unwrap()
}

/// Every round of every run adds up to its budget, and the committed policies' replay equals
/// the actual history line by line.
fn assert_sound(report: &BacktestReport) {
    for run in std::iter::once(&report.actual).chain(&report.alternatives) {
        for (round, header) in run.rounds.iter().zip(&report.rounds) {
            assert_eq!(
                round.all.granted + round.reserve,
                header.budget,
                "{}",
                round.round_id
            );
        }
    }
    for run in report
        .alternatives
        .iter()
        .filter(|r| r.policy.is_none() && !report.drop_pins)
    {
        for round in &run.rounds {
            assert_eq!(round.marked, 0);
            for l in &round.bets {
                assert_eq!(
                    (l.grant, l.decision),
                    (l.actual_grant, l.actual_decision),
                    "{l:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn backtest_the_committed_policies_give_every_round_back_and_alternatives_chain() {
    let app = spawn_app().await;
    let (w, rounds) = four_rounds(&app).await;
    let report = run(
        &app,
        &request(vec![
            None,
            policy(r#"{"kill_after_misses":1}"#),
            policy(r#"{"kill_after_misses":5}"#),
        ]),
    );
    assert_eq!(
        report.rounds.iter().map(|r| r.round_id).collect::<Vec<_>>(),
        rounds
    );
    assert_sound(&report);
    let [same, strict, lenient] = &report.alternatives[..] else {
        panic!("three alternatives")
    };
    assert_eq!(
        line(same, 2, w.bet_b).actual_decision,
        Some(Decision::Killed)
    );
    assert_eq!(
        line(same, 1, w.bet_a).actual_decision,
        Some(Decision::Pinned)
    );

    // One miss kills: bet B dies in the second round, and the third round's real reports of it
    // are marked as ones it would never have made.
    assert!(strict.all.killed >= report.actual.all.killed);
    assert_eq!(line(strict, 1, w.bet_b).decision, Some(Decision::Killed));
    let third = line(strict, 2, w.bet_b);
    assert_eq!((third.grant, third.decision), (0, None));
    assert_eq!(third.marks, vec![Mark::KilledEarlier]);

    // Five misses to kill: bet B runs on in the fourth round without evidence, marked.
    let fourth = line(lenient, 3, w.bet_b);
    assert_eq!(fourth.actual_decision, None);
    assert!(fourth.decision.is_some());
    assert_eq!(fourth.marks, vec![Mark::Counterfactual]);
    assert_eq!(
        lenient.rounds[3].unmarked.bets + 1,
        lenient.rounds[3].all.bets
    );
    assert_eq!(lenient.unmarked.rounds, 3);
}

/// A report observed inside an old round's window but sent after that round was committed is
/// not evidence the round had: the backtest's figures stay the same, bit for bit. (Read by
/// window instead of by the stored ids, the partner's second round would miss on them.)
#[tokio::test]
async fn backtest_a_report_that_arrived_after_a_commit_changes_nothing() {
    let app = spawn_app().await;
    let (w, _) = four_rounds(&app).await;
    let asked = request(vec![None, policy(r#"{"kill_after_misses":1}"#)]);
    let before = serde_json::to_value(run(&app, &asked)).unwrap();
    report_month(&app, &w.partner, w.partner_bet, 3, [60.0, 55.0, 50.0, 45.0]).await;
    let after = serde_json::to_value(run(&app, &asked)).unwrap();
    assert_eq!(before, after);

    // Had the replay used them, the figures would have moved: the test can fail.
    let mut conn = connect(&app.database_url);
    let mut history = horserace::services::lab::history::read(&mut conn, None).unwrap();
    let second = &mut history.rounds[1].input;
    let at = |d: u32| format!("2026-03-{d:02}T12:00:00Z").parse().unwrap();
    let partner = second
        .bets
        .iter_mut()
        .find(|b| b.id == w.partner_bet)
        .unwrap();
    for (value, d) in [(60.0, 4), (55.0, 11), (50.0, 18), (45.0, 25)] {
        partner
            .observations
            .push(horserace::engine::Observation { at: at(d), value });
    }
    let replayed = horserace::lab::backtest::replay(&history, None, true).unwrap();
    let stored = history.rounds[1].stored_bet(w.partner_bet).unwrap();
    let leaked = replayed.rounds[1].bets[&w.partner_bet];
    assert_ne!(
        (leaked.outcome, leaked.grant),
        (stored.outcome, stored.grant)
    );
}

#[tokio::test]
async fn backtest_dropping_the_pins_changes_the_pinned_round() {
    let app = spawn_app().await;
    let (w, rounds) = four_rounds(&app).await;
    let mut asked = request(vec![None]);
    asked.drop_pins = true;
    let report = run(&app, &asked);
    assert_sound(&report);
    let second = &report.alternatives[0].rounds[1];
    assert_eq!(second.pins_dropped, vec![w.bet_a]);
    let a = line(&report.alternatives[0], 1, w.bet_a);
    assert_eq!(a.actual_decision, Some(Decision::Pinned));
    assert_ne!(a.decision, Some(Decision::Pinned));
    assert_ne!(a.grant, a.actual_grant);
    assert!(second.all.distance > 0);

    // A range of rounds starts from the real history at its first round.
    asked.rounds = Some(RoundRange {
        first: rounds[1],
        last: rounds[2],
    });
    asked.drop_pins = false;
    let report = run(&app, &asked);
    assert_eq!(report.rounds.len(), 2);
    assert_sound(&report);
    asked.rounds = Some(RoundRange {
        first: 90,
        last: 99,
    });
    let err = backtest(&mut connect(&app.database_url), &committee(), &asked).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(
        err.detail().message.contains("90..99"),
        "{}",
        err.detail().message
    );
}

#[tokio::test]
async fn backtest_is_for_the_committee_and_executives() {
    let app = spawn_app().await;
    let (w, _) = four_rounds(&app).await;
    let asked = request(vec![None]);
    let mut conn = connect(&app.database_url);
    for (role, team) in [
        (Role::Member, Some(w.team_a)),
        (Role::Partner, Some(w.partner_team)),
    ] {
        let actor = Actor {
            user_id: 2,
            name: "someone".into(),
            role,
            team_id: team,
        };
        let err = backtest(&mut conn, &actor, &asked).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden, "{role:?}");
    }
    let exec = Actor {
        user_id: 5,
        name: "erin".into(),
        role: Role::Exec,
        team_id: None,
    };
    assert!(backtest(&mut conn, &exec, &asked).is_ok());
    let mut bad = request(vec![None, policy(r#"{"max_share":1.5}"#)]);
    let err = backtest(&mut conn, &exec, &bad).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(
        err.detail().message.contains("max_share"),
        "{}",
        err.detail().message
    );
    bad.policies = vec![None; 51];
    let err = backtest(&mut conn, &exec, &bad).unwrap_err();
    assert!(
        err.detail().message.contains("at most 50"),
        "{}",
        err.detail().message
    );
}

/// The demo's four rounds (kills, seeds, pins, a waived kill) replay as committed; an
/// alternative that kills sooner kills at least as many.
#[tokio::test]
async fn backtest_the_demo_replays_as_committed() {
    let database = FreshDatabase::new();
    let pool = horserace::db::connection::connect(
        &database.database_url(),
        1,
        horserace::db::connection::POOL_WAIT,
    )
    .unwrap();
    let mut conn = pool.get().unwrap();
    horserace::demo::build(&mut conn, &Currency::usd(), horserace::domain::time::now()).unwrap();
    let asked = request(vec![None, policy(r#"{"kill_after_misses":1}"#)]);
    let started = Instant::now();
    let report = backtest(&mut conn, &committee(), &asked).unwrap();
    eprintln!(
        "backtest of the demo ({} rounds, {} reports, 3 replays): {:?}",
        report.rounds.len(),
        report.rounds.iter().map(|r| r.reports).sum::<usize>(),
        started.elapsed()
    );
    assert_eq!(report.rounds.len(), 4);
    assert!(report.rounds.iter().any(|r| r.pins > 0));
    assert!(report.actual.all.killed > 0);
    assert_sound(&report);
    assert!(report.alternatives[1].all.killed >= report.actual.all.killed);
}

/// `horserace lab backtest` from a terminal: the same report as JSON for an exec, the
/// committee's alternative side by side with the actual rounds, and a member refused.
#[tokio::test]
async fn backtest_from_the_terminal_prints_the_report_and_refuses_a_member() {
    let app = spawn_app().await;
    let (_, rounds) = four_rounds(&app).await;
    let db = app.database_url.as_str();
    let (ok, out, err) = crate::harness::cli(
        db,
        &[
            "lab",
            "backtest",
            "--policy",
            r#"{"kill_after_misses":1}"#,
            "--policy",
            r#"{"evidence_windows":2}"#,
            "--format",
            "json",
            "--as",
            "erin",
        ],
    );
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["alternatives"].as_array().map(Vec::len),
        Some(2),
        "{out}"
    );
    assert_eq!(
        report["actual"]["rounds"].as_array().map(Vec::len),
        Some(rounds.len()),
        "{out}"
    );
    let (ok, out, err) = crate::harness::cli(db, &["lab", "backtest"]);
    assert!(
        ok && out.contains("Every committed round replays as it was stored"),
        "{out}{err}"
    );
    let (ok, _, err) = crate::harness::cli(db, &["lab", "backtest", "--as", "alice"]);
    assert!(!ok && err.contains("committee"), "{err}");
}
