//! The internal market over HTTP: services, plans, subscriptions, requests through every
//! transition, queues, billing runs over two periods, overdraft limits and statements that
//! reconcile. The server's market clock is moved forward to let billing periods pass.
//!
//! ```sh
//! cargo test --test integration -- api::market
//! ```

mod cli;
mod demo;
mod exports;
pub(crate) mod flow;
mod refusals;

use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Utc};
use serde_json::{Value, json};

use crate::harness::{Reply, TestApp, at};

/// The market of most tests: a platform team with a member, its service "Payments platform"
/// (per seat, capacity 10 units a period, one request type) and the partner team's "Design
/// system" (flat), over the standard world, after a round that funded every bet.
pub struct Market {
    pub w: crate::harness::World,
    pub platform: i64,
    pub plat: String,
    pub payments: i64,
    pub design: i64,
}

pub async fn market(app: &TestApp) -> Market {
    let w = app.world().await;
    let platform = app.create_team("Platform", "internal").await;
    let (_, plat) = app.create_user("pia", "member", Some(platform)).await;
    let payments = register(app, "Payments platform", platform).await;
    let design = register(app, "Design system", w.partner_team).await;
    app.api
        .put(
            &format!("/api/v1/services/{payments}/plan"),
            &plat,
            json!({
                "price": 20_000, "quantity_unit": "seat", "capacity": 10,
                "request_types": [{"name": "integration", "unit": "day", "unit_price": 50_000}]
            }),
        )
        .await
        .expect(200);
    app.api
        .put(
            &format!("/api/v1/services/{design}/plan"),
            &w.partner,
            json!({
                "price": 30_000,
                "request_types": [{"name": "review", "unit": "screen", "unit_price": 10_000}]
            }),
        )
        .await
        .expect(200);
    app.commit_round(3_000_000, &at(Utc::now() - TimeDelta::seconds(1)))
        .await;
    Market {
        w,
        platform,
        plat,
        payments,
        design,
    }
}

pub async fn register(app: &TestApp, name: &str, provider: i64) -> i64 {
    app.post(
        "/api/v1/services",
        &app.admin,
        json!({"name": name, "provider_team_id": provider, "description": "shared"}),
    )
    .await
    .expect(201)
    .id()
}

/// A POST with an `Idempotency-Key`.
pub async fn keyed_post(app: &TestApp, path: &str, token: &str, key: &str, body: Value) -> Reply {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .expect("an answer");
    crate::harness::read_reply(response).await.expect("a body")
}

/// The first instant of the next calendar month after the server's market clock.
fn next_month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let (y, m) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).unwrap()
}

/// Moves the market clock to one hour into the next billing period (a month); the period
/// label it is then in.
pub fn next_period(app: &TestApp) -> String {
    let start = next_month_start(app.clock.now());
    app.clock
        .advance(start - app.clock.now() + TimeDelta::hours(1));
    format!("{:04}-{:02}", start.year(), start.month())
}

/// A transition of a request: `POST /requests/{id}/{action}`.
pub async fn act(app: &TestApp, request: i64, action: &str, token: &str, body: Value) -> Reply {
    app.post(&format!("/api/v1/requests/{request}/{action}"), token, body)
        .await
}

/// The reply is the refusal `status` with the error code `code`.
#[track_caller]
pub fn refused(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        (reply.status.as_u16(), reply.code()),
        (status, code),
        "{}",
        reply.body
    );
}

pub async fn account(app: &TestApp, team: i64) -> Value {
    app.get(&format!("/api/v1/teams/{team}/account"), &app.admin)
        .await
        .expect(200)
        .body
}

/// A request filed, quoted and (when `accept`) accepted; its id.
pub async fn quoted(
    app: &TestApp,
    m: &Market,
    (token, team): (&str, i64),
    quantity: i64,
    total: i64,
) -> i64 {
    let id = app
        .post(
            "/api/v1/requests",
            token,
            json!({
                "service_id": m.payments, "team_id": team, "request_type": "integration",
                "quantity": quantity, "purpose": "checkout", "max_total": total
            }),
        )
        .await
        .expect(201)
        .id();
    act(app, id, "quote", &m.plat, json!({"total": total}))
        .await
        .expect(200);
    id
}
