//! Extra fields never widen a caller's powers.

use super::me;
use crate::harness::{Api, at, connect, days_ago, fingerprint, fingerprint_diff, is_envelope};
use crate::harness::{TestApp, World, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// Extra fields a client might add to gain a power it does not have. Each is refused with 400
/// (unknown field) or 403, and nothing changes.
#[tokio::test]
async fn extra_fields_never_widen_a_callers_powers() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let mut conn = connect(&app.database_url);
    let member_id = me(&api, &w.member_a).await;
    let proposed = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Still proposed")
        .await;
    let report = app
        .report(&w.member_a, w.bet_a, json!({"value": 1.0}))
        .await
        .expect(201)
        .id();
    let round = api
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1000, "as_of": at(days_ago(1))}),
        )
        .await
        .expect(201)
        .id();
    let mut cases = bet_cases(&w);
    cases.extend(report_cases(&w, report));
    cases.extend(token_cases(&w, member_id));
    cases.extend(decision_cases(&app, &w, proposed, round));
    let mut failures = Vec::new();
    for (what, token, method, path, body, status) in cases {
        let before = fingerprint(&mut conn);
        let reply = api.call(method, &path, Some(token), Some(&body)).await;
        let changed = fingerprint_diff(&before, &fingerprint(&mut conn));
        if reply.status != status || !is_envelope(&reply) || !changed.is_empty() {
            failures.push(format!(
                "{what}: expected {status}, got {} {}; wrote {changed:?}",
                reply.status, reply.body
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let bet = api
        .get(&format!("/api/v1/bets/{proposed}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(bet.body["status"], "proposed");
}

/// What a client sends, as whom, and the status it must get: (what, token, method, path, body,
/// status).
type Case<'a> = (&'static str, &'a str, Method, String, Value, u16);

/// A bet registration with `extra` fields on top of a valid body.
fn sneaky_bet(arena: i64, extra: &Value) -> Value {
    let mut body = json!({
        "arena_id": arena, "title": "Sneaky", "baseline": 1.0,
        "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// Registering a bet with powers the caller lacks: a status, a stamp, an author, money, a team.
fn bet_cases(w: &World) -> Vec<Case<'_>> {
    let bet = |extra: Value| sneaky_bet(w.arena, &extra);
    vec![
        (
            "a member registers an active bet",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"status": "active"})),
            400,
        ),
        (
            "a member backdates an activation",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"activated_at": "2020-01-01T00:00:00Z"})),
            400,
        ),
        (
            "a member registers a bet as someone else",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"created_by": 1})),
            400,
        ),
        (
            "a member grants a bet money",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"grant": 1_000_000})),
            400,
        ),
        (
            "a member registers for another team",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"team_id": w.team_b})),
            403,
        ),
        (
            "a partner registers for another team",
            &w.partner,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"team_id": w.team_a})),
            403,
        ),
    ]
}

/// Reports, batches, thresholds and corrections that claim another author, bet or instant.
fn report_cases(w: &World, report: i64) -> Vec<Case<'_>> {
    let future = at(days_ago(-30));
    vec![
        (
            "a member sets a grant with a report",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "grant": 1_000_000}),
            400,
        ),
        (
            "a member reports as someone else",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "reported_by": 1}),
            400,
        ),
        (
            "a member redirects a report to another bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "bet_id": w.bet_b}),
            400,
        ),
        (
            "a member backdates a report's receipt",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "received_at": "2020-01-01T00:00:00Z"}),
            400,
        ),
        (
            "a member reports as someone else in a batch",
            &w.member_a,
            Method::POST,
            "/api/v1/reports/batch".into(),
            json!({"reports": [{"bet_id": w.bet_a, "value": 1.0, "reported_by": 1}]}),
            400,
        ),
        (
            "a member sends a batch as the committee",
            &w.member_a,
            Method::POST,
            "/api/v1/reports/batch".into(),
            json!({"reports": [{"bet_id": w.bet_a, "value": 1.0}], "as": "admin"}),
            400,
        ),
        (
            "a member moves a threshold to another bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/thresholds", w.bet_a),
            json!({"target": 150.0, "effective_from": future, "bet_id": w.bet_b}),
            400,
        ),
        (
            "a member's correction supersedes another report",
            &w.member_a,
            Method::POST,
            format!("/api/v1/reports/{report}/corrections"),
            json!({"value": 2.0, "supersedes": 1}),
            400,
        ),
    ]
}

/// Tokens of another kind, for another user, or with another role.
fn token_cases(w: &World, member_id: i64) -> Vec<Case<'_>> {
    vec![
        (
            "a member issues a session token",
            &w.member_a,
            Method::POST,
            format!("/api/v1/users/{member_id}/tokens"),
            json!({"label": "x", "kind": "session"}),
            400,
        ),
        (
            "a member issues a token for someone else",
            &w.member_a,
            Method::POST,
            format!("/api/v1/users/{member_id}/tokens"),
            json!({"label": "x", "user_id": 1}),
            400,
        ),
        (
            "a member issues a committee token",
            &w.member_a,
            Method::POST,
            format!("/api/v1/users/{member_id}/tokens"),
            json!({"label": "x", "role": "committee"}),
            400,
        ),
    ]
}

/// Decisions only the committee may take, and committee requests that stamp what they may not.
fn decision_cases<'a>(app: &'a TestApp, w: &'a World, proposed: i64, round: i64) -> Vec<Case<'a>> {
    vec![
        (
            "a member activates a bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{proposed}/activate"),
            json!({}),
            403,
        ),
        (
            "a member kills another team's bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/kill", w.bet_b),
            json!({"reason": "x"}),
            403,
        ),
        (
            "a member pins a grant",
            &w.member_a,
            Method::PUT,
            format!("/api/v1/rounds/{round}/pins/{}", w.bet_a),
            json!({"grant": 500, "reason": "mine"}),
            403,
        ),
        (
            "a member commits a round",
            &w.member_a,
            Method::POST,
            format!("/api/v1/rounds/{round}/commit"),
            json!({}),
            403,
        ),
        (
            "a partner makes itself committee",
            &w.partner,
            Method::POST,
            "/api/v1/users".into(),
            json!({"name": "boss", "role": "committee"}),
            403,
        ),
        (
            "an exec opens a round",
            &w.exec,
            Method::POST,
            "/api/v1/rounds".into(),
            json!({"budget": 1, "as_of": at(days_ago(2))}),
            403,
        ),
        (
            "the committee opens a round already committed",
            &app.admin,
            Method::POST,
            "/api/v1/rounds".into(),
            json!({"budget": 1, "as_of": at(days_ago(3)), "status": "committed"}),
            400,
        ),
        (
            "the committee pins with an approval stamp",
            &app.admin,
            Method::PUT,
            format!("/api/v1/rounds/{round}/pins/{}", w.bet_a),
            json!({"grant": 5, "reason": "x", "approved_by": 1}),
            400,
        ),
    ]
}
