//! Writing reports: batches beside diesel's multi-row insert, and single reports under load
//! beside `/healthz` under the same load.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use diesel::prelude::*;
use horserace::db::connection::{POOL_WAIT, connect};
use horserace::db::reports::NewReport;
use horserace::db::schema::reports;
use horserace::db::{DbConnection, Pool};
use serde_json::json;

use crate::data::{self, ADMIN};
use crate::load;
use crate::measure::{Samples, exact};
use crate::{Line, Scale};

use super::serve;

/// Fresh reports for random bets, observed in the past.
fn rows(p: &data::Portfolio, rng: &mut data::Rng, n: usize) -> Vec<NewReport> {
    (0..n)
        .map(|i| NewReport {
            bet_id: p.bets[rng.index(p.bets.len())],
            value: 100.0 + rng.unit() * 20.0,
            observed_at: (p.now - TimeDelta::minutes(30 + i64::try_from(i % 10_000).unwrap()))
                .naive_utc()
                .into(),
            reported_by: 1,
            received_at: p.now.naive_utc().into(),
            source: None,
            idempotency_key: None,
            request_digest: None,
            supersedes: None,
        })
        .collect()
}

pub(super) async fn ingest(scale: Scale, postgres: Option<&str>, with_batches: bool) -> Vec<Line> {
    let db = data::database(postgres, "ingest");
    let pool: Pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    let p = data::portfolio(&pool, 1_000.min(scale.bets), 2, 50.min(scale.bets));
    let base = serve(&db).await;
    let mut rng = data::Rng(0x1234);
    // Batch ingest: 8 clients, 1,000 reports a request; beside diesel's multi-row insert.
    let batches = scale.ingest_rows / 1_000;
    let mut api = Vec::new();
    let mut ceiling = Vec::new();
    for _ in 0..if with_batches { scale.runs } else { 0 } {
        let bodies: Vec<String> = (0..batches)
            .map(|_| {
                let reports: Vec<_> = rows(&p, &mut rng, 1_000)
                    .into_iter()
                    .map(|r| json!({"bet_id": r.bet_id, "value": r.value, "observed_at": r.observed_at.0.and_utc()}))
                    .collect();
                json!({"reports": reports}).to_string()
            })
            .collect();
        api.push(post_batches(&base, bodies).await);
        let direct = rows(&p, &mut rng, batches * 1_000);
        ceiling.push(insert_directly(&pool, &direct));
    }
    let (api, ceiling) = (Samples(api), Samples(ceiling));
    let batch_ratio = api.median() / ceiling.median();
    let mut lines: Vec<Line> = Vec::new();
    let single = single_reports(scale, &base, &p).await;
    if with_batches {
        lines.push(Line {
            path: "batch ingest (8 clients x 1,000 a request)",
            ratio: Some(batch_ratio),
            met: batch_ratio >= 0.5,
            measured: api,
            unit: "rows/s",
            ceiling_name: "diesel multi-row insert, 1,000 a transaction",
            ceiling: Some(ceiling),
            target: ">= 0.5 x the ceiling",
            note: String::new(),
        });
    }
    lines.push(single);
    lines
}

/// Rows a second through the batch API: the bodies posted by 8 clients, each taking every 8th.
async fn post_batches(base: &str, bodies: Vec<String>) -> f64 {
    let rows = bodies.len() * 1_000;
    let bodies = Arc::new(bodies);
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for c in 0..8 {
        let (bodies, base) = (bodies.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for body in bodies.iter().skip(c).step_by(8) {
                let r = client
                    .post(format!("{base}/api/v1/reports/batch"))
                    .bearer_auth(ADMIN)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    exact(rows) / started.elapsed().as_secs_f64()
}

/// Rows a second through diesel's multi-row insert, 1,000 a transaction: the ceiling.
fn insert_directly(pool: &Pool, direct: &[NewReport]) -> f64 {
    let mut conn = pool.get().unwrap();
    let started = std::time::Instant::now();
    for chunk in direct.chunks(1_000) {
        horserace::db::write_transaction(&mut conn, |c| match c {
            DbConnection::Sqlite(c) => diesel::insert_into(reports::table).values(chunk).execute(c),
            DbConnection::Postgresql(c) => {
                diesel::insert_into(reports::table).values(chunk).execute(c)
            }
        })
        .unwrap();
    }
    exact(direct.len()) / started.elapsed().as_secs_f64()
}

/// Single reports under 64 connections, beside /healthz under the same load; the two
/// alternate, `runs` times each, so that a slow moment of the machine hits both.
async fn single_reports(scale: Scale, base: &str, p: &data::Portfolio) -> Line {
    let duration = Duration::from_secs(scale.load_seconds);
    let bets = Arc::new(p.bets.clone());
    let stamp = p.now.timestamp();
    let (mut health, mut single) = (Vec::new(), Vec::new());
    let (mut stored, mut failed, mut health_failed) = (0, 0, 0);
    for run in 0..scale.runs {
        let h = load::run(
            base,
            ADMIN,
            64,
            duration,
            Arc::new(|_| (reqwest::Method::GET, "/healthz".into(), None)),
            200,
        )
        .await;
        let bets = bets.clone();
        let s = load::run(
            base,
            ADMIN,
            64,
            duration,
            Arc::new(move |n| {
                let bet = bets[usize::try_from(n).unwrap() % bets.len()];
                (
                    reqwest::Method::POST,
                    format!("/api/v1/bets/{bet}/reports"),
                    Some(
                        json!({"value": 101.5, "idempotency_key": format!("load-{stamp}-{run}-{n}")})
                            .to_string(),
                    ),
                )
            }),
            201,
        )
        .await;
        health.push(h.per_second);
        single.push(s.per_second);
        stored += s.ok;
        failed += s.failed;
        health_failed += h.failed;
    }
    let (health, single) = (Samples(health), Samples(single));
    let single_ratio = single.median() / health.median();
    Line {
        path: "single reports (64 connections)",
        ratio: Some(single_ratio),
        met: single_ratio >= 0.5 && failed == 0,
        measured: single,
        unit: "req/s",
        ceiling_name: "GET /healthz under the same load",
        ceiling: Some(health),
        target: ">= 0.5 x healthz, no errors",
        note: format!(
            "{stored} reports stored, {failed} failed; healthz {health_failed} failed; {} runs of {} s each, alternating",
            scale.runs, scale.load_seconds
        ),
    }
}
