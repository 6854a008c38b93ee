//! The CSV import: its time beside the same rows through the batch API, and its memory.

use chrono::TimeDelta;
use horserace::db::connection::{POOL_WAIT, connect};
use serde_json::json;

use crate::data::{self, ADMIN};
use crate::measure::Samples;
use crate::{Line, Scale};

use super::serve;

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

pub(super) async fn import(scale: Scale, postgres: Option<&str>) -> Line {
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
            let bet = p.bets[rng.index(p.bets.len())];
            let at = (p.now - TimeDelta::seconds(60 + i64::try_from(i % 100_000).unwrap()))
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
