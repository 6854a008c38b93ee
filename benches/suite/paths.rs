//! The six pairs of the suite: each path users feel, beside its ceiling.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use horserace::config::Settings;
use horserace::db::connection::{POOL_WAIT, connect};
use horserace::db::reports::NewReport;
use horserace::db::schema::reports;
use horserace::db::{DbConnection, Pool};
use horserace::domain::{Actor, Money, Role};
use horserace::engine::{Policy, evaluate};
use horserace::services::rounds::evidence::{Terms, gather};
use horserace::services::rounds::{self, RoundForm, lifecycle};
use horserace::startup::Application;
use serde_json::json;

use crate::data::{self, ADMIN, Database};
use crate::load;
use crate::measure::{Samples, millis, repeat};
use crate::{Line, Scale};

fn admin() -> Actor {
    Actor {
        user_id: 1,
        name: "admin".into(),
        role: Role::Committee,
        team_id: None,
    }
}

async fn serve(db: &Database) -> String {
    let mut settings = Settings::new(db.url.clone());
    settings.bind = "127.0.0.1:0".into();
    // The suite measures the storage path; the per-token write limit would measure itself.
    settings.write_rate = horserace::services::write_limit::WriteRate {
        per_second: 0,
        burst: 1,
    };
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

pub async fn all(scale: Scale, postgres: Option<&str>, only: Option<&str>) -> Vec<Line> {
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    // Progress on standard error, so that a long run shows where it is and where time goes.
    let started = std::time::Instant::now();
    let phase = |name: &str| eprintln!("{:>6.0} s  {name}", started.elapsed().as_secs_f64());
    let mut lines = Vec::new();
    if wanted("round") {
        phase("rounds and the engine");
        lines.extend(round_and_engine(scale, postgres));
    }
    if wanted("ingest") || wanted("single") {
        phase("batch ingest and single reports");
        lines.extend(ingest(scale, postgres, !wanted("single") || wanted("ingest")).await);
    }
    if wanted("page") {
        phase("portfolio page");
        lines.push(portfolio_page(scale, postgres).await);
    }
    if wanted("import") {
        phase("CSV import");
        lines.push(import(scale, postgres).await);
    }
    phase("done");
    lines
}

/// The bare scan a round cannot beat: the same reports' (bet id, value, observed_at), read
/// over the same connection.
fn scan(conn: &mut DbConnection, after: NaiveDateTime, until: NaiveDateTime) -> usize {
    reports::table
        .filter(reports::observed_at.gt(after))
        .filter(reports::observed_at.le(until))
        .select((reports::bet_id, reports::value, reports::observed_at))
        .load::<(i64, f64, NaiveDateTime)>(conn)
        .expect("scan")
        .len()
}

fn round_and_engine(scale: Scale, postgres: Option<&str>) -> Vec<Line> {
    let db = data::database(postgres, "round");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    eprintln!(
        "building {} bets x {} reports",
        scale.bets, scale.reports_per_bet
    );
    let p = data::portfolio(
        &pool,
        scale.bets,
        scale.reports_per_bet,
        100.min(scale.bets),
    );
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let window_start = p.start - TimeDelta::seconds(1);
    let scans = repeat(scale.runs, || {
        millis(|| {
            let n = scan(conn, window_start.naive_utc(), p.now.naive_utc());
            assert_eq!(n, scale.bets * scale.reports_per_bet);
        })
    });
    let form = |minutes: i64| round_form(p.now - TimeDelta::minutes(minutes), window_start);
    let draft = lifecycle::create(conn, &admin(), form(30), p.now).unwrap();
    let previews = repeat(scale.runs, || {
        millis(|| {
            rounds::preview(conn, draft.id, p.now).unwrap();
        })
    });
    // The engine alone, on the evidence the round gathered.
    let terms = Terms::of(
        &horserace::db::rounds::Round::find_listing(conn, draft.id)
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    let gathered = gather(conn, &terms, None).unwrap();
    let engine = repeat(5, || {
        millis(|| {
            evaluate(&gathered.input).unwrap();
        })
    });
    // Commits: each a new round over the same window, in as_of order.
    let mut commits = Vec::new();
    for k in 0..scale.runs {
        let id = if k == 0 {
            draft.id
        } else {
            lifecycle::create(conn, &admin(), form(30 - 5 * k as i64), p.now)
                .unwrap()
                .id
        };
        commits.push(millis(|| {
            rounds::commit(conn, &admin(), id, p.now).unwrap();
        }));
    }
    let commits = Samples(commits);
    let (history_previews, history_scans) = preview_with_history(conn, scale, &p);
    let ratio = |s: &Samples| s.median() / scans.median();
    let history_ratio = history_previews.median() / history_scans.median();
    vec![
        Line {
            path: "round preview end to end",
            ratio: Some(ratio(&previews)),
            met: ratio(&previews) <= 1.5,
            measured: previews,
            unit: "ms",
            ceiling_name: "bare SQL scan of the same reports",
            ceiling: Some(scans.clone()),
            target: "<= 1.5 x the scan",
            note: format!(
                "{} bets, {} reports in the window",
                scale.bets,
                scale.bets * scale.reports_per_bet
            ),
        },
        Line {
            path: "round commit end to end",
            ratio: Some(ratio(&commits)),
            met: ratio(&commits) <= 1.5,
            measured: commits,
            unit: "ms",
            ceiling_name: "bare SQL scan of the same reports",
            ceiling: Some(scans),
            target: "<= 1.5 x the scan",
            note: String::new(),
        },
        Line {
            path: "round preview, history before the window",
            ratio: Some(history_ratio),
            met: history_ratio <= 1.5,
            measured: history_previews,
            unit: "ms",
            ceiling_name: "bare SQL scan of the reports in the window",
            ceiling: Some(history_scans),
            target: "<= 1.5 x the scan",
            note: format!(
                "the window holds the last half of every bet's reports ({} in it, as many before it, \
                 which the outlier check looks back on)",
                scale.bets * (scale.reports_per_bet / 2)
            ),
        },
        Line {
            path: "engine alone",
            ratio: None,
            met: engine.median() < 100.0,
            measured: engine,
            unit: "ms",
            ceiling_name: "(absolute, one core)",
            ceiling: None,
            target: "< 100 ms",
            note: String::new(),
        },
    ]
}

/// A round of the suite: a budget large enough for every bet, the default policy.
fn round_form(as_of: DateTime<Utc>, window_start: DateTime<Utc>) -> RoundForm {
    RoundForm {
        budget: Money::parse("b", 100_000_000_000).unwrap(),
        as_of,
        window_start: Some(window_start),
        policy: Policy::default(),
    }
}

/// A round whose window holds only the later half of every bet's reports: the earlier half is
/// history, which a round reads only to judge outliers at the start of its window. A portfolio
/// that has run for a while looks like this; the main round's window holds every report, so it
/// would not show what reading that history costs.
fn preview_with_history(
    conn: &mut DbConnection,
    scale: Scale,
    p: &data::Portfolio,
) -> (Samples, Samples) {
    let half = (p.now - p.start) / 2;
    let window_start = p.start + half;
    let in_window = scale.bets * (scale.reports_per_bet / 2);
    let scans = repeat(scale.runs, || {
        millis(|| {
            let n = scan(conn, window_start.naive_utc(), p.now.naive_utc());
            assert_eq!(n, in_window, "the later half of the reports");
        })
    });
    let form = round_form(p.now - TimeDelta::minutes(1), window_start);
    let draft = lifecycle::create(conn, &admin(), form, p.now).unwrap();
    let previews = repeat(scale.runs, || {
        millis(|| {
            rounds::preview(conn, draft.id, p.now).unwrap();
        })
    });
    (previews, scans)
}

/// Fresh reports for random bets, observed in the past.
fn rows(p: &data::Portfolio, rng: &mut data::Rng, n: usize) -> Vec<NewReport> {
    (0..n)
        .map(|i| NewReport {
            bet_id: p.bets[(rng.next() % p.bets.len() as u64) as usize],
            value: 100.0 + rng.unit() * 20.0,
            observed_at: (p.now - TimeDelta::minutes(30 + (i % 10_000) as i64))
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

async fn ingest(scale: Scale, postgres: Option<&str>, with_batches: bool) -> Vec<Line> {
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
        let bodies = Arc::new(bodies);
        let started = std::time::Instant::now();
        let mut tasks = Vec::new();
        for c in 0..8 {
            let (bodies, base) = (bodies.clone(), base.clone());
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
        api.push((batches * 1_000) as f64 / started.elapsed().as_secs_f64());
        let direct = rows(&p, &mut rng, batches * 1_000);
        let mut conn = pool.get().unwrap();
        let started = std::time::Instant::now();
        for chunk in direct.chunks(1_000) {
            horserace::db::write_transaction(&mut conn, |c| match c {
                DbConnection::Sqlite(c) => {
                    diesel::insert_into(reports::table).values(chunk).execute(c)
                }
                DbConnection::Postgresql(c) => {
                    diesel::insert_into(reports::table).values(chunk).execute(c)
                }
            })
            .unwrap();
        }
        ceiling.push((batches * 1_000) as f64 / started.elapsed().as_secs_f64());
    }
    let (api, ceiling) = (Samples(api), Samples(ceiling));
    let batch_ratio = api.median() / ceiling.median();
    let mut lines: Vec<Line> = Vec::new();

    // Single reports under 64 connections, beside /healthz under the same load; the two
    // alternate, `runs` times each, so that a slow moment of the machine hits both.
    let duration = Duration::from_secs(scale.load_seconds);
    let bets = Arc::new(p.bets.clone());
    let stamp = p.now.timestamp();
    let (mut health, mut single) = (Vec::new(), Vec::new());
    let (mut stored, mut failed, mut health_failed) = (0, 0, 0);
    for run in 0..scale.runs {
        let h = load::run(
            &base,
            ADMIN,
            64,
            duration,
            Arc::new(|_| (reqwest::Method::GET, "/healthz".into(), None)),
            200,
        )
        .await;
        let bets = bets.clone();
        let s = load::run(
            &base,
            ADMIN,
            64,
            duration,
            Arc::new(move |n| {
                let bet = bets[(n as usize) % bets.len()];
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
    lines.push(Line {
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
    });
    lines
}

async fn portfolio_page(scale: Scale, postgres: Option<&str>) -> Line {
    let db = data::database(postgres, "page");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    let p = data::portfolio(&pool, scale.bets, 3, 100.min(scale.bets));
    data::round_history(&pool, &p, scale.rounds);
    let cookie = {
        let mut conn = pool.get().unwrap();
        let issued = horserace::services::users::issue_token(
            &mut conn,
            1,
            "bench",
            horserace::domain::TokenKind::Session,
            None,
            None,
            p.now,
        )
        .unwrap();
        format!("hr_session={}", issued.secret.expose())
    };
    let base = serve(&db).await;
    let client = reqwest::Client::new();
    // The target is the server's time, which it answers in `Server-Timing`; the time the
    // client saw (the network and this client on top) is noted beside it.
    let get = || async {
        let started = std::time::Instant::now();
        let r = client
            .get(format!("{base}/"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let timing = r.headers()["server-timing"].to_str().unwrap().to_owned();
        let _ = r.text().await.unwrap();
        let server: f64 = timing.strip_prefix("app;dur=").unwrap().parse().unwrap();
        (server, started.elapsed().as_secs_f64() * 1e3)
    };
    for _ in 0..3 {
        get().await;
    }
    let (mut times, mut seen) = (Vec::new(), Vec::new());
    for _ in 0..scale.page_requests {
        let (server, client) = get().await;
        times.push(server);
        seen.push(client);
    }
    let (times, seen) = (Samples(times), Samples(seen));
    let p95 = times.quantile(0.95);
    Line {
        path: "portfolio page",
        ratio: None,
        met: p95 < 100.0,
        measured: times,
        unit: "ms",
        ceiling_name: "(absolute)",
        ceiling: None,
        target: "p95 < 100 ms",
        note: format!(
            "server time p95 {p95:.1} ms over {} requests (the client saw p95 {:.1} ms); {} bets, {} rounds",
            scale.page_requests,
            seen.quantile(0.95),
            scale.bets,
            scale.rounds
        ),
    }
}

/// Runs an import; its time, the peak memory it reports for itself, and its output. The
/// import's own figure, because a parent cannot read a child's: `wait4`'s `ru_maxrss` also
/// counts the parent's memory at the spawn (exec records the outgoing address space's peak).
fn run_measured(mut command: std::process::Command) -> (f64, f64, String) {
    let started = std::time::Instant::now();
    let output = command
        .stderr(std::process::Stdio::null())
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "the import failed: {out}");
    let peak = out
        .split("(peak memory ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|mib| mib.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("the import reported no peak memory: {out}"));
    (seconds, peak, out)
}

async fn import(scale: Scale, postgres: Option<&str>) -> Line {
    let db = data::database(postgres, "import");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    let p = data::portfolio(&pool, 1_000.min(scale.bets), 1, 50.min(scale.bets));
    let dir = tempfile::tempdir().unwrap();
    let write_csv = |name: &str, n: usize, prefix: &str| {
        use std::io::Write;
        let path = dir.path().join(name);
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "bet_id,value,observed_at,idempotency_key").unwrap();
        let mut rng = data::Rng(0x77);
        for i in 0..n {
            let bet = p.bets[(rng.next() % p.bets.len() as u64) as usize];
            let at = (p.now - TimeDelta::seconds(60 + (i % 100_000) as i64))
                .format("%Y-%m-%dT%H:%M:%SZ");
            writeln!(
                f,
                "{bet},{:.3},{at},{prefix}-{i}",
                100.0 + rng.unit() * 10.0
            )
            .unwrap();
        }
        path
    };
    let importer = |path: &std::path::Path| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"));
        c.args(["import", "reports", path.to_str().unwrap()])
            .env("DATABASE_URL", &db.text)
            .env("HORSERACE_LOG", "warn");
        run_measured(c)
    };
    let small = write_csv("small.csv", scale.import_rows / 4, "s");
    let full = write_csv("full.csv", scale.import_rows, "f");
    let (_, small_rss, _) = importer(&small);
    let (import_secs, full_rss, _) = importer(&full);
    // The same rows through the batch API, 1,000 a request, one client (as one import is).
    let base = serve(&db).await;
    let client = reqwest::Client::new();
    let text = std::fs::read_to_string(&full).unwrap();
    let started = std::time::Instant::now();
    let mut batch = Vec::with_capacity(1_000);
    let send = |batch: &mut Vec<serde_json::Value>| {
        let body = json!({"reports": std::mem::take(batch)}).to_string();
        let client = client.clone();
        let url = format!("{base}/api/v1/reports/batch");
        async move {
            let r = client
                .post(url)
                .bearer_auth(ADMIN)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    };
    for line in text.lines().skip(1) {
        let mut cells = line.split(',');
        let (bet, value, at, key) = (
            cells.next().unwrap(),
            cells.next().unwrap(),
            cells.next().unwrap(),
            cells.next().unwrap(),
        );
        batch.push(json!({"bet_id": bet.parse::<i64>().unwrap(), "value": value.parse::<f64>().unwrap(), "observed_at": at, "idempotency_key": format!("b{key}")}));
        if batch.len() == 1_000 {
            send(&mut batch).await;
        }
    }
    if !batch.is_empty() {
        send(&mut batch).await;
    }
    let batch_secs = started.elapsed().as_secs_f64();
    let ratio = import_secs / batch_secs;
    Line {
        path: "CSV import (horserace import)",
        ratio: Some(ratio),
        met: ratio <= 1.2 && full_rss < small_rss * 1.5 + 16.0,
        measured: Samples(vec![import_secs]),
        unit: "s",
        ceiling_name: "the same rows through the batch API",
        ceiling: Some(Samples(vec![batch_secs])),
        target: "<= 1.2 x, memory flat",
        note: format!(
            "{} rows; peak memory (as the import reports it) {full_rss:.0} MiB for them, {small_rss:.0} MiB for a quarter as many",
            scale.import_rows
        ),
    }
}
