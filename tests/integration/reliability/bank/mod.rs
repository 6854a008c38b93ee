//! Bank check: a seeded random simulation of a portfolio's life through the API of a child
//! server process that is now and then killed (between requests, during a commit, or during a
//! batch of reports) and restarted. After every commit the books must balance: the ledger sums
//! to zero, each round's grants plus reserve equal its budget, no grant is negative or above the
//! cap unless pinned, each grant is paid once, and the server verifies every committed round.
//!
//! The seed is printed; `HORSERACE_SIM_SEED=<seed>` replays a run (the moments the server is
//! killed depend on timing, so a replay makes the same requests but may kill elsewhere).
//! `HORSERACE_SIM_STEPS` changes the number of steps.
use crate::harness::{Rng, SeedGuard, Server, connect, seed_from_env, spawn_unlimited};
use crate::reliability::books::check_books;

mod bets;
mod rounds;
mod sim;

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
    };
    for _ in 0..6 {
        sim.create_bet().await;
    }
    for n in 0..steps {
        sim.step(n).await;
    }
    // Whatever the dice said, end with every draft committed and the books checked.
    while !sim.drafts.is_empty() {
        sim.commit(false).await;
    }
    check_books(&sim.api(), &sim.admin, &mut sim.conn).await;
    println!(
        "{steps} steps: {} bets, {} rounds committed, {} crashes",
        sim.bets.len(),
        sim.committed,
        sim.crashes
    );
    assert!(
        sim.committed >= 3,
        "the simulation committed too few rounds to mean much"
    );
}
