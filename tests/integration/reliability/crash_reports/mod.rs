//! Crash: every report the server acknowledged survives a SIGKILL, exactly once, and every
//! request it did not acknowledge can be retried (same key, same body) and is then stored
//! exactly once.
//!
//! Four clients report as fast as they can (single reports and batches, each row with a unique
//! idempotency key) while the server is killed at a random moment. The server restarts on the
//! same database, and the test compares what was acknowledged with what is stored.

use crate::harness::spawn_app;
use crate::harness::{Rng, SeedGuard, Server, connect, seed_from_env};
use checks::check_after_crash;
use checks::check_all_stored_once;
use checks::retry_unacknowledged;
use reqwest::Method;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use traffic::Outcome;
use traffic::Writer;
use traffic::client;

mod checks;
mod traffic;

/// Kill-and-restart cycles; `HORSERACE_CRASH_ITERATIONS` runs more.
const ITERATIONS: usize = 10;
const CLIENTS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_reports_survive_sigkill_exactly_once() {
    let seed = seed_from_env("HORSERACE_CRASH_SEED");
    let _guard = SeedGuard {
        var: "HORSERACE_CRASH_SEED",
        seed,
    };
    let iterations = std::env::var("HORSERACE_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ITERATIONS);
    let mut rng = Rng::new(seed);

    // The world is built in-process; the crashes happen to child processes on its database.
    let app = spawn_app().await;
    let w = app.world().await;
    let bets = [w.bet_a, w.bet_b, w.partner_bet];
    let writers = [
        Writer {
            token: w.member_a.clone(),
            bets: vec![w.bet_a],
        },
        Writer {
            token: w.member_b.clone(),
            bets: vec![w.bet_b],
        },
        Writer {
            token: w.partner.clone(),
            bets: vec![w.partner_bet],
        },
        Writer {
            token: app.admin.clone(),
            bets: bets.to_vec(),
        },
    ];
    let mut conn = connect(&app.database_url);
    let mut server = Server::start(&app.database_url);

    for iteration in 0..iterations {
        let prefix = format!("i{iteration}-");
        let log = Arc::new(Mutex::new(Vec::new()));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                tokio::spawn(client(
                    server.api.clone(),
                    writers[c % writers.len()].clone(),
                    format!("{prefix}c{c}"),
                    Rng::new(rng.next_u64()),
                    Arc::clone(&log),
                ))
            })
            .collect();
        let kill_after = Duration::from_millis(u64::try_from(rng.range(20, 1_500)).unwrap());
        tokio::time::sleep(kill_after).await;
        server.kill();
        for c in clients {
            c.await.expect("a client finishes");
        }
        let sent = log.lock().unwrap().clone();

        server = Server::start(&app.database_url);
        check_after_crash(&mut conn, &prefix, &sent);
        let replayed = retry_unacknowledged(&server.api, &mut conn, &prefix, &sent).await;
        check_all_stored_once(&server.api, &app.admin, &mut conn, &prefix, &sent, &bets).await;

        // Acknowledged requests sent again are replays of what was stored.
        for s in sent
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Acknowledged(_)))
            .take(20)
        {
            let Outcome::Acknowledged(ids) = &s.outcome else {
                unreachable!()
            };
            let reply = server
                .api
                .call(
                    Method::POST,
                    &s.request.path(),
                    Some(&s.request.token),
                    Some(&s.request.body()),
                )
                .await
                .expect(201);
            if s.request.single {
                assert_eq!(reply.headers["idempotent-replayed"], "true");
                assert_eq!(reply.id(), ids[0]);
            } else {
                assert_eq!(reply.body["stored"], 0);
            }
        }

        let acknowledged = sent
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Acknowledged(_)))
            .count();
        println!(
            "iteration {iteration}: killed after {kill_after:?}; {} requests ({} rows), {acknowledged} acknowledged, \
             {} rows stored but unacknowledged (replayed on retry)",
            sent.len(),
            sent.iter().map(|s| s.request.rows.len()).sum::<usize>(),
            replayed
        );
    }
}
