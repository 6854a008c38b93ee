//! Bank check: a seeded random simulation of a portfolio's life through the API of a child
//! server process that is now and then killed (between requests, during a round's or a billing
//! run's commit, during a batch of reports, a delivery or an acceptance) and restarted. Money
//! moves through rounds and through the internal market: subscriptions billed period by period,
//! requests quoted, accepted (held), raised, delivered (paid) or closed (released), with
//! overdraft limits that leave some charges unpaid and refuse some acceptances. After every
//! commit and crash the books must balance (`reliability::books::check_books`): the ledger sums
//! to zero over every account, each round's grants plus reserve equal its budget, each grant and
//! each paid charge is posted once, each hold account holds its team's accepted offers, no team
//! is overdrawn beyond its limit, every team's statement reconciles, and the server verifies
//! every committed round. The market's clock is explained in [`market`].
//!
//! The seed is printed; `HORSERACE_SIM_SEED=<seed>` replays a run (the moments the server is
//! killed depend on timing, so a replay makes the same requests but may kill elsewhere).
//! `HORSERACE_SIM_STEPS` changes the number of steps.
use crate::harness::{Rng, SeedGuard, Server, connect, seed_from_env, spawn_unlimited};
use crate::reliability::books::check_books;

mod bets;
mod billing;
mod market;
mod requests;
mod rounds;
mod settlement;
mod setup;
mod sim;

use market::Market;
use sim::{Sim, Writer};

const STEPS: usize = 800;
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_books_balance_through_a_random_portfolio_life() {
    let seed = seed_from_env("HORSERACE_SIM_SEED");
    let _guard = SeedGuard {
        var: "HORSERACE_SIM_SEED",
        seed,
    };
    let steps = std::env::var("HORSERACE_SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(STEPS);
    let mut rng = Rng::new(seed);

    let app = spawn_unlimited().await;
    let arena = app.create_arena("Simulation").await;
    let mut teams = Vec::new();
    let mut writers = vec![Writer {
        token: app.admin.clone(),
        team: None,
    }];
    for t in 0..5 {
        let (kind, role) = if t < 3 {
            ("internal", "member")
        } else {
            ("external", "partner")
        };
        let team = app.create_team(&format!("Sim team {t}"), kind).await;
        let (_, token) = app
            .create_user(&format!("sim-user-{t}"), role, Some(team))
            .await;
        teams.push(team);
        writers.push(Writer {
            token,
            team: Some(team),
        });
    }
    let mut sim = Sim {
        rng: Rng::new(rng.next_u64()),
        server: Server::start(&app.database_url),
        database_url: app.database_url.clone(),
        admin: app.admin.clone(),
        conn: connect(&app.database_url),
        arena,
        teams,
        writers,
        bets: Vec::new(),
        reports: Vec::new(),
        drafts: Vec::new(),
        next_days_ago: 400,
        committed: 0,
        crashes: 0,
        keys: 0,
        // Enough periods to bill one every few dozen steps (at most ten years: a statement's).
        market: Market::new(&app, (steps / 32).clamp(24, 110)),
    };
    for _ in 0..6 {
        sim.create_bet().await;
    }
    sim.open_market(&app).await;
    for n in 0..steps {
        sim.step(n).await;
    }
    // Whatever the dice said, end with every draft committed and the books checked.
    while !sim.drafts.is_empty() {
        sim.commit(false).await;
    }
    // And the market's last draft billed, and at least two periods however few the steps.
    let left = |m: &Market| m.next_period.start() <= m.last_period.start();
    while left(&sim.market) && (sim.market.run.is_some() || sim.market.billed < 2) {
        sim.bill(false).await;
    }
    check_books(&sim.api(), &sim.admin, &mut sim.conn).await;
    let m = &sim.market;
    let mut statuses = std::collections::BTreeMap::<&str, usize>::new();
    for r in &m.requests {
        *statuses.entry(r.status.as_str()).or_default() += 1;
    }
    println!("requests by status: {statuses:?}");
    println!(
        "{steps} steps: {} bets, {} rounds committed, {} billing runs committed, {} subscriptions, {} requests ({} delivered, {} refused for funds), {} crashes",
        sim.bets.len(),
        sim.committed,
        m.billed,
        m.subscriptions.len(),
        m.requests.len(),
        m.delivered,
        m.refused_for_funds,
        sim.crashes
    );
    assert!(
        sim.committed >= 3,
        "the simulation committed too few rounds to mean much"
    );
}
