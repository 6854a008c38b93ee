//! Crash: a round commit killed at any moment is all or nothing.
//!
//! A portfolio of 300 active bets with 20 reports each goes through thirteen rounds. Each commit is
//! sent to a child process that is killed with SIGKILL after a random delay spread over the
//! commit's duration (measured from a preview of the same round). After the restart the round
//! must be either fully committed or a draft with nothing written, and the books must balance.

use std::time::{Duration, Instant};

use horserace::db::DbConnection;
use reqwest::Method;
use serde_json::json;

use super::books::{bet_statuses, check_books, round_is_committed_whole_or_not_at_all};
use crate::harness::spawn_app_with;
use crate::harness::{
    Api, Rng, SeedGuard, Server, at, connect, days_ago, exact_f64, seed_from_env,
};

const BETS: usize = 300;
const REPORTS_PER_BET: u32 = 20;
/// Kill attempts per round before it is committed without one.
const ATTEMPTS: usize = 4;

/// One arena, six teams (two external), 300 active bets with 20 reports each, every other day
/// from 41 days ago: most beat their threshold or hover around it, one in ten sits at its
/// baseline (and is killed after two misses).
async fn build_portfolio(api: &Api, admin: &str, rng: &mut Rng) -> Vec<i64> {
    let arena = api
        .post("/api/v1/arenas", admin, json!({"name": "Crash arena"}))
        .await
        .expect(201)
        .id();
    let mut teams = Vec::new();
    for t in 0..6 {
        let kind = if t < 4 { "internal" } else { "external" };
        let team = api
            .post(
                "/api/v1/teams",
                admin,
                json!({"name": format!("Team {t}"), "kind": kind}),
            )
            .await
            .expect(201)
            .id();
        teams.push(team);
    }
    let mut bets = Vec::with_capacity(BETS);
    let mut rows = Vec::new();
    for i in 0..BETS {
        let higher = i % 5 != 4;
        let (direction, target) = if higher {
            ("higher_is_better", 120.0)
        } else {
            ("lower_is_better", 80.0)
        };
        let mut body = json!({
            "arena_id": arena, "team_id": teams[i % teams.len()], "title": format!("Bet {i}"),
            "metric": {"name": "m", "unit": "u", "direction": direction},
            "baseline": 100.0,
            "thresholds": [{"target": target, "effective_from": "2020-01-01T00:00:00Z"}]
        });
        if i % 3 == 0 {
            body["seed_request"] = json!(rng.range(1_000, 1_000_000));
        }
        let bet = api.post("/api/v1/bets", admin, body).await.expect(201).id();
        api.post(&format!("/api/v1/bets/{bet}/activate"), admin, json!({}))
            .await
            .expect(200);
        bets.push(bet);
        for k in 0..REPORTS_PER_BET {
            let progress = f64::from(k) / f64::from(REPORTS_PER_BET);
            let noise = exact_f64(rng.range(-40, 40)) / 8.0;
            let level = match (i % 10, i % 4) {
                (1, _) => 100.0,
                (_, 0) => 115.0 + 45.0 * progress,
                (_, 2) => 120.0,
                _ => 125.0 + 10.0 * progress,
            } + noise;
            let value = if higher { level } else { 200.0 - level };
            rows.push(
                json!({"bet_id": bet, "value": value, "observed_at": at(days_ago(41 - 2 * i64::from(k)))}),
            );
        }
    }
    for chunk in rows.chunks(2_000) {
        api.post("/api/v1/reports/batch", admin, json!({"reports": chunk}))
            .await
            .expect(201);
    }
    bets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_commit_killed_at_any_moment_is_all_or_nothing() {
    let seed = seed_from_env("HORSERACE_CRASH_SEED");
    let _guard = SeedGuard {
        var: "HORSERACE_CRASH_SEED",
        seed,
    };
    let mut rng = Rng::new(seed);
    // Building the portfolio is a burst of writes far past the per-token limit.
    let app = spawn_app_with(|s| s.write_rate.per_second = 0).await;
    let bets = build_portfolio(&Api::of(&app), &app.admin, &mut rng).await;
    let mut conn = connect(&app.database_url);
    let mut server = Server::start(&app.database_url);
    let admin = app.admin.as_str();
    let (mut committed_by_kill, mut left_draft) = (0, 0);

    // Thirteen rounds three days apart, each looking back ten days (five reports per bet).
    for (r, days) in (2..=38).rev().step_by(3).enumerate() {
        let round = draft_with_pins(&server, &mut conn, admin, &mut rng, &bets, r, days).await;
        let window = preview_millis(&server, admin, round).await;

        let mut committed = false;
        for attempt in 0..ATTEMPTS {
            let before = bet_statuses(&mut conn);
            let delay = Duration::from_millis(u64::try_from(rng.range(0, 2 * window + 5)).unwrap());
            let (api, token) = (server.api.clone(), admin.to_owned());
            let commit = tokio::spawn(async move {
                api.try_call(
                    Method::POST,
                    &format!("/api/v1/rounds/{round}/commit"),
                    Some(&token),
                    None,
                )
                .await
            });
            tokio::time::sleep(delay).await;
            server.kill();
            let answered = commit.await.expect("the commit task ends");
            server = Server::start(&app.database_url);
            committed = round_is_committed_whole_or_not_at_all(&mut conn, round, &before);
            if let Ok(reply) = &answered {
                assert_eq!(reply.status, 200, "{}", reply.body);
                assert!(
                    committed,
                    "round {round} was acknowledged but is not committed"
                );
            }
            println!(
                "round {r} (id {round}), attempt {attempt}: killed {delay:?} into a ~{window} ms commit ({}): {}",
                if answered.is_ok() {
                    "answered"
                } else {
                    "no answer"
                },
                if committed {
                    "committed"
                } else {
                    "still a draft"
                }
            );
            check_books(&server.api, admin, &mut conn).await;
            if committed {
                committed_by_kill += 1;
                break;
            }
            left_draft += 1;
        }
        if !committed {
            let before = bet_statuses(&mut conn);
            server
                .api
                .call(
                    Method::POST,
                    &format!("/api/v1/rounds/{round}/commit"),
                    Some(admin),
                    None,
                )
                .await
                .expect(200);
            assert!(round_is_committed_whole_or_not_at_all(
                &mut conn, round, &before
            ));
            check_books(&server.api, admin, &mut conn).await;
        }
    }
    let killed = bet_statuses(&mut conn)
        .values()
        .filter(|s| *s == "killed")
        .count();
    println!(
        "{committed_by_kill} commits survived their kill; {left_draft} kills left the round a draft; {killed} bets killed"
    );
    assert!(
        killed > 0,
        "the portfolio kills bets, so kills were exercised"
    );
}

/// Round `r`'s draft, as of `days` ago and looking back ten days, with a pin and a waived kill
/// on bets still alive, so that pinned grants go through the ledger too. Its id.
async fn draft_with_pins(
    server: &Server,
    conn: &mut DbConnection,
    admin: &str,
    rng: &mut Rng,
    bets: &[i64],
    r: usize,
    days: i64,
) -> i64 {
    let terms = json!({
        "budget": rng.range(1_000_000, 100_000_000_000),
        "as_of": at(days_ago(days)),
        "window_start": at(days_ago(days + 10)),
    });
    let round = server
        .api
        .post("/api/v1/rounds", admin, terms)
        .await
        .expect(201)
        .id();
    // A pin and a waived kill, so that pinned grants go through the ledger too.
    let alive: Vec<i64> = {
        let statuses = bet_statuses(conn);
        bets.iter()
            .copied()
            .filter(|b| statuses[b] == "active")
            .collect()
    };
    println!("round {r}: {} bets alive", alive.len());
    server
        .api
        .put(
            &format!("/api/v1/rounds/{round}/pins/{}", rng.pick(&alive)),
            admin,
            json!({"grant": rng.range(1, 500_000), "reason": "Launch commitment"}),
        )
        .await
        .expect(200);
    server
        .api
        .put(
            &format!("/api/v1/rounds/{round}/pins/{}", rng.pick(&alive)),
            admin,
            json!({"waive_kill": true, "reason": "Give it one more round"}),
        )
        .await
        .expect(200);
    round
}

/// How long a preview of the round takes, in ms: a preview does most of a commit's work, so
/// its duration spreads the kills over the commit.
async fn preview_millis(server: &Server, admin: &str, round: i64) -> i64 {
    let started = Instant::now();
    server
        .api
        .post(&format!("/api/v1/rounds/{round}/preview"), admin, json!({}))
        .await
        .expect(200);
    i64::try_from(started.elapsed().as_millis()).unwrap()
}
