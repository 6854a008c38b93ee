//! The audit row of a stored request: `report.create`, `report.correct` or `report.batch`, with
//! what it stored.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::DbConnection;
use crate::db::audit::{AuditEntry, NewAuditEntry};
use crate::db::reports::Report;
use crate::domain::Actor;
use crate::error::AppError;

/// The audit row of one stored request: a report, a correction, or a batch.
pub(crate) fn audit(
    conn: &mut DbConnection,
    actor: &Actor,
    requested: usize,
    inserted: &[&Report],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    AuditEntry::record(conn, &audit_entry(actor, requested, inserted, now))?;
    Ok(())
}

/// The audit row of one request that stored `inserted` of the `requested` reports.
pub(super) fn audit_entry(
    actor: &Actor,
    requested: usize,
    inserted: &[&Report],
    now: DateTime<Utc>,
) -> NewAuditEntry<'static> {
    let corrections = inserted.iter().filter(|r| r.supersedes.is_some()).count();
    let (action, object) = match (requested, inserted) {
        (1, [only]) if only.supersedes.is_some() => ("report.correct", ("report", Some(only.id))),
        (1, [only]) => ("report.create", ("report", Some(only.id))),
        _ => ("report.batch", ("report", None)),
    };
    let mut bets: Vec<i64> = inserted.iter().map(|r| r.bet_id).collect();
    bets.sort_unstable();
    bets.dedup();
    let detail = json!({
        "stored": inserted.len(),
        "corrections": corrections,
        "first_id": inserted.first().map(|r| r.id),
        "last_id": inserted.last().map(|r| r.id),
        "supersedes": inserted.iter().filter_map(|r| r.supersedes).collect::<Vec<_>>(),
        "bets": bets,
    });
    crate::services::audit::entry(Some(actor), action, object, detail, now)
}
