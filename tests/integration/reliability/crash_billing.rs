//! Crash: a billing-run commit killed at any moment is all or nothing.
//!
//! 1,500 subscriptions (30 teams on 50 services, a third of the teams without the money to pay)
//! are billed for twelve past months. Each commit goes to a child process killed with SIGKILL
//! after a random delay spread over the commit's duration (measured from a preview of the same
//! run). After the restart the run is either committed whole (one ledger entry per paid charge,
//! summing to what it charged, one row per unpaid charge) or still a draft with nothing written,
//! and the ledger sums to zero. `HORSERACE_CRASH_SEED` replays a run.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::schema::{billing_runs, ledger_entries, unpaid_charges};
use horserace::domain::{Actor, BillingPeriod, Money, PeriodLength, Role};
use horserace::services::market::{catalogue, subscriptions};
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, Rng, SeedGuard, Server, connect, seed_from_env, spawn_unlimited};

const TEAMS: usize = 30;
const SERVICES: usize = 50;
const MONTHS: i64 = 12;
const ATTEMPTS: usize = 4;

/// The market, made as if long ago (a child process's clock cannot be moved): providers are
/// five of the teams; every other team subscribes to every service not its own.
async fn build_market(api: &Api, admin: &str, conn: &mut DbConnection, rng: &mut Rng) {
    let long_ago = Utc::now() - TimeDelta::days(31 * (MONTHS + 2));
    let mut teams = Vec::new();
    for t in 0..TEAMS {
        let id = api
            .post(
                "/api/v1/teams",
                admin,
                json!({"name": format!("Team {t}"), "kind": "internal"}),
            )
            .await
            .expect(201)
            .id();
        // Two teams in three may overdraw; the rest have nothing and leave charges unpaid.
        if t % 3 != 0 {
            api.put(
                &format!("/api/v1/teams/{id}/account"),
                admin,
                json!({"overdraft_limit": 1_000_000_000_000i64}),
            )
            .await
            .expect(200);
        }
        teams.push(id);
    }
    let member = |team: i64| Actor {
        user_id: 1,
        name: "setup".into(),
        role: Role::Member,
        team_id: Some(team),
    };
    let period = BillingPeriod::containing(long_ago, PeriodLength::MONTH);
    for s in 0..SERVICES {
        let provider = teams[s % 5];
        let service = api
            .post(
                "/api/v1/services",
                admin,
                json!({"name": format!("Service {s}"), "provider_team_id": provider}),
            )
            .await
            .expect(201)
            .id();
        let plan = catalogue::PlanDraft {
            price: Money::parse("price", rng.range(100, 100_000)).unwrap(),
            quantity_unit: None,
            capacity: None,
            request_types: vec![],
            effective_from: Some(period),
        };
        catalogue::set_plan(conn, &member(provider), service, &plan, long_ago).unwrap();
        for &team in teams.iter().filter(|t| **t != provider) {
            let draft = subscriptions::SubscriptionDraft {
                service_id: service,
                team_id: team,
                bet_id: None,
                quantity: 1,
            };
            subscriptions::subscribe(conn, &member(team), &draft, None, long_ago).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_billing_commit_killed_at_any_moment_is_all_or_nothing() {
    let seed = seed_from_env("HORSERACE_CRASH_SEED");
    let _guard = SeedGuard {
        var: "HORSERACE_CRASH_SEED",
        seed,
    };
    let mut rng = Rng::new(seed);
    let app = spawn_unlimited().await;
    let mut conn = connect(&app.database_url);
    build_market(&Api::of(&app), &app.admin, &mut conn, &mut rng).await;
    let mut server = Server::start(&app.database_url);
    let admin = app.admin.as_str();
    let (mut survived, mut left_draft) = (0, 0);
    let mut period = BillingPeriod::containing(Utc::now(), PeriodLength::MONTH);
    for month in 0..MONTHS {
        period = period.previous();
        let run = server
            .api
            .post(
                "/api/v1/billing-runs",
                admin,
                json!({"period": period.label()}),
            )
            .await
            .expect(201)
            .id();
        let started = Instant::now();
        server
            .api
            .post(
                &format!("/api/v1/billing-runs/{run}/preview"),
                admin,
                json!({}),
            )
            .await
            .expect(200);
        let window = i64::try_from(started.elapsed().as_millis()).unwrap();
        let mut committed = false;
        for attempt in 0..ATTEMPTS {
            let delay = Duration::from_millis(u64::try_from(rng.range(0, 4 * window + 5)).unwrap());
            let (api, token) = (server.api.clone(), admin.to_owned());
            let commit = tokio::spawn(async move {
                let path = format!("/api/v1/billing-runs/{run}/commit");
                api.try_call(Method::POST, &path, Some(&token), None).await
            });
            tokio::time::sleep(delay).await;
            server.kill();
            let answered = commit.await.expect("the commit task ends");
            server = Server::start(&app.database_url);
            committed = run_is_whole_or_untouched(&mut conn, run);
            if let Ok(reply) = &answered {
                assert_eq!(reply.status, 200, "{}", reply.body);
                assert!(committed, "run {run} was acknowledged but is not committed");
            }
            println!(
                "month {month} (run {run}), attempt {attempt}: killed {delay:?} into a ~{window} ms commit: {}",
                if committed {
                    "committed"
                } else {
                    "still a draft"
                }
            );
            sums_to_zero(&server.api, admin).await;
            if committed {
                survived += 1;
                break;
            }
            left_draft += 1;
        }
        if !committed {
            let path = format!("/api/v1/billing-runs/{run}/commit");
            server
                .api
                .call(Method::POST, &path, Some(admin), None)
                .await
                .expect(200);
            assert!(run_is_whole_or_untouched(&mut conn, run));
        }
    }
    println!("{survived} commits survived their kill; {left_draft} kills left the run a draft");
    sums_to_zero(&server.api, admin).await;
}

/// Whether the run is committed whole (true) or a draft with nothing of a commit (false);
/// anything in between fails.
fn run_is_whole_or_untouched(conn: &mut DbConnection, run: i64) -> bool {
    let (status, stored): (String, Option<String>) = billing_runs::table
        .find(run)
        .select((billing_runs::status, billing_runs::preview))
        .first(conn)
        .expect("the run");
    let entries: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::billing_run_id.eq(run))
        .select(ledger_entries::amount)
        .load(conn)
        .expect("its entries");
    let unpaid: i64 = unpaid_charges::table
        .filter(unpaid_charges::billing_run_id.eq(run))
        .count()
        .get_result(conn)
        .expect("its unpaid charges");
    if status == "draft" {
        assert!(
            entries.is_empty() && unpaid == 0,
            "draft run {run} has {} entries and {unpaid} unpaid rows",
            entries.len()
        );
        return false;
    }
    let billing: Value =
        serde_json::from_str(&stored.expect("a committed run keeps its billing")).unwrap();
    let charges = billing["charges"].as_array().unwrap();
    let paid = charges
        .iter()
        .filter(|c| c["paid"] == true && c["amount"].as_i64() > Some(0))
        .count();
    let owed = charges.iter().filter(|c| c["paid"] == false).count();
    assert_eq!(entries.len(), paid, "run {run}: one entry per paid charge");
    assert_eq!(
        Some(entries.iter().sum::<i64>()),
        billing["charged"].as_i64(),
        "run {run}: entries sum to what it charged"
    );
    assert_eq!(
        unpaid,
        i64::try_from(owed).unwrap(),
        "run {run}: one row per unpaid charge"
    );
    assert!(
        paid > 0 && owed > 0,
        "run {run} both charges and leaves charges unpaid"
    );
    true
}

async fn sums_to_zero(api: &Api, admin: &str) {
    let ledger = api
        .get("/api/v1/ledger?per_page=1", admin)
        .await
        .expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0, "{}", ledger.body);
}
