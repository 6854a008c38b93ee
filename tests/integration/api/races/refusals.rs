//! Bad races and decisions: each refused with a 4xx in the error envelope, nothing written.

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use super::{race_body, racing_world, refused};
use crate::harness::{at, is_envelope, spawn_app};

/// `race_body` with some fields replaced.
fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[tokio::test]
async fn bad_races_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let second_of_a = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Chat themes")
        .await;
    app.activate(second_of_a).await;
    let proposed = app
        .create_bet(&w.member_b, w.arena, w.team_b, "Voice rooms")
        .await;
    let other_metric = app
        .post(
            "/api/v1/bets",
            &w.member_b,
            json!({
                "arena_id": w.arena, "team_id": w.team_b, "title": "Faster sends",
                "metric": {"name": "send latency", "unit": "ms", "direction": "lower_is_better"},
                "baseline": 900.0,
                "thresholds": [{"target": 600.0, "effective_from": "2025-01-01T00:00:00Z"}]
            }),
        )
        .await
        .expect(201)
        .id();
    app.activate(other_metric).await;
    let base = race_body(&w);
    let cases = declaration_cases(&w, &base, (second_of_a, proposed, other_metric));
    for (body, status, field) in cases {
        let reply = refused(
            &app,
            app.post("/api/v1/races", &app.admin, body.clone()),
            status,
        )
        .await;
        assert!(is_envelope(&reply), "{body}: {}", reply.body);
        if !field.is_empty() {
            assert_eq!(
                reply.body["error"]["field"], field,
                "{body}: {}",
                reply.body
            );
        }
    }
    // Only the committee declares.
    refused(
        &app,
        app.post("/api/v1/races", &w.member_a, base.clone()),
        403,
    )
    .await;

    // A second race in the arena while one is under way; progress races unlike metrics.
    let mixed = with(base.clone(), json!({"racers": [w.bet_a, other_metric]}));
    let race = app
        .post("/api/v1/races", &app.admin, mixed)
        .await
        .expect(201);
    assert_eq!(race.body["measure"], "progress", "{}", race.body);
    refused(
        &app,
        app.post("/api/v1/races", &app.admin, base.clone()),
        409,
    )
    .await;

    bad_decisions(&app, &w, (race.id(), other_metric)).await;
    // Nobody else learns the race exists.
    refused(&app, app.get("/api/v1/races/999999", &app.admin), 404).await;
}

/// Decisions that are refused on the race `id` between Pod A's bet and `other`.
async fn bad_decisions(
    app: &crate::harness::TestApp,
    w: &crate::harness::World,
    (id, other_metric): (i64, i64),
) {
    let past = at(Utc::now() - TimeDelta::hours(1));
    // Decisions that are refused: by a member, an unknown winner, a loser left out, a
    // winner who is not racing, a finish moved earlier.
    let path = format!("/api/v1/races/{id}");
    let kill_other =
        json!({"reason": "decided early", "losers": [{"bet_id": other_metric, "fate": "killed"}]});
    refused(
        app,
        app.post(&format!("{path}/decision"), &w.member_a, kill_other.clone()),
        403,
    )
    .await;
    let bad_decisions = [
        json!({"winner": w.bet_b, "reason": "x", "losers": []}),
        json!({"winner": w.bet_a, "reason": "decided early", "losers": []}),
        json!({"winner": w.bet_a, "reason": "decided early",
               "losers": [{"bet_id": other_metric, "fate": "killed", "people": [1]}]}),
        json!({"winner": w.bet_a, "reason": "decided early",
               "losers": [{"bet_id": other_metric, "fate": "merged", "people": [999_999]}]}),
        json!({"winner": w.bet_a, "losers": [{"bet_id": other_metric, "fate": "killed"}]}),
    ];
    for body in bad_decisions {
        refused(
            app,
            app.post(&format!("{path}/decision"), &app.admin, body),
            422,
        )
        .await;
    }
    refused(
        app,
        app.post(
            &format!("{path}/extend"),
            &app.admin,
            json!({"finish_at": past}),
        ),
        422,
    )
    .await;
}

/// Declarations that are refused, each with its status and the field it names ("" for a body
/// that does not parse). `bets` are a second bet of Pod A, a proposed bet, and an active bet on
/// another metric.
fn declaration_cases(
    w: &crate::harness::World,
    base: &Value,
    (second_of_a, proposed, other_metric): (i64, i64, i64),
) -> Vec<(Value, u16, &'static str)> {
    let past = at(Utc::now() - TimeDelta::hours(1));
    vec![
        (
            with(base.clone(), json!({"racers": [w.bet_a]})),
            422,
            "racers",
        ),
        (
            with(base.clone(), json!({"racers": [w.bet_a, w.bet_a]})),
            422,
            "racers",
        ),
        (
            with(base.clone(), json!({"racers": [w.bet_a, second_of_a]})),
            422,
            "racers",
        ),
        (
            with(base.clone(), json!({"racers": [w.bet_a, proposed]})),
            422,
            "racers",
        ),
        (
            with(base.clone(), json!({"racers": [w.bet_a, 999_999]})),
            422,
            "racers",
        ),
        (
            with(
                base.clone(),
                json!({"racers": [w.bet_a, other_metric], "measure": "metric"}),
            ),
            422,
            "measure",
        ),
        (
            with(base.clone(), json!({"finish_at": past})),
            422,
            "finish_at",
        ),
        (
            with(
                base.clone(),
                json!({"starts_at": at(Utc::now() + TimeDelta::days(3)),
                       "finish_at": at(Utc::now() + TimeDelta::days(2))}),
            ),
            422,
            "finish_at",
        ),
        (
            with(base.clone(), json!({"confidence": 1.2})),
            422,
            "confidence",
        ),
        (
            with(base.clone(), json!({"min_reports": 2})),
            422,
            "min_reports",
        ),
        (with(base.clone(), json!({"prize": 0})), 422, "prize"),
        (with(base.clone(), json!({"prize": -5})), 422, "prize"),
        (
            with(base.clone(), json!({"arena_id": 999_999})),
            422,
            "arena_id",
        ),
        (with(base.clone(), json!({"measure": "speed"})), 400, ""),
        (with(base.clone(), json!({"colour": "red"})), 400, ""),
    ]
}
