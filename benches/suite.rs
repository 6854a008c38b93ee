//! The benchmark suite: each path users feel, measured beside the ceiling it runs on, in the same
//! run on the same machine, so the ratio means something however busy the machine is.
//!
//! ```sh
//! cargo bench --bench suite                                   # SQLite, writes BENCHMARKS.md
//! cargo bench --bench suite -- --postgres postgres://postgres@127.0.0.1:5432   # and PostgreSQL
//! cargo bench --bench suite -- --quick                        # a small run that only checks it works
//! cargo bench --bench suite -- --only single                  # one path (round, ingest, single, page,
//!                                                             # import, billing, statement)
//!                                                             # into target/BENCHMARKS-only.md
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first surprise"
)]

#[path = "suite/data.rs"]
mod data;
#[path = "suite/load.rs"]
mod load;
#[path = "suite/market.rs"]
mod market;
#[path = "suite/measure.rs"]
mod measure;
#[path = "suite/paths/mod.rs"]
mod paths;

use std::fmt::Write as _;

use measure::Samples;

/// Sizes of a full run and of a quick one.
#[derive(Clone, Copy)]
pub struct Scale {
    pub bets: usize,
    pub reports_per_bet: usize,
    pub rounds: usize,
    pub runs: usize,
    pub ingest_rows: usize,
    pub load_seconds: u64,
    pub import_rows: usize,
    pub page_requests: usize,
    /// Active subscriptions a billing run charges.
    pub subscriptions: usize,
    /// Market entries in the year a team statement covers.
    pub market_entries: usize,
}

const FULL: Scale = Scale {
    bets: 10_000,
    reports_per_bet: 100,
    rounds: 20,
    runs: 3,
    ingest_rows: 200_000,
    load_seconds: 3,
    import_rows: 1_000_000,
    page_requests: 200,
    subscriptions: 10_000,
    market_entries: 100_000,
};
const QUICK: Scale = Scale {
    bets: 500,
    reports_per_bet: 20,
    rounds: 3,
    runs: 2,
    ingest_rows: 10_000,
    load_seconds: 1,
    import_rows: 20_000,
    page_requests: 10,
    subscriptions: 1_000,
    market_entries: 10_000,
};

/// One line of the table.
pub struct Line {
    pub path: &'static str,
    pub measured: Samples,
    pub unit: &'static str,
    pub ceiling_name: &'static str,
    pub ceiling: Option<Samples>,
    /// measured / ceiling (or the absolute figure) as the target reads it.
    pub ratio: Option<f64>,
    pub target: &'static str,
    pub met: bool,
    pub note: String,
}

fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn table(backend: &str, lines: &[Line]) -> String {
    let mut out = format!(
        "### {backend}\n\n| path | measured: median (min–max) | ceiling: median (min–max) | ratio | target | met |\n|---|---|---|---|---|---|\n"
    );
    for l in lines {
        let measured = format!(
            "{} {} ({}–{})",
            fmt(l.measured.median()),
            l.unit,
            fmt(l.measured.min()),
            fmt(l.measured.max())
        );
        let ceiling = match &l.ceiling {
            Some(c) => format!(
                "{}: {} {} ({}–{})",
                l.ceiling_name,
                fmt(c.median()),
                l.unit,
                fmt(c.min()),
                fmt(c.max())
            ),
            None => l.ceiling_name.to_owned(),
        };
        let ratio = l.ratio.map_or("–".to_owned(), |r| format!("{r:.2}"));
        let _ = writeln!(
            out,
            "| {} | {measured} | {ceiling} | {ratio} | {} | {} |",
            l.path,
            l.target,
            if l.met { "yes" } else { "**no**" }
        );
    }
    let notes: Vec<&Line> = lines.iter().filter(|l| !l.note.is_empty()).collect();
    if !notes.is_empty() {
        out.push('\n');
        for l in notes {
            let _ = writeln!(out, "- {}: {}", l.path, l.note);
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let quick = args.iter().any(|a| a == "--quick");
    let postgres = value("--postgres");
    let only = value("--only");
    let out = value("--out").unwrap_or_else(|| {
        // Only a full run of every path replaces BENCHMARKS.md.
        if quick {
            "target/BENCHMARKS-quick.md".into()
        } else if only.is_some() {
            "target/BENCHMARKS-only.md".into()
        } else {
            "BENCHMARKS.md".into()
        }
    });
    let scale = if quick { QUICK } else { FULL };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let mut report = String::new();
    let mut all_met = true;
    let mut backends: Vec<(&str, Option<String>)> = vec![("SQLite", None)];
    if let Some(url) = postgres {
        backends.push(("PostgreSQL", Some(url)));
    }
    for (name, url) in backends {
        eprintln!("== {name}");
        let lines = runtime.block_on(paths::all(scale, url.as_deref(), only.as_deref()));
        if name == "SQLite" {
            all_met &= lines.iter().all(|l| l.met);
        }
        let t = table(name, &lines);
        println!("{t}");
        report.push_str(&t);
        report.push('\n');
    }
    let command = if quick {
        "cargo bench --bench suite -- --quick"
    } else {
        "cargo bench --bench suite -- --postgres postgres://postgres@127.0.0.1:5432"
    };
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let header = format!(
        "# Benchmarks\n\nMeasured by `{command}` in {:.0} s on a {cores}-core machine, {}. Each path runs beside its ceiling in the same run; the ratio is what the target reads. Data comes from a fixed seed.\n\n",
        started.elapsed().as_secs_f64(),
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let existing = std::fs::read_to_string(&out).unwrap_or_default();
    let findings = existing
        .find("\n## ")
        .map(|i| existing[i..].to_owned())
        .unwrap_or_default();
    std::fs::write(&out, format!("{header}{report}{findings}"))
        .expect("write the benchmark report");
    eprintln!("wrote {out} in {:.0} s", started.elapsed().as_secs_f64());
    if !all_met && !quick {
        eprintln!("some targets were not met on SQLite");
    }
}
