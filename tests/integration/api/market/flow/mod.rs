//! Two billing periods of a market, end to end: subscriptions (one tied to a bet), a contested
//! queue, a raise that jumps it, a delivery refused while waiting, an expired quote, a
//! cancellation by the committee, an overdraft limit, an unpaid charge, and statements that
//! reconcile for every team and period while the ledger sums to zero. The requests'
//! part is in [`requests`].

mod requests;

use serde_json::{Value, json};

use requests::{closures, contested_queue, deliver_the_waiting_request, overdraft};

use super::{Market, account, keyed_post, market, next_period, refused};
use crate::harness::{TestApp, spawn_unlimited};

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
    refused(&reused, 409, "idempotency_conflict");

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
    refused(&twice, 409, "already_billed");
    committed.body
}

/// opening + in - out = closing for the whole range and for each billing period, the periods
/// chain, and the closing balances are the accounts' balances.
pub(crate) async fn statements_reconcile(app: &TestApp, team: i64, first: &str, second: &str) {
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
