//! Bad rounds and pins are refused and write nothing; only the committee runs rounds.

use super::{create_round, report_series};
use crate::harness::{TestApp, World, at, days_ago, spawn_app};
use serde_json::{Value, json};

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

    bad_pins_are_refused_and_a_pin_is_removed_once(&app, &w).await;
}

/// On a draft: pins over the budget, without a reason or a grant, negative, on a bet not
/// active or missing are refused; one good pin is kept, and removed once.
async fn bad_pins_are_refused_and_a_pin_is_removed_once(app: &TestApp, w: &World) {
    let r = create_round(app, 1_000, days_ago(5)).await;
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
    // Its own account and its hold account.
    assert_eq!(ledger.body["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(ledger.body["entries"]["total"], 1);
    app.get(&format!("/api/v1/rounds/{r}/verification"), &w.member_a)
        .await
        .expect(403);
    app.get(&format!("/api/v1/rounds/{r}/verification"), &w.exec)
        .await
        .expect(200);
}
