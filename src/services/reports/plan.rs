//! What happens to each row of a request: inserted, a replay of a stored report, the same as an
//! earlier row of the batch, or refused and why. Rows are judged in order against what the
//! request's bets, keys and corrected reports hold, read once for the whole request.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::check::{check, replay_of};
use super::{ReportDraft, Row, Stored, Subject};
use crate::db::DbConnection;
use crate::db::bets::BetGate;
use crate::db::reports::{NewReport, Report};
use crate::domain::Actor;
use crate::error::{AppError, ErrorKind, RowError};

/// The reports that a request's drafts correct, each with the id of its correction, if any.
pub(super) type Corrected = BTreeMap<i64, (Report, Option<i64>)>;

/// What will happen to each row.
pub(super) enum Planned {
    /// Inserted as `to_insert[i]`.
    Insert(usize),
    /// An earlier request already stored it.
    Replay(Report),
    /// An earlier row of this batch with the same key and content stores it (`to_insert[i]`).
    SameAs(usize),
}

impl Planned {
    pub(super) fn stored(&self, inserted: &[Report]) -> Stored {
        match self {
            Planned::Insert(i) => Stored {
                report: inserted[*i].clone(),
                replayed: false,
            },
            Planned::Replay(report) => Stored {
                report: report.clone(),
                replayed: true,
            },
            Planned::SameAs(i) => Stored {
                report: inserted[*i].clone(),
                replayed: true,
            },
        }
    }
}

pub(super) struct Plan {
    pub(super) rows: Vec<Planned>,
    pub(super) to_insert: Vec<NewReport>,
}

/// One row to check: who sends it and when it arrived.
pub(super) struct Check<'a> {
    pub(super) actor: &'a Actor,
    pub(super) row: &'a Row,
    pub(super) now: DateTime<Utc>,
}

/// A batch's plan: every row fine, or one error listing every bad row.
pub(super) fn plan_all_or_nothing(
    conn: &mut DbConnection,
    actor: &Actor,
    rows_in: &[Row],
    now: DateTime<Utc>,
) -> Result<Plan, AppError> {
    let checks: Vec<Check<'_>> = rows_in
        .iter()
        .map(|row| Check { actor, row, now })
        .collect();
    let (planned, to_insert) = plan(conn, &checks)?;
    let mut rows = Vec::with_capacity(planned.len());
    let mut errors: Vec<(usize, AppError)> = Vec::new();
    for (index, row) in planned.into_iter().enumerate() {
        match row {
            Ok(row) => rows.push(row),
            Err(e) => errors.push((index, e)),
        }
    }
    if errors.is_empty() {
        Ok(Plan { rows, to_insert })
    } else if rows_in.len() == 1 {
        Err(errors.remove(0).1)
    } else {
        Err(batch_error(rows_in.len(), errors))
    }
}

/// What will happen to each row, or why it is refused, and the rows to insert. Rows are judged
/// in order, so that a later row repeating an earlier one's key behaves like a retry of it.
#[expect(clippy::type_complexity, reason = "a plan's two parts, used once each")]
pub(super) fn plan(
    conn: &mut DbConnection,
    checks: &[Check<'_>],
) -> Result<(Vec<Result<Planned, AppError>>, Vec<NewReport>), AppError> {
    let drafts: Vec<&ReportDraft> = checks.iter().filter_map(|c| c.row.as_ref().ok()).collect();
    let corrected = corrected_reports(conn, &drafts)?;
    let bets = bets_of(conn, &drafts, &corrected)?;
    let keyed = stored_by_key(conn, &drafts, &corrected)?;

    let mut rows = Vec::with_capacity(checks.len());
    let mut to_insert: Vec<NewReport> = Vec::new();
    // Keys and corrections seen earlier in this batch, so duplicates inside it behave like
    // retries (same content) or conflicts (different content).
    let mut batch_keys: BTreeMap<(i64, String), usize> = BTreeMap::new();
    let mut batch_corrections: BTreeMap<i64, usize> = BTreeMap::new();

    for (index, c) in checks.iter().enumerate() {
        let draft = match c.row {
            Ok(draft) => draft,
            Err(e) => {
                rows.push(Err(AppError::from(e.clone())));
                continue;
            }
        };
        // A retry of a stored request replays it whatever happened since (the bet closed, the
        // report was corrected): the client must learn that its first attempt was stored.
        if let Some(stored) = replay_of(c.actor, draft, &corrected, &bets, &keyed) {
            rows.push(Ok(Planned::Replay(stored.clone())));
            continue;
        }
        let form = match check(c.actor, draft, &corrected, &bets, c.now) {
            Ok(form) => form,
            Err(e) => {
                rows.push(Err(e));
                continue;
            }
        };
        let key = form.idempotency_key.clone();
        if let Some(key) = &key {
            if let Some(stored) = keyed.get(&(form.bet_id, key.clone())) {
                rows.push(if form.request_digest == stored.request_digest {
                    Ok(Planned::Replay(stored.clone()))
                } else {
                    Err(key_conflict(key))
                });
                continue;
            }
            if let Some(&earlier) = batch_keys.get(&(form.bet_id, key.clone())) {
                rows.push(
                    if form.request_digest == to_insert[earlier].request_digest {
                        Ok(Planned::SameAs(earlier))
                    } else {
                        Err(key_conflict(key))
                    },
                );
                continue;
            }
        }
        if let Some(old) = form.supersedes
            && batch_corrections.insert(old, index).is_some()
        {
            rows.push(Err(already_corrected(old)));
            continue;
        }
        if let Some(key) = key {
            batch_keys.insert((form.bet_id, key), to_insert.len());
        }
        rows.push(Ok(Planned::Insert(to_insert.len())));
        to_insert.push(form);
    }
    Ok((rows, to_insert))
}

/// The reports that drafts correct, with whether each was already corrected.
fn corrected_reports(
    conn: &mut DbConnection,
    drafts: &[&ReportDraft],
) -> Result<Corrected, AppError> {
    let mut found = BTreeMap::new();
    for draft in drafts {
        if let Subject::Correction(id) = draft.subject {
            if found.contains_key(&id) {
                continue;
            }
            if let Some(report) = Report::find(conn, id)? {
                let superseded_by = Report::superseded_by(conn, id)?;
                found.insert(id, (report, superseded_by));
            }
        }
    }
    Ok(found)
}

fn bets_of(
    conn: &mut DbConnection,
    drafts: &[&ReportDraft],
    corrected: &Corrected,
) -> Result<BTreeMap<i64, BetGate>, AppError> {
    let mut ids: Vec<i64> = drafts
        .iter()
        .filter_map(|d| match d.subject {
            Subject::Bet(id) => Some(id),
            Subject::Correction(id) => corrected.get(&id).map(|(r, _)| r.bet_id),
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(BetGate::find_many(conn, &ids)?
        .into_iter()
        .map(|b| (b.id, b))
        .collect())
}

fn stored_by_key(
    conn: &mut DbConnection,
    drafts: &[&ReportDraft],
    corrected: &Corrected,
) -> Result<BTreeMap<(i64, String), Report>, AppError> {
    let mut keys: Vec<(i64, &str)> = drafts
        .iter()
        .filter_map(|d| {
            let key = d.idempotency_key.as_ref()?.as_str();
            let bet = match d.subject {
                Subject::Bet(id) => id,
                Subject::Correction(id) => corrected.get(&id)?.0.bet_id,
            };
            Some((bet, key))
        })
        .collect();
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    keys.sort_unstable();
    keys.dedup();
    Ok(Report::find_by_keys(conn, &keys)?
        .into_iter()
        .filter_map(|r| Some(((r.bet_id, r.idempotency_key.clone()?), r)))
        .collect())
}

fn key_conflict(key: &str) -> AppError {
    AppError::conflict(
        "idempotency_conflict",
        format!("idempotency key {key:?} was already used for a different report on this bet"),
    )
    .with_field("idempotency_key")
}

fn already_corrected(id: i64) -> AppError {
    AppError::conflict(
        "already_corrected",
        format!("report {id} is corrected twice in this batch; send one correction"),
    )
}

/// One error for a refused batch: the status all rows share (else 422), every row listed.
fn batch_error(total: usize, errors: Vec<(usize, AppError)>) -> AppError {
    let first = errors[0].1.kind();
    let kind = if errors.iter().all(|(_, e)| e.kind() == first) {
        first
    } else {
        ErrorKind::Invalid
    };
    let details: Vec<RowError> = errors
        .into_iter()
        .map(|(index, e)| {
            let detail = e.detail();
            RowError {
                index,
                code: detail.code.clone(),
                message: detail.message.clone(),
                field: Some(match &detail.field {
                    Some(f) => format!("reports[{index}].{f}"),
                    None => format!("reports[{index}]"),
                }),
            }
        })
        .collect();
    AppError::new(
        kind,
        "invalid_batch",
        format!(
            "{} of {total} reports were refused; nothing was stored",
            details.len()
        ),
    )
    .with_field("reports")
    .with_details(details)
}
