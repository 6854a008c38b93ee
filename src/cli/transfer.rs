//! `horserace import`, `horserace export` and `horserace backup`: files in and out, straight on
//! the database.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::db::users::User;
use crate::db::{DatabaseUrl, DbConnection};
use crate::domain::{Actor, Currency};
use crate::services::export;
use crate::services::import::{Mode, import_reports};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import reports from a CSV file: columns bet_id (or bet: an id or a slug), value,
    /// observed_at, and optionally source and idempotency_key. All or nothing unless --partial.
    Reports {
        file: PathBuf,
        /// Keep the good rows when some are bad.
        #[arg(long)]
        partial: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A round's results: one row per bet and a closing reserve row.
    Round { id: i64 },
    /// Every bet with its latest level, threshold, decision and funding.
    Portfolio,
    /// Every ledger entry.
    Ledger,
    /// The audit log, optionally over a date range.
    Audit {
        #[arg(long)]
        since: Option<DateTime<Utc>>,
        #[arg(long)]
        until: Option<DateTime<Utc>>,
    },
}

fn connect(url: &DatabaseUrl) -> anyhow::Result<(crate::db::Pool, Currency)> {
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let code = crate::db::portfolio::Portfolio::get(&mut conn)?
        .map(|p| p.currency)
        .ok_or_else(|| {
            anyhow::anyhow!("the database has no portfolio yet: start the server once")
        })?;
    drop(conn);
    Ok((
        pool,
        Currency::parse("currency", &code).map_err(|e| anyhow::anyhow!("{e}"))?,
    ))
}

fn actor(conn: &mut DbConnection, name: &str) -> anyhow::Result<Actor> {
    let user = User::find_by_name(conn, name)?.ok_or_else(|| {
        anyhow::anyhow!("no user named {name:?}; pass --as with an existing user")
    })?;
    Ok(Actor {
        role: user.role,
        user_id: user.id,
        name: user.name,
        team_id: user.team_id,
    })
}

/// Imports a file; returns whether it was kept.
pub fn import(url: &DatabaseUrl, acting_as: &str, command: ImportCommand) -> anyhow::Result<bool> {
    let ImportCommand::Reports { file, partial } = command;
    let started = std::time::Instant::now();
    let (pool, _) = connect(url)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let size = std::fs::metadata(&file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?
        .len();
    let input = BufReader::with_capacity(1 << 20, File::open(&file)?);
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .progress_chars("=> "),
    );
    let mode = if partial {
        Mode::Partial
    } else {
        Mode::AllOrNothing
    };
    let summary = import_reports(
        &mut conn,
        &actor,
        input,
        mode,
        crate::domain::time::now(),
        &mut |bytes| bar.set_position(bytes),
    )
    .map_err(|e| anyhow::anyhow!("{}", e.detail().message))?;
    bar.finish_and_clear();
    for e in &summary.errors {
        println!(
            "line {}: {}{}",
            e.index,
            e.field
                .as_deref()
                .map_or(String::new(), |f| format!("{f}: ")),
            e.message
        );
    }
    if summary.refused > summary.errors.len() {
        println!(
            "... and {} more refused rows",
            summary.refused - summary.errors.len()
        );
    }
    if summary.committed {
        println!(
            "Imported {}: {} rows, {} stored, {} already stored, {} refused, in {:.1} s{}.",
            file.display(),
            summary.rows,
            summary.stored,
            summary.replayed,
            summary.refused,
            started.elapsed().as_secs_f64(),
            peak_memory_mib().map_or(String::new(), |mib| format!(" (peak memory {mib} MiB)"))
        );
    } else {
        println!("Refused: {}.", summary.refusal());
    }
    Ok(summary.committed)
}

/// This process's peak resident memory, where the system tells it (Linux). An import streams
/// its file, so this stays flat however long the file is; the benchmark suite checks it.
fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib.div_ceil(1024))
}

fn write<T: Serialize>(rows: &[T], format: Format, output: Option<PathBuf>) -> anyhow::Result<()> {
    let bytes = match format {
        Format::Csv => {
            export::to_csv(rows).map_err(|e| anyhow::anyhow!("{}", e.detail().message))?
        }
        Format::Json => serde_json::to_vec_pretty(rows)?,
    };
    match output {
        Some(path) => std::fs::write(&path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(())
}

pub fn export(
    url: &DatabaseUrl,
    acting_as: &str,
    command: ExportCommand,
    format: Format,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let (pool, currency) = connect(url)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let failed = |e: crate::error::AppError| anyhow::anyhow!("{}", e.detail().message);
    match command {
        ExportCommand::Round { id } => write(
            &export::round_rows(&mut conn, &actor, id, &currency).map_err(failed)?,
            format,
            output,
        ),
        ExportCommand::Portfolio => write(
            &export::portfolio_rows(&mut conn, &actor, &currency).map_err(failed)?,
            format,
            output,
        ),
        ExportCommand::Ledger => write(
            &export::ledger_rows(&mut conn, &actor, &currency).map_err(failed)?,
            format,
            output,
        ),
        ExportCommand::Audit { since, until } => {
            if !actor.can_oversee() {
                anyhow::bail!("only the committee and executives read the audit log");
            }
            let rows = export::audit_rows(
                &mut conn,
                since.map(|t| t.naive_utc()),
                until.map(|t| t.naive_utc()),
            )
            .map_err(failed)?;
            write(&rows, format, output)
        }
    }
}

/// An online, consistent copy of a SQLite database (`VACUUM INTO`), safe while the server runs.
pub fn backup(url: &DatabaseUrl, target: PathBuf) -> anyhow::Result<()> {
    use diesel::RunQueryDsl;
    if matches!(url, DatabaseUrl::Postgres(_)) {
        anyhow::bail!(
            "backup copies SQLite files; back up PostgreSQL with pg_dump (see the README)"
        );
    }
    if target.exists() {
        anyhow::bail!("{} already exists; choose a new file", target.display());
    }
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let path = target.to_string_lossy().replace('\'', "''");
    diesel::sql_query(format!("VACUUM INTO '{path}'")).execute(&mut *conn)?;
    let size = std::fs::metadata(&target)?.len();
    println!(
        "Backed up {} to {} ({size} bytes).",
        url.redacted(),
        target.display()
    );
    Ok(())
}
