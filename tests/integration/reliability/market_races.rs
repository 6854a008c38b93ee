//! Money leaving a team's account races other money leaving it: acceptances from two server
//! processes at once, and acceptances against a billing-run commit. Each movement out takes
//! the account's lock, so the account never goes below minus its overdraft limit, and exactly
//! what fits succeeds: nothing refused would have fitted in what is left.
//!
//! `HORSERACE_MARKET_RACES=<n>` sets the rounds of the race (default 3, as CI runs it; the long
//! run by hand is 50).

use chrono::{Duration, TimeDelta, Utc};
use horserace::domain::{Actor, BillingPeriod, Money, PeriodLength, Role, Unit};
use horserace::services::market::{catalogue, subscriptions};
use serde_json::json;

use crate::harness::{Server, TestApp, connect, spawn_unlimited};

const LIMIT: i64 = 100_000;

fn rounds() -> usize {
    std::env::var("HORSERACE_MARKET_RACES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

struct Team {
    id: i64,
    token: String,
}

/// A team with no money but an overdraft limit of 1,000.00, and a member.
async fn team(app: &TestApp, name: &str) -> Team {
    let id = app.create_team(name, "internal").await;
    let (_, token) = app
        .create_user(&format!("{name} member"), "member", Some(id))
        .await;
    app.api
        .put(
            &format!("/api/v1/teams/{id}/account"),
            &app.admin,
            json!({"overdraft_limit": LIMIT}),
        )
        .await
        .expect(200);
    Team { id, token }
}

/// A provider with a service of one request type; its id and the provider member's token.
async fn provider(app: &TestApp) -> (i64, String) {
    let team = app.create_team("Provider", "internal").await;
    let (_, token) = app.create_user("provider", "member", Some(team)).await;
    let service = crate::api::market::register(app, "Shared service", team).await;
    app.api
        .put(
            &format!("/api/v1/services/{service}/plan"),
            &token,
            json!({"price": 50_000, "request_types": [{"name": "work", "unit": "day", "unit_price": 1}]}),
        )
        .await
        .expect(200);
    (service, token)
}

async fn quoted(app: &TestApp, service: i64, provider: &str, team: &Team, total: i64) -> i64 {
    let id = app
        .post(
            "/api/v1/requests",
            &team.token,
            json!({"service_id": service, "team_id": team.id, "request_type": "work",
                   "quantity": 1, "purpose": "race", "max_total": total}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/requests/{id}/quote"),
        provider,
        json!({"total": total}),
    )
    .await
    .expect(200);
    id
}

async fn available(app: &TestApp, team: i64) -> i64 {
    let a = app
        .get(&format!("/api/v1/teams/{team}/account"), &app.admin)
        .await
        .expect(200)
        .body;
    a["available"].as_i64().unwrap()
}

/// Sends each POST to one of the servers in turn, all at once; their statuses in order.
async fn all_at_once(app: &TestApp, servers: &[&Server], posts: Vec<(String, String)>) -> Vec<u16> {
    let mut handles = Vec::new();
    for (i, (path, token)) in posts.into_iter().enumerate() {
        let url = format!("{}{path}", servers[i % servers.len()].address);
        let client = app.client.clone();
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn acceptances_from_two_processes_never_overdraw_and_take_exactly_what_fits() {
    let app = spawn_unlimited().await;
    let (service, provider_token) = provider(&app).await;
    let (one, two) = (
        Server::start(&app.database_url),
        Server::start(&app.database_url),
    );
    for round in 0..rounds() {
        let t = team(&app, &format!("Racer {round}")).await;
        // Six quotes of 300.00 against 1,000.00: three fit, the fourth would not.
        let mut posts = Vec::new();
        for _ in 0..6 {
            let id = quoted(&app, service, &provider_token, &t, 30_000).await;
            posts.push((format!("/api/v1/requests/{id}/accept"), t.token.clone()));
        }
        let statuses = all_at_once(&app, &[&one, &two], posts).await;
        let won = statuses.iter().filter(|s| **s == 200).count();
        assert_eq!(won, 3, "round {round}: {statuses:?}");
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 409)),
            "{statuses:?}"
        );
        assert_eq!(available(&app, t.id).await, LIMIT - 3 * 30_000);
    }
    let ledger = app.get("/api/v1/ledger", &app.admin).await.expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0);
}

/// Subscriptions and a plan as they would have been made long ago (the server's clock cannot
/// be moved for a child process), straight through the services.
fn subscribe_long_ago(app: &TestApp, service: i64, teams: &[&Team]) {
    let mut conn = connect(&app.database_url);
    let long_ago = Utc::now() - Duration::days(500);
    let provider = horserace::db::market::services::Service::find(&mut conn, service)
        .unwrap()
        .unwrap()
        .provider_team_id;
    let member = |team: i64| Actor {
        user_id: 1,
        name: "setup".into(),
        role: Role::Member,
        team_id: Some(team),
    };
    let draft = catalogue::PlanDraft {
        price: Money::parse("price", 50_000).unwrap(),
        quantity_unit: None::<Unit>,
        capacity: None,
        request_types: vec![],
        effective_from: Some(BillingPeriod::containing(long_ago, PeriodLength::MONTH)),
    };
    catalogue::set_plan(
        &mut conn,
        &member(provider),
        service,
        &draft,
        long_ago - TimeDelta::days(40),
    )
    .unwrap();
    for t in teams {
        let draft = subscriptions::SubscriptionDraft {
            service_id: service,
            team_id: t.id,
            bet_id: None,
            quantity: 1,
        };
        subscriptions::subscribe(&mut conn, &member(t.id), &draft, None, long_ago).unwrap();
    }
}

#[tokio::test]
async fn acceptances_racing_a_billing_commit_never_overdraw() {
    let app = spawn_unlimited().await;
    let (service, provider_token) = provider(&app).await;
    let n = rounds().min(12);
    let teams: Vec<Team> = {
        let mut v = Vec::new();
        for i in 0..n {
            v.push(team(&app, &format!("Billed {i}")).await);
        }
        v
    };
    subscribe_long_ago(&app, service, &teams.iter().collect::<Vec<_>>());
    let (one, two) = (
        Server::start(&app.database_url),
        Server::start(&app.database_url),
    );
    let mut period = BillingPeriod::containing(Utc::now(), PeriodLength::MONTH);
    for (round, t) in teams.iter().enumerate() {
        period = period.previous();
        // Every run charges every team; this round's team races its two acceptances (800.00)
        // against it, more than is left.
        let run = app
            .post(
                "/api/v1/billing-runs",
                &app.admin,
                json!({"period": period.label()}),
            )
            .await
            .expect(201)
            .id();
        let a = quoted(&app, service, &provider_token, t, 40_000).await;
        let b = quoted(&app, service, &provider_token, t, 40_000).await;
        let statuses = all_at_once(
            &app,
            &[&one, &two],
            vec![
                (
                    format!("/api/v1/billing-runs/{run}/commit"),
                    app.admin.clone(),
                ),
                (format!("/api/v1/requests/{a}/accept"), t.token.clone()),
                (format!("/api/v1/requests/{b}/accept"), t.token.clone()),
            ],
        )
        .await;
        assert_eq!(
            statuses[0], 200,
            "round {round}: the commit itself never fails: {statuses:?}"
        );
        let left = available(&app, t.id).await;
        assert!(left >= 0, "round {round}: overdrawn to {left}");
        // Whatever was refused would not have fitted in what is left.
        let run_body = app
            .get(&format!("/api/v1/billing-runs/{run}"), &app.admin)
            .await
            .expect(200)
            .body;
        let charge = run_body["billing"]["charges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["team_id"] == t.id)
            .cloned()
            .unwrap();
        if charge["paid"] == false {
            assert!(
                50_000 > left,
                "round {round}: unpaid though {left} was left"
            );
        }
        for s in &statuses[1..] {
            assert!(matches!(s, 200 | 409), "{statuses:?}");
            if *s == 409 {
                assert!(
                    40_000 > left,
                    "round {round}: refused though {left} was left"
                );
            }
        }
    }
    let ledger = app.get("/api/v1/ledger", &app.admin).await.expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0);
}
