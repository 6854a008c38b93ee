//! The requests of the flow: a contested queue and a raise that jumps it, a delivery refused
//! while waiting, closures of every kind, and an overdraft limit.

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::super::{Market, account, act, keyed_post, quoted, refused};
use crate::harness::{TestApp, at};

/// Team A and team B compete for the payments platform's 10 units this period.
pub(super) async fn contested_queue(app: &TestApp, m: &Market) {
    // A retried filing is one request.
    let body = json!({"service_id": m.payments, "team_id": m.w.team_a, "request_type": "integration",
        "quantity": 1, "purpose": "a spare", "max_total": 1});
    let filed = keyed_post(
        app,
        "/api/v1/requests",
        &m.w.member_a,
        "file-1",
        body.clone(),
    )
    .await
    .expect(201);
    let again = keyed_post(app, "/api/v1/requests", &m.w.member_a, "file-1", body)
        .await
        .expect(201);
    assert_eq!(
        (again.id(), &again.headers["idempotent-replayed"]),
        (filed.id(), &"true".parse().unwrap())
    );
    act(app, filed.id(), "withdraw", &m.w.member_a, json!({}))
        .await
        .expect(200);
    let before = account(app, m.w.team_a).await;
    let a = quoted(app, m, (&m.w.member_a, m.w.team_a), 4, 200_000).await;
    keyed_post(
        app,
        &format!("/api/v1/requests/{a}/accept"),
        &m.w.member_a,
        "acc-a",
        json!({}),
    )
    .await
    .expect(200);
    let replay = keyed_post(
        app,
        &format!("/api/v1/requests/{a}/accept"),
        &m.w.member_a,
        "acc-a",
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(replay.body["held"], 200_000);
    let after = account(app, m.w.team_a).await;
    assert_eq!(
        after["balance"].as_i64().unwrap(),
        before["balance"].as_i64().unwrap() - 200_000
    );
    assert_eq!(after["on_hold"], 200_000, "the retry held nothing twice");

    // B's quote is above its maximum until it raises the maximum.
    let b = quoted(app, m, (&m.w.member_b, m.w.team_b), 8, 300_000).await;
    act(app, b, "quote", &m.plat, json!({"total": 320_000}))
        .await
        .expect(200);
    let above = act(app, b, "accept", &m.w.member_b, json!({})).await;
    refused(&above, 409, "quote_above_maximum");
    act(app, b, "raise", &m.w.member_b, json!({"amount": 320_000}))
        .await
        .expect(200);
    act(app, b, "accept", &m.w.member_b, json!({}))
        .await
        .expect(200);

    jump_the_queue(app, m, a, b).await;
}

/// A pays 500.00 a unit, B 400.00; B raises to 600.00 a unit and jumps the queue.
async fn jump_the_queue(app: &TestApp, m: &Market, a: i64, b: i64) {
    // A (4 units) is scheduled, B (8) waits.
    assert_eq!(queue(app, m, &m.w.member_b).await, [(a, true), (b, false)]);
    // Now A waits; a retried raise holds the difference once.
    let raise = format!("/api/v1/requests/{b}/raise");
    for _ in 0..2 {
        keyed_post(
            app,
            &raise,
            &m.w.member_b,
            "raise-b",
            json!({"amount": 480_000}),
        )
        .await
        .expect(200);
    }
    assert_eq!(account(app, m.w.team_b).await["on_hold"], 480_000);
    assert_eq!(queue(app, m, &m.w.member_a).await, [(b, true), (a, false)]);
    let waiting = act(app, a, "deliver", &m.plat, json!({})).await;
    refused(&waiting, 409, "not_scheduled");
    let platform_before = account(app, m.platform).await["balance"].as_i64().unwrap();
    keyed_post(
        app,
        &format!("/api/v1/requests/{b}/deliver"),
        &m.plat,
        "del-b",
        json!({}),
    )
    .await
    .expect(200);
    keyed_post(
        app,
        &format!("/api/v1/requests/{b}/deliver"),
        &m.plat,
        "del-b",
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        account(app, m.platform).await["balance"].as_i64().unwrap(),
        platform_before + 480_000,
        "delivery pays the offer once"
    );
    // A partner sees the other teams' requests in the queue as "another team".
    let seen = app
        .get(
            &format!("/api/v1/services/{}/queue", m.payments),
            &m.w.partner,
        )
        .await
        .expect(200);
    assert_eq!(seen.body["entries"][0]["team"], "another team");
    assert_eq!(seen.body["entries"][0]["request_id"], Value::Null);
}

async fn queue(app: &TestApp, m: &Market, token: &str) -> Vec<(i64, bool)> {
    let q = app
        .get(&format!("/api/v1/services/{}/queue", m.payments), token)
        .await
        .expect(200);
    q.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["request_id"].as_i64().unwrap(),
                e["scheduled"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Declined, withdrawn, expired and cancelled requests: nothing stays on hold.
pub(super) async fn closures(app: &TestApp, m: &Market) {
    let p = (m.w.partner.as_str(), m.w.partner_team);
    let declined = quoted(app, m, p, 1, 10_000).await;
    act(app, declined, "decline", &m.plat, json!({"reason": "full"}))
        .await
        .expect(200);
    let withdrawn = quoted(app, m, p, 1, 10_000).await;
    act(app, withdrawn, "withdraw", &m.w.partner, json!({}))
        .await
        .expect(200);
    let gone = act(app, withdrawn, "withdraw", &m.w.partner, json!({})).await;
    refused(&gone, 409, "invalid_transition");

    let expiring = quoted(app, m, p, 1, 10_000).await;
    let soon = at(app.clock.now() + TimeDelta::hours(1));
    act(
        app,
        expiring,
        "quote",
        &m.plat,
        json!({"total": 9_000, "expires_at": soon}),
    )
    .await
    .expect(200);
    app.clock.advance(TimeDelta::hours(2));
    let reopened = app
        .get(&format!("/api/v1/requests/{expiring}"), &m.w.partner)
        .await
        .expect(200);
    assert_eq!(
        (
            reopened.body["status"].as_str(),
            reopened.body["quote_expired"].as_bool()
        ),
        (Some("open"), Some(true))
    );
    let late = act(app, expiring, "accept", &m.w.partner, json!({})).await;
    refused(&late, 409, "quote_expired");

    let held = quoted(app, m, p, 1, 10_000).await;
    act(app, held, "accept", &m.w.partner, json!({}))
        .await
        .expect(200);
    let no_reason = act(app, held, "cancel", &app.admin, json!({})).await;
    assert_eq!(no_reason.status, 422);
    act(
        app,
        held,
        "cancel",
        &app.admin,
        json!({"reason": "duplicate of another request"}),
    )
    .await
    .expect(200);
    assert_eq!(account(app, m.w.partner_team).await["on_hold"], 0);
}

/// A team that cannot pay is told its shortfall; an overdraft limit lets it go below zero.
pub(super) async fn overdraft(app: &TestApp, m: &Market) {
    let balance = account(app, m.w.team_b).await["balance"].as_i64().unwrap();
    let big = quoted(app, m, (&m.w.member_b, m.w.team_b), 1, balance + 5_000).await;
    let short = act(app, big, "accept", &m.w.member_b, json!({})).await;
    refused(&short, 409, "insufficient_funds");
    assert!(
        short.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("short by USD 50.00"),
        "{}",
        short.body
    );
    app.api
        .put(
            &format!("/api/v1/teams/{}/account", m.w.team_b),
            &app.admin,
            json!({"overdraft_limit": 5_000}),
        )
        .await
        .expect(200);
    act(app, big, "accept", &m.w.member_b, json!({}))
        .await
        .expect(200);
    let b = account(app, m.w.team_b).await;
    assert_eq!(
        (b["balance"].as_i64(), b["available"].as_i64()),
        (Some(-5_000), Some(0))
    );
    // Team B hit its limit: the billing run leaves its subscription unpaid... unless it has
    // money by then. It is released here so the first run charges it.
    act(app, big, "cancel", &m.w.member_b, json!({}))
        .await
        .expect(200);
}

pub(super) async fn deliver_the_waiting_request(app: &TestApp, m: &Market) {
    let queue = queue(app, m, &m.plat).await;
    assert_eq!(queue.len(), 1, "only A's request is left");
    assert!(queue[0].1, "a new period frees the capacity");
    app.post(
        &format!("/api/v1/requests/{}/deliver", queue[0].0),
        &m.plat,
        json!({}),
    )
    .await
    .expect(200);
}
