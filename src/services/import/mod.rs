//! Importing reports from CSV, a file of any length in bounded memory: rows are read as a
//! stream and stored a chunk at a time inside one transaction. Every bad row is reported with its
//! line number and reason. All or nothing by default (one bad row and nothing is kept); in
//! partial mode the good rows are kept. Idempotency keys make a re-import store nothing twice.
//!
//! Columns (a header row names them, in any order): `bet_id` or `bet` (an id or a bet's slug),
//! `value`, `observed_at` (RFC 3339 or `YYYY-MM-DD HH:MM:SS`, UTC), and optionally `source` and
//! `idempotency_key`.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::db::bets::Bet;
use crate::db::{DbConnection, write_transaction};
use crate::domain::Actor;
use crate::error::{AppError, RowError};
use crate::services::audit;
use crate::services::reports::{ReportDraft, Row, Subject, store_unaudited};
use rows::{BetRef, columns, parse_record};

mod rows;

/// Rows stored per statement batch.
const CHUNK: usize = 1_000;
/// How many bad rows an answer lists (all are counted).
pub const MAX_LISTED_ERRORS: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    AllOrNothing,
    Partial,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportSummary {
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// Reports newly stored.
    pub stored: usize,
    /// Rows that repeated a stored report (same idempotency key and content).
    pub replayed: usize,
    /// Rows refused.
    pub refused: usize,
    /// Whether anything was kept: false when an all-or-nothing import met a bad row, or when
    /// no row at all could be kept (an empty file, or every row refused).
    pub committed: bool,
    /// The first 1,000 refused rows; `index` is the line number in the file.
    pub errors: Vec<RowError>,
}

impl ImportSummary {
    /// Why nothing was kept, in words both front ends print: an empty file, a file whose every
    /// row was refused, or (all or nothing) a file with some bad rows.
    #[must_use]
    pub fn refusal(&self) -> String {
        if self.rows == 0 {
            "the file holds no rows; nothing was stored".to_owned()
        } else if self.refused == self.rows {
            format!("all {} rows were refused; nothing was stored", self.rows)
        } else {
            format!(
                "{} of {} rows were refused; nothing was stored (in partial mode the good rows are kept)",
                self.refused, self.rows
            )
        }
    }

    fn refuse(&mut self, line: usize, code: &str, message: String, field: Option<String>) {
        self.refused += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(RowError {
                index: line,
                code: code.to_owned(),
                message,
                field,
            });
        }
    }
}

/// Why an import stopped early: the file is unreadable, or the database failed.
enum Stop {
    /// All or nothing, and some rows were bad: roll back, then report them.
    Refused(ImportSummary),
    Failed(AppError),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Failed(e.into())
    }
}

impl From<AppError> for Stop {
    fn from(e: AppError) -> Self {
        Stop::Failed(e)
    }
}

/// Imports the CSV `input`. `progress` is told how many bytes have been read after each chunk.
pub fn import_reports(
    conn: &mut DbConnection,
    actor: &Actor,
    input: impl Read,
    mode: Mode,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| AppError::invalid("header", format!("the file cannot be read as CSV: {e}")))?
        .clone();
    let cols = columns(&headers)?;
    let outcome = write_transaction(conn, |conn| {
        let mut summary = ImportSummary::default();
        let mut chunk: Vec<(usize, BetRef, ReportDraft)> = Vec::with_capacity(CHUNK);
        let mut record = csv::StringRecord::new();
        loop {
            let more = match reader.read_record(&mut record) {
                Ok(more) => more,
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(summary.rows + 2, |p| line_number(p.line()));
                    summary.rows += 1;
                    summary.refuse(
                        line,
                        "invalid_csv",
                        format!("the row cannot be read: {e}"),
                        None,
                    );
                    continue;
                }
            };
            if more {
                summary.rows += 1;
                let line = record
                    .position()
                    .map_or(summary.rows + 1, |p| line_number(p.line()));
                match parse_record(&record, &cols, now) {
                    Ok((bet, draft)) => chunk.push((line, bet, draft)),
                    Err(e) => summary.refuse(line, "invalid_value", e.message, Some(e.field)),
                }
            }
            if chunk.len() >= CHUNK || (!more && !chunk.is_empty()) {
                store_chunk(
                    conn,
                    actor,
                    std::mem::take(&mut chunk),
                    mode,
                    now,
                    &mut summary,
                )?;
                progress(reader.position().byte());
            }
            if !more {
                break;
            }
        }
        // Rows refused while reading come first; list them all in file order.
        summary.errors.sort_by_key(|e| e.index);
        // All or nothing: one bad row refuses the file. Partial: a file with no acceptable row
        // at all (every row refused, or no row) is refused too, rather than "stored" as nothing.
        let acceptable = summary.stored + summary.replayed;
        if (summary.refused > 0 && mode == Mode::AllOrNothing) || acceptable == 0 {
            summary.stored = 0;
            summary.replayed = 0;
            return Err(Stop::Refused(summary));
        }
        summary.committed = true;
        // A file whose rows were all stored before (replays) changed nothing: no audit row.
        if summary.stored > 0 {
            audit::record(
                conn,
                Some(actor),
                "report.import",
                ("report", None),
                json!({"rows": summary.rows, "stored": summary.stored, "replayed": summary.replayed,
                       "refused": summary.refused, "partial": mode == Mode::Partial}),
                now,
            )?;
        }
        Ok(summary)
    });
    match outcome {
        Ok(summary) => {
            crate::metrics::METRICS
                .reports_ingested
                .inc_by(u64::try_from(summary.stored).unwrap_or(0));
            Ok(summary)
        }
        Err(Stop::Refused(summary)) => Ok(summary),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// Resolves slugs, stores the chunk, and in partial mode stores again without the rows the
/// database refused.
fn store_chunk(
    conn: &mut DbConnection,
    actor: &Actor,
    chunk: Vec<(usize, BetRef, ReportDraft)>,
    mode: Mode,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<(), Stop> {
    let slugs: Vec<String> = chunk
        .iter()
        .filter_map(|(_, b, _)| match b {
            BetRef::Slug(s) => Some(s.clone()),
            BetRef::Id(_) => None,
        })
        .collect();
    let by_slug: BTreeMap<String, i64> = Bet::ids_by_slug(conn, &slugs)?.into_iter().collect();
    let mut lines = Vec::with_capacity(chunk.len());
    let mut rows: Vec<Row> = Vec::with_capacity(chunk.len());
    for (line, bet, mut draft) in chunk {
        let id = match bet {
            BetRef::Id(id) => Some(id),
            BetRef::Slug(slug) => by_slug.get(&slug).copied(),
        };
        match id {
            Some(id) => {
                draft.subject = Subject::Bet(id);
                lines.push(line);
                rows.push(Ok(draft));
            }
            None => summary.refuse(
                line,
                "not_found",
                "no bet has this slug".to_owned(),
                Some("bet".to_owned()),
            ),
        }
    }
    while !rows.is_empty() {
        match store_unaudited(conn, actor, &rows, now) {
            Ok(stored) => {
                summary.replayed += stored.iter().filter(|s| s.replayed).count();
                summary.stored += stored.iter().filter(|s| !s.replayed).count();
                return Ok(());
            }
            Err(e) if e.kind().is_callers() => {
                let bad: Vec<(usize, String, String, Option<String>)> = match &e.detail().details {
                    Some(details) => details
                        .iter()
                        .map(|d| (d.index, d.code.clone(), d.message.clone(), d.field.clone()))
                        .collect(),
                    None => vec![(
                        0,
                        e.detail().code.clone(),
                        e.detail().message.clone(),
                        e.detail().field.clone(),
                    )],
                };
                let mut refused_indexes: Vec<usize> = Vec::with_capacity(bad.len());
                for (index, code, message, field) in bad {
                    // "reports[7].value" names the batch's row; the line number says it better.
                    let field = field
                        .filter(|f| f.contains('.'))
                        .map(|f| f.rsplit('.').next().unwrap_or(&f).to_owned());
                    summary.refuse(
                        lines.get(index).copied().unwrap_or(0),
                        &code,
                        message,
                        field,
                    );
                    refused_indexes.push(index);
                }
                if mode == Mode::AllOrNothing {
                    return Ok(());
                }
                refused_indexes.sort_unstable();
                for index in refused_indexes.into_iter().rev() {
                    if index < rows.len() {
                        drop(rows.remove(index));
                        lines.remove(index);
                    }
                }
            }
            Err(e) => return Err(Stop::Failed(e)),
        }
    }
    Ok(())
}

/// A CSV reader's line number as a row's line: files have far fewer than usize::MAX lines.
fn line_number(line: u64) -> usize {
    usize::try_from(line).unwrap_or(usize::MAX)
}
