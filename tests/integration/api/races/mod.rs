//! Races over HTTP: declared by the committee, watched by the racing teams and execs (a partner
//! sees the other racers without their teams), decided at the finish in one transaction (the
//! winner advances, a loser merged with its people, another killed, the prize pinned on the
//! next draft), and every bad declaration or decision refused without writing anything.
//!
//! ```sh
//! cargo test --test integration -- api::races
//! ```

mod cli;
mod demo;
mod refusals;

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use crate::harness::{Reply, TestApp, World, at, connect, fingerprint};

/// Reports of `values` on the last days before now, one a day, the last one a day ago.
pub async fn reports(app: &TestApp, token: &str, bet: i64, values: &[f64]) {
    let days = i64::try_from(values.len()).unwrap();
    for (i, v) in (0..).zip(values) {
        let observed = Utc::now() - TimeDelta::days(days - i);
        app.report(token, bet, json!({"value": v, "observed_at": at(observed)}))
            .await
            .expect(201);
    }
}

/// The standard world with evidence: Pod A climbs well past the others.
pub async fn racing_world(app: &TestApp) -> World {
    let w = app.world().await;
    reports(
        app,
        &w.member_a,
        w.bet_a,
        &[130.0, 140.0, 151.0, 159.0, 171.0, 180.0],
    )
    .await;
    reports(
        app,
        &w.member_b,
        w.bet_b,
        &[104.0, 101.0, 106.0, 103.0, 105.0, 104.0],
    )
    .await;
    reports(
        app,
        &w.partner,
        w.partner_bet,
        &[99.0, 102.0, 100.0, 101.0, 98.0, 100.0],
    )
    .await;
    w
}

/// The race body of most tests: the world's three bets, since ten days ago, finishing in an
/// hour, with a prize of 5,000.00.
pub fn race_body(w: &World) -> Value {
    json!({
        "arena_id": w.arena, "name": "Messaging race",
        "racers": [w.bet_a, w.bet_b, w.partner_bet],
        "starts_at": at(Utc::now() - TimeDelta::days(10)),
        "finish_at": at(Utc::now() + TimeDelta::hours(1)),
        "prize": 500_000,
    })
}

/// A request refused with `status` and `code`, with nothing written.
pub async fn refused(
    app: &TestApp,
    reply: impl std::future::Future<Output = Reply>,
    status: u16,
) -> Reply {
    let mut conn = connect(&app.database_url);
    let before = fingerprint(&mut conn);
    let reply = reply.await;
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(
        before,
        fingerprint(&mut conn),
        "a refused request wrote: {}",
        reply.body
    );
    reply
}

#[tokio::test]
async fn a_race_is_declared_watched_and_decided_with_a_merge_a_kill_and_a_prize() {
    let app = crate::harness::spawn_app().await;
    let w = racing_world(&app).await;
    let (bob_too, _) = app.create_user("bea", "member", Some(w.team_b)).await;
    let id = declare_and_watch(&app, &w).await;
    let path = format!("/api/v1/races/{id}");

    // Before the finish a decision needs a reason; after it, the call decides.
    let decision = json!({
        "losers": [
            {"bet_id": w.bet_b, "fate": "merged", "people": [bob_too]},
            {"bet_id": w.partner_bet, "fate": "killed"},
        ]
    });
    let early = refused(
        &app,
        app.post(&format!("{path}/decision"), &app.admin, decision.clone()),
        422,
    )
    .await;
    assert_eq!(early.body["error"]["field"], "reason", "{}", early.body);
    app.clock.advance(TimeDelta::hours(2));
    let decided = app
        .post(&format!("{path}/decision"), &app.admin, decision)
        .await
        .expect(200)
        .body;
    assert_eq!(decided["status"], "decided");
    assert_eq!(decided["winner_bet_id"], w.bet_a);
    assert_eq!(
        decided["prize_state"], "waiting",
        "no draft round yet: {decided}"
    );

    // The winner advanced, the losers closed, Bea joined Pod A; all audited.
    let bet = |id: i64| format!("/api/v1/bets/{id}");
    assert_eq!(
        app.get(&bet(w.bet_a), &app.admin).await.expect(200).body["stage"],
        "validate"
    );
    assert_eq!(
        app.get(&bet(w.bet_b), &app.admin).await.expect(200).body["status"],
        "merged"
    );
    assert_eq!(
        app.get(&bet(w.partner_bet), &app.admin)
            .await
            .expect(200)
            .body["status"],
        "killed"
    );
    let bea = app
        .get(&format!("/api/v1/users/{bob_too}"), &app.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(bea["team_id"], w.team_a, "{bea}");
    let audit = app
        .get("/api/v1/audit?object_type=race", &app.admin)
        .await
        .expect(200)
        .body;
    let actions = audit.to_string();
    assert!(
        actions.contains("race.declare") && actions.contains("race.decide"),
        "{audit}"
    );

    // The next draft round carries the prize as a pin, which stays as decided.
    let round = app
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 10_000_000, "as_of": at(Utc::now() + TimeDelta::minutes(5))}),
        )
        .await
        .expect(201)
        .id();
    let pins = app
        .get(&format!("/api/v1/rounds/{round}"), &app.admin)
        .await
        .expect(200)
        .body;
    assert!(pins.to_string().contains("the prize of race"), "{pins}");
    let again = app.get(&path, &app.admin).await.expect(200).body;
    assert_eq!(again["prize_state"], "pinned");
    assert_eq!(again["prize_round_id"], round);
    refused(
        &app,
        app.api.delete(
            &format!("/api/v1/rounds/{round}/pins/{}", w.bet_a),
            &app.admin,
        ),
        409,
    )
    .await;
}

/// Declares the race of `race_body` and reads it as each kind of reader; its id.
async fn declare_and_watch(app: &TestApp, w: &World) -> i64 {
    let race = app
        .post("/api/v1/races", &app.admin, race_body(w))
        .await
        .expect(201);
    assert_eq!(race.body["measure"], "metric", "they share one metric");
    let id = race.id();
    let path = format!("/api/v1/races/{id}");

    // The committee, execs and every racing team read it; the call already names Pod A.
    let seen = app.get(&path, &w.exec).await.expect(200).body;
    let standings = &seen["standings"];
    assert_eq!(standings["compared"], 3, "{seen}");
    assert_eq!(standings["call"], "winner", "{seen}");
    assert_eq!(standings["winner_bet_id"], w.bet_a);
    let total: f64 = standings["racers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["p_best"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-6, "P(best) sums to 1: {total}");
    let b = app.get(&path, &w.member_b).await.expect(200).body;
    let gap = b["standings"]["racers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["bet_id"] == w.bet_b)
        .unwrap()["gap_to_leader"]
        .as_f64()
        .unwrap();
    assert!(gap > 50.0, "Pod B is told how far behind it is: {gap}");
    let partner = app.get(&path, &w.partner).await.expect(200).body;
    for racer in partner["racers"].as_array().unwrap() {
        let own = racer["bet_id"] == w.partner_bet;
        assert_eq!(
            racer["team"].is_string(),
            own,
            "a partner sees only its own team: {racer}"
        );
    }

    id
}

#[tokio::test]
async fn a_racer_closed_before_the_decision_leaves_the_race_and_the_others_race_on() {
    let app = crate::harness::spawn_app().await;
    let w = racing_world(&app).await;
    let id = app
        .post("/api/v1/races", &app.admin, race_body(&w))
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/bets/{}/kill", w.partner_bet),
        &app.admin,
        json!({"reason": "the partner withdrew"}),
    )
    .await
    .expect(200);
    let race = app
        .get(&format!("/api/v1/races/{id}"), &app.admin)
        .await
        .expect(200)
        .body;
    let partner = race["racers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["bet_id"] == w.partner_bet)
        .unwrap();
    assert_eq!(partner["fate"], "left", "{race}");
    assert_eq!(partner["racing"], false);
    assert_eq!(
        race["standings"]["compared"], 2,
        "the others are compared: {race}"
    );
    // It may race again elsewhere later, but is not a loser to decide on.
    app.clock.advance(TimeDelta::hours(2));
    app.post(
        &format!("/api/v1/races/{id}/decision"),
        &app.admin,
        json!({"losers": [{"bet_id": w.bet_b, "fate": "continues"}]}),
    )
    .await
    .expect(200);
}
