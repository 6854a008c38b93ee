//! Two billing periods of a market, end to end: subscriptions (one tied to a bet), a contested
//! queue, a raise that jumps it, a delivery refused while waiting, an expired quote, a
//! cancellation by the committee, an overdraft limit, an unpaid charge, and statements that
//! reconcile for every team and period while the ledger sums to zero.

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::{Market, account, keyed_post, market, next_period, quoted};
use crate::harness::{TestApp, at, spawn_unlimited};

#[tokio::test]
async fn two_billing_periods_of_a_market_reconcile_to_the_minor_unit() {
    let app = spawn_unlimited().await;
    let m = market(&app).await;
    let broke = subscriptions(&app, &m).await;
    contested_queue(&app, &m).await;
    closures(&app, &m).await;
    overdraft(&app, &m).await;

    let first = next_period(&app);
    let run1 = bill(&app, &first).await;
    // Team A: 3 seats of 200.00; team B: a flat 300.00; "Broke" could not pay its 300.00.
    assert_eq!(run1["charged"], 60_000 + 30_000);
    assert_eq!(run1["unpaid"], 30_000);
    let unpaid: Vec<&Value> = run1["charges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["paid"] == false)
        .collect();
    assert_eq!(unpaid.len(), 1);
    assert_eq!(unpaid[0]["team_id"], broke);
    assert_eq!(unpaid[0]["shortfall"], 30_000);

    // In the new period the capacity is free again: team A's waiting request is scheduled.
    deliver_the_waiting_request(&app, &m).await;
    let second = next_period(&app);
    bill(&app, &second).await;

    for team in [m.w.team_a, m.w.team_b, m.w.partner_team, m.platform, broke] {
        statements_reconcile(&app, team, &first, &second).await;
    }
    let ledger = app.get("/api/v1/ledger", &app.admin).await.expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0, "{}", ledger.body);
    let broke_statement = app
        .get(
            &format!("/api/v1/teams/{broke}/statement?from=2020-01-01&to=2029-01-01"),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(broke_statement.body["unpaid"].as_array().unwrap().len(), 2);
}

/// Subscriptions: one per team, A's tied to its bet and keyed; and a team without money.
async fn subscriptions(app: &TestApp, m: &Market) -> i64 {
    let body = json!({"service_id": m.payments, "team_id": m.w.team_a, "bet_id": m.w.bet_a, "quantity": 3});
    let first = keyed_post(
        app,
        "/api/v1/subscriptions",
        &m.w.member_a,
        "sub-a-1",
        body.clone(),
    )
    .await
    .expect(201);
    let again = keyed_post(app, "/api/v1/subscriptions", &m.w.member_a, "sub-a-1", body)
        .await
        .expect(201);
    assert_eq!(again.id(), first.id());
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(first.body["state"], "scheduled");
    let other = json!({"service_id": m.design, "team_id": m.w.team_a});
    let reused = keyed_post(
        app,
        "/api/v1/subscriptions",
        &m.w.member_a,
        "sub-a-1",
        other,
    )
    .await;
    assert_eq!(
        (reused.status.as_u16(), reused.code()),
        (409, "idempotency_conflict")
    );

    app.post(
        "/api/v1/subscriptions",
        &m.w.member_b,
        json!({"service_id": m.design, "team_id": m.w.team_b}),
    )
    .await
    .expect(201);
    let broke = app.create_team("Broke", "internal").await;
    let (_, broke_member) = app.create_user("bea", "member", Some(broke)).await;
    app.post(
        "/api/v1/subscriptions",
        &broke_member,
        json!({"service_id": m.design, "team_id": broke}),
    )
    .await
    .expect(201);
    let subscribers = app
        .get(
            &format!("/api/v1/services/{}/subscriptions", m.design),
            &m.w.partner,
        )
        .await
        .expect(200);
    assert_eq!(subscribers.body.as_array().unwrap().len(), 2);
    broke
}

/// Team A and team B compete for the payments platform's 10 units this period.
async fn contested_queue(app: &TestApp, m: &Market) {
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
    app.post(
        &format!("/api/v1/requests/{b}/quote"),
        &m.plat,
        json!({"total": 320_000}),
    )
    .await
    .expect(200);
    let above = app
        .post(
            &format!("/api/v1/requests/{b}/accept"),
            &m.w.member_b,
            json!({}),
        )
        .await;
    assert_eq!(
        (above.status.as_u16(), above.code()),
        (409, "quote_above_maximum")
    );
    app.post(
        &format!("/api/v1/requests/{b}/raise"),
        &m.w.member_b,
        json!({"amount": 320_000}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/requests/{b}/accept"),
        &m.w.member_b,
        json!({}),
    )
    .await
    .expect(200);

    jump_the_queue(app, m, a, b).await;
}

/// A pays 500.00 a unit, B 400.00; B raises to 600.00 a unit and jumps the queue.
async fn jump_the_queue(app: &TestApp, m: &Market, a: i64, b: i64) {
    // A (4 units) is scheduled, B (8) waits.
    assert_eq!(queue(app, m, &m.w.member_b).await, [(a, true), (b, false)]);
    // Now A waits.
    app.post(
        &format!("/api/v1/requests/{b}/raise"),
        &m.w.member_b,
        json!({"amount": 480_000}),
    )
    .await
    .expect(200);
    assert_eq!(queue(app, m, &m.w.member_a).await, [(b, true), (a, false)]);
    let waiting = app
        .post(&format!("/api/v1/requests/{a}/deliver"), &m.plat, json!({}))
        .await;
    assert_eq!(
        (waiting.status.as_u16(), waiting.code()),
        (409, "not_scheduled")
    );
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
async fn closures(app: &TestApp, m: &Market) {
    let p = (m.w.partner.as_str(), m.w.partner_team);
    let declined = quoted(app, m, p, 1, 10_000).await;
    app.post(
        &format!("/api/v1/requests/{declined}/decline"),
        &m.plat,
        json!({"reason": "full"}),
    )
    .await
    .expect(200);
    let withdrawn = quoted(app, m, p, 1, 10_000).await;
    app.post(
        &format!("/api/v1/requests/{withdrawn}/withdraw"),
        &m.w.partner,
        json!({}),
    )
    .await
    .expect(200);
    let gone = app
        .post(
            &format!("/api/v1/requests/{withdrawn}/withdraw"),
            &m.w.partner,
            json!({}),
        )
        .await;
    assert_eq!(
        (gone.status.as_u16(), gone.code()),
        (409, "invalid_transition")
    );

    let expiring = quoted(app, m, p, 1, 10_000).await;
    let soon = at(app.clock.now() + TimeDelta::hours(1));
    app.post(
        &format!("/api/v1/requests/{expiring}/quote"),
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
    let late = app
        .post(
            &format!("/api/v1/requests/{expiring}/accept"),
            &m.w.partner,
            json!({}),
        )
        .await;
    assert_eq!((late.status.as_u16(), late.code()), (409, "quote_expired"));

    let held = quoted(app, m, p, 1, 10_000).await;
    app.post(
        &format!("/api/v1/requests/{held}/accept"),
        &m.w.partner,
        json!({}),
    )
    .await
    .expect(200);
    let no_reason = app
        .post(
            &format!("/api/v1/requests/{held}/cancel"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    app.post(
        &format!("/api/v1/requests/{held}/cancel"),
        &app.admin,
        json!({"reason": "duplicate of another request"}),
    )
    .await
    .expect(200);
    assert_eq!(account(app, m.w.partner_team).await["on_hold"], 0);
}

/// A team that cannot pay is told its shortfall; an overdraft limit lets it go below zero.
async fn overdraft(app: &TestApp, m: &Market) {
    let balance = account(app, m.w.team_b).await["balance"].as_i64().unwrap();
    let big = quoted(app, m, (&m.w.member_b, m.w.team_b), 1, balance + 5_000).await;
    let short = app
        .post(
            &format!("/api/v1/requests/{big}/accept"),
            &m.w.member_b,
            json!({}),
        )
        .await;
    assert_eq!(
        (short.status.as_u16(), short.code()),
        (409, "insufficient_funds")
    );
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
    app.post(
        &format!("/api/v1/requests/{big}/accept"),
        &m.w.member_b,
        json!({}),
    )
    .await
    .expect(200);
    let b = account(app, m.w.team_b).await;
    assert_eq!(
        (b["balance"].as_i64(), b["available"].as_i64()),
        (Some(-5_000), Some(0))
    );
    // Team B hit its limit: the billing run leaves its subscription unpaid... unless it has
    // money by then. It is released here so the first run charges it.
    app.post(
        &format!("/api/v1/requests/{big}/cancel"),
        &m.w.member_b,
        json!({}),
    )
    .await
    .expect(200);
}

async fn bill(app: &TestApp, period: &str) -> Value {
    let run = app
        .post(
            "/api/v1/billing-runs",
            &app.admin,
            json!({"period": period}),
        )
        .await
        .expect(201)
        .id();
    let preview = app
        .post(
            &format!("/api/v1/billing-runs/{run}/preview"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    let committed = app
        .post(
            &format!("/api/v1/billing-runs/{run}/commit"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        preview.body["charges"], committed.body["charges"],
        "the preview is what commits"
    );
    let again = app
        .post(
            &format!("/api/v1/billing-runs/{run}/commit"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(again.status, 409);
    let twice = app
        .post(
            "/api/v1/billing-runs",
            &app.admin,
            json!({"period": period}),
        )
        .await;
    assert_eq!(
        (twice.status.as_u16(), twice.code()),
        (409, "already_billed")
    );
    committed.body
}

async fn deliver_the_waiting_request(app: &TestApp, m: &Market) {
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

/// opening + in - out = closing for the whole range and for each billing period, the periods
/// chain, and the closing balances are the accounts' balances.
async fn statements_reconcile(app: &TestApp, team: i64, first: &str, second: &str) {
    let whole = app
        .get(
            &format!("/api/v1/teams/{team}/statement?from=2020-01-01&to=2029-01-01"),
            &app.admin,
        )
        .await
        .expect(200)
        .body;
    check_identity(&whole);
    assert_eq!(whole["opening"]["total"], 0);
    let acct = account(app, team).await;
    assert_eq!(
        whole["closing"]["available"], acct["balance"],
        "team {team}"
    );
    assert_eq!(whole["closing"]["on_hold"], acct["on_hold"], "team {team}");
    let mut previous_closing: Option<Value> = None;
    let ranges = [
        format!("from={first}-01&to={second}-01"),
        format!("from={second}-01"),
    ];
    for range in ranges {
        let s = app
            .get(
                &format!("/api/v1/teams/{team}/statement?{range}"),
                &app.admin,
            )
            .await;
        let s = s.expect(200).body;
        check_identity(&s);
        if let Some(closing) = previous_closing {
            assert_eq!(s["opening"], closing, "periods chain for team {team}");
        }
        previous_closing = Some(s["closing"].clone());
    }
}

fn check_identity(s: &Value) {
    let n = |v: &Value| v.as_i64().unwrap();
    assert_eq!(s["reconciles"], true, "{s}");
    assert_eq!(
        n(&s["opening"]["total"]) + n(&s["flows"]["total_in"]) - n(&s["flows"]["total_out"]),
        n(&s["closing"]["total"]),
        "{s}"
    );
}
