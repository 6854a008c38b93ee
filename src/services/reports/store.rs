//! The entry points that store reports: one request (a report, a correction or a batch), with or
//! without its audit row, and a group commit of many single-report requests.

use chrono::{DateTime, Utc};

use super::audit::{audit, audit_entry};
use super::plan::{Check, plan, plan_all_or_nothing};
use super::{MAX_BATCH, ReportDraft, Row, Stored};
use crate::db::audit::{AuditEntry, NewAuditEntry};
use crate::db::reports::Report;
use crate::db::{DbConnection, write_transaction};
use crate::domain::Actor;
use crate::error::AppError;

/// Checks and stores the rows atomically. A single row's error comes back as is; a batch's
/// errors come back as one error listing every bad row, whether its values did not parse or the
/// database refused it. One audit row records the write.
pub fn store(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &[Row],
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, AppError> {
    let stored = write_transaction(conn, |conn| {
        let stored = store_unaudited(conn, actor, rows, now)?;
        let inserted: Vec<&Report> = stored
            .iter()
            .filter(|s| !s.replayed)
            .map(|s| &s.report)
            .collect();
        if !inserted.is_empty() {
            audit(conn, actor, rows.len(), &inserted, now)?;
        }
        Ok::<_, AppError>(stored)
    })?;
    let new = stored.iter().filter(|s| !s.replayed).count();
    crate::metrics::METRICS
        .reports_ingested
        .inc_by(u64::try_from(new).unwrap_or(0));
    Ok(stored)
}

/// [`store`] without the audit row, for callers that audit a larger operation once (an import).
pub fn store_unaudited(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &[Row],
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, AppError> {
    if rows.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "reports",
            format!(
                "a batch holds at most {MAX_BATCH} reports; this one has {}",
                rows.len()
            ),
        ));
    }
    write_transaction(conn, |conn| {
        let plan = plan_all_or_nothing(conn, actor, rows, now)?;
        let inserted = Report::insert_many(conn, &plan.to_insert)?;
        Ok(plan.rows.iter().map(|row| row.stored(&inserted)).collect())
    })
}

/// One single-report request of a group commit: who sent it, what, and when it arrived.
pub struct GroupRequest<'a> {
    pub actor: &'a Actor,
    pub draft: &'a ReportDraft,
    pub now: DateTime<Utc>,
}

/// Stores single-report requests from many clients in the caller's transaction, each judged on
/// its own exactly as if it came alone (a refused one leaves the others stored), all inserted
/// by one statement and each audited as its own request. An error of the whole (the insert
/// refused by a unique index another process won) leaves the transaction to be rolled back.
pub fn store_group(
    conn: &mut DbConnection,
    requests: &[GroupRequest<'_>],
) -> Result<Vec<Result<Stored, AppError>>, AppError> {
    let rows: Vec<Row> = requests.iter().map(|r| Ok(r.draft.clone())).collect();
    let checks: Vec<Check<'_>> = requests
        .iter()
        .zip(&rows)
        .map(|(r, row)| Check {
            actor: r.actor,
            row,
            now: r.now,
        })
        .collect();
    let (planned, to_insert) = plan(conn, &checks)?;
    let inserted = Report::insert_many(conn, &to_insert)?;
    let results: Vec<Result<Stored, AppError>> = planned
        .into_iter()
        .map(|row| row.map(|row| row.stored(&inserted)))
        .collect();
    let entries: Vec<NewAuditEntry<'static>> = requests
        .iter()
        .zip(&results)
        .filter_map(|(request, result)| match result {
            Ok(one) if !one.replayed => {
                Some(audit_entry(request.actor, 1, &[&one.report], request.now))
            }
            _ => None,
        })
        .collect();
    AuditEntry::record_many(conn, &entries)?;
    Ok(results)
}
