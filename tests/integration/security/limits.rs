//! Limits: a token writing too fast is slowed with 429, and a server out of database connections
//! or stuck behind a lock says 503 within a bounded time instead of hanging. (Body, batch and
//! page sizes are covered by `hostile_input` and the API suite.)

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use horserace::db::DbConnection;
use horserace::services::write_limit::WriteRate;
use serde_json::{Value, json};

use crate::harness;
use crate::harness::{Reply, spawn_app_with};

fn retry_after(reply: &Reply) -> u64 {
    reply
        .headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After on {}: {}", reply.status, reply.body))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn arena_names(app: &crate::harness::TestApp) -> Vec<String> {
    let list = app.get("/api/v1/arenas", &app.admin).await.expect(200);
    let mut names: Vec<String> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_token_writing_too_fast_is_told_when_to_come_back() {
    let app = spawn_app_with(|s| {
        s.write_rate = WriteRate {
            per_second: 1,
            burst: 3,
        }
    })
    .await;
    // The burst: three writes (the first makes a second committee user to compare with).
    let (_, other) = app.create_user("second", "committee", None).await;
    app.create_arena("A").await;
    app.create_arena("B").await;

    let refused = app
        .post("/api/v1/arenas", &app.admin, json!({"name": "C"}))
        .await
        .expect(429);
    assert_eq!(refused.code(), "rate_limited");
    let wait = retry_after(&refused);
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    // Nothing was written; reads are not limited; another token has its own allowance.
    assert_eq!(arena_names(&app).await, ["A", "B"]);
    app.get("/api/v1/bets", &app.admin).await.expect(200);
    app.post("/api/v1/arenas", &other, json!({"name": "D"}))
        .await
        .expect(201);

    // Waiting as long as Retry-After says is enough.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    app.post("/api/v1/arenas", &app.admin, json!({"name": "C"}))
        .await
        .expect(201);
    assert_eq!(arena_names(&app).await, ["A", "B", "C", "D"]);
}

/// Single reports take a different road (the group-commit writer checks their token, not the
/// request extractor), so they get their own check that the same limit holds for them.
#[tokio::test]
async fn single_reports_and_corrections_count_against_the_same_limit() {
    let app = spawn_app_with(|s| {
        s.write_rate = WriteRate {
            per_second: 1,
            burst: 12,
        }
    })
    .await;
    let world = app.world().await;
    let mut stored = Vec::new();
    let refused = loop {
        assert!(stored.len() < 40, "40 reports in a row were never limited");
        let reply = app
            .report(&world.member_a, world.bet_a, json!({"value": 101.0}))
            .await;
        if reply.status == 429 {
            break reply;
        }
        stored.push(reply.expect(201).id());
    };
    // The member's bet used one write of the burst of 12; a second of refill may have passed.
    assert!((11..=14).contains(&stored.len()), "{} stored", stored.len());
    assert_eq!(refused.code(), "rate_limited");
    assert!((1..=2).contains(&retry_after(&refused)));
    // A correction is a write of the same token: refused too. Nothing more was stored.
    let correction = app
        .post(
            &format!("/api/v1/reports/{}/corrections", stored[0]),
            &world.member_a,
            json!({"value": 99.0}),
        )
        .await
        .expect(429);
    assert_eq!(correction.code(), "rate_limited");
    assert_eq!(
        app.report_count(world.bet_a).await,
        harness::count(stored.len())
    );
    // Another token has its own allowance.
    app.report(&world.member_b, world.bet_b, json!({"value": 5.0}))
        .await
        .expect(201);
}

#[tokio::test]
async fn a_rate_of_zero_switches_the_limit_off() {
    let app = spawn_app_with(|s| {
        s.write_rate = WriteRate {
            per_second: 0,
            burst: 1,
        }
    })
    .await;
    for i in 0..50 {
        app.create_arena(&format!("arena {i:02}")).await;
    }
    assert_eq!(arena_names(&app).await.len(), 50);
}

/// Holds the database's write lock from outside the server, as a long migration or a stuck
/// administrator's session would.
fn hold_write_lock(database_url: &str) -> DbConnection {
    let mut conn = harness::connect(database_url);
    let statement = match &conn {
        DbConnection::Sqlite(_) => "BEGIN EXCLUSIVE",
        DbConnection::Postgresql(_) => "BEGIN; LOCK TABLE arenas IN ACCESS EXCLUSIVE MODE",
    };
    conn.batch_execute(statement).expect("the lock is taken");
    conn
}

/// The real binary with one connection and a 300 ms pool wait, given as flags. (A child process:
/// SQLite writers of one process share one queue, and this test blocks it for seconds.)
#[tokio::test]
async fn a_server_out_of_connections_answers_503_and_recovers() {
    const ADMIN: &str = "limits-admin-token-0123456789";
    let db = harness::FreshDatabase::new();
    let server = harness::Server::start_with(&harness::ServerOptions {
        database_url: &db.url,
        log: "warn",
        bootstrap_token: Some(ADMIN),
        args: &["--pool-size", "1", "--pool-wait-ms", "300"],
    });
    let api = server.api.clone();
    let mut lock = hold_write_lock(&db.url);

    // This write takes the only connection and waits for the lock.
    let stuck = {
        let api = api.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let reply = api
                .post("/api/v1/arenas", ADMIN, json!({"name": "stuck"}))
                .await;
            (reply, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Meanwhile every other request finds no free connection: 503 after the pool wait, not a hang.
    let started = Instant::now();
    let busy = api.get("/api/v1/bets", ADMIN).await.expect(503);
    let waited = started.elapsed();
    assert_eq!(busy.code(), "unavailable");
    assert!(retry_after(&busy) >= 1);
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "answered after {waited:?}"
    );

    // The stuck write itself gives up at the lock timeout (10 s) with 503.
    let (reply, took) = stuck.await.unwrap();
    let reply = reply.expect(503);
    assert!(retry_after(&reply) >= 1);
    assert!(
        took >= Duration::from_secs(8) && took < Duration::from_secs(20),
        "the stuck write was answered after {took:?}"
    );

    // Once the lock is gone the server serves again, and the refused write left nothing behind.
    lock.batch_execute("ROLLBACK").unwrap();
    drop(lock);
    api.post("/api/v1/arenas", ADMIN, json!({"name": "after"}))
        .await
        .expect(201);
    let names: Vec<Value> = api
        .get("/api/v1/arenas", ADMIN)
        .await
        .expect(200)
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(names, [json!("after")]);
}
