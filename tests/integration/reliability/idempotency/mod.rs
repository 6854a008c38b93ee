//! The idempotency matrix: single reports, corrections and batches; replays, conflicts,
//! concurrency and the scope of a key. A replay answers what the first request answered and
//! writes nothing (not even an audit row); a conflict answers 409 and writes nothing.

use crate::harness::{Reply, TestApp, World, spawn_app};
use crate::harness::{connect, fingerprint, fingerprint_diff};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::schema::reports;

mod batches;
mod concurrency;
mod corrections;
mod replays;

/// How many stored reports of `bet` carry `key`.
fn rows_with_key(conn: &mut DbConnection, bet: i64, key: &str) -> i64 {
    reports::table
        .filter(reports::bet_id.eq(bet))
        .filter(reports::idempotency_key.eq(key))
        .count()
        .get_result(conn)
        .expect("count reports")
}

/// Runs `request` and checks that it changed nothing stored.
async fn writes_nothing<F: std::future::Future<Output = Reply>>(
    conn: &mut DbConnection,
    request: F,
) -> Reply {
    let before = fingerprint(conn);
    let reply = request.await;
    let changed = fingerprint_diff(&before, &fingerprint(conn));
    assert!(
        changed.is_empty(),
        "the request wrote {changed:?}; answer: {} {}",
        reply.status,
        reply.body
    );
    reply
}

async fn setup() -> (TestApp, World, DbConnection) {
    let app = spawn_app().await;
    let w = app.world().await;
    let conn = connect(&app.database_url);
    (app, w, conn)
}

fn reports_path(bet: i64) -> String {
    format!("/api/v1/bets/{bet}/reports")
}
