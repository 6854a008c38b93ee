//! Storing reports: one, a batch of up to 10,000, or corrections, all through one path.
//!
//! A batch is atomic: every row is checked first, and one bad row refuses the whole batch with
//! every bad row listed. A report that repeats a stored idempotency key of its bet with the same
//! content is a replay: nothing is written and the stored report is returned; the same key with
//! different content is a conflict.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::audit::{AuditEntry, NewAuditEntry};
use crate::db::bets::BetGate;
use crate::db::reports::{NewReport, Report};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, DomainError, IdempotencyKey, ObservedAt, SourceNote};
use crate::error::{AppError, ErrorKind, RowError};

/// The most reports one request may carry.
pub const MAX_BATCH: usize = 10_000;

/// What a report is about: a bet, or an earlier report it corrects (the bet is that report's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Bet(i64),
    Correction(i64),
}

/// A report as the client sent it, its values already parsed.
#[derive(Debug, Clone)]
pub struct ReportDraft {
    pub subject: Subject,
    pub value: f64,
    /// None: now for a new report, the corrected report's instant for a correction.
    pub observed_at: Option<ObservedAt>,
    pub source: Option<SourceNote>,
    pub idempotency_key: Option<IdempotencyKey>,
}

impl ReportDraft {
    /// What identifies the request as the client sent it: a retry must send the same.
    fn digest(&self) -> String {
        let subject = match self.subject {
            Subject::Bet(id) => format!("bet:{id}"),
            Subject::Correction(id) => format!("correction:{id}"),
        };
        let at = self
            .observed_at
            .map(|t| t.get().to_rfc3339())
            .unwrap_or_default();
        let source = self
            .source
            .as_ref()
            .map(SourceNote::as_str)
            .unwrap_or_default();
        // Lengths keep the fields apart whatever characters they hold.
        let canonical = format!(
            "{subject}|{:016x}|{}:{at}|{}:{source}",
            self.value.to_bits(),
            at.len(),
            source.len()
        );
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }
}

/// A report as stored, and whether this call only replayed an earlier identical request.
#[derive(Debug, Clone)]
pub struct Stored {
    pub report: Report,
    pub replayed: bool,
}

/// A row of a request: a parsed draft, or why its values did not parse.
pub type Row = Result<ReportDraft, DomainError>;

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

/// What will happen to each row.
enum Planned {
    /// Inserted as `to_insert[i]`.
    Insert(usize),
    /// An earlier request already stored it.
    Replay(Report),
    /// An earlier row of this batch with the same key and content stores it (`to_insert[i]`).
    SameAs(usize),
}

impl Planned {
    fn stored(&self, inserted: &[Report]) -> Stored {
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

struct Plan {
    rows: Vec<Planned>,
    to_insert: Vec<NewReport>,
}

/// One row to check: who sends it and when it arrived.
struct Check<'a> {
    actor: &'a Actor,
    row: &'a Row,
    now: DateTime<Utc>,
}

/// A batch's plan: every row fine, or one error listing every bad row.
fn plan_all_or_nothing(
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
fn plan(
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
) -> Result<BTreeMap<i64, (Report, Option<i64>)>, AppError> {
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
    corrected: &BTreeMap<i64, (Report, Option<i64>)>,
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
    corrected: &BTreeMap<i64, (Report, Option<i64>)>,
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

/// The stored report a draft repeats (same bet, key and content), if the actor may write it.
fn replay_of<'a>(
    actor: &Actor,
    draft: &ReportDraft,
    corrected: &BTreeMap<i64, (Report, Option<i64>)>,
    bets: &BTreeMap<i64, BetGate>,
    keyed: &'a BTreeMap<(i64, String), Report>,
) -> Option<&'a Report> {
    let key = draft.idempotency_key.as_ref()?;
    let bet_id = match draft.subject {
        Subject::Bet(id) => id,
        Subject::Correction(id) => corrected.get(&id)?.0.bet_id,
    };
    if !actor.can_write_team(bets.get(&bet_id)?.team_id) {
        return None;
    }
    let stored = keyed.get(&(bet_id, key.as_str().to_owned()))?;
    (stored.request_digest.as_deref() == Some(draft.digest().as_str())).then_some(stored)
}

/// One row's checks: the bet exists and is visible, the actor may write to it, it is open, and
/// a corrected report exists and was not corrected before.
fn check(
    actor: &Actor,
    draft: &ReportDraft,
    corrected: &BTreeMap<i64, (Report, Option<i64>)>,
    bets: &BTreeMap<i64, BetGate>,
    now: DateTime<Utc>,
) -> Result<NewReport, AppError> {
    let (bet_id, default_at, correcting) = match draft.subject {
        Subject::Bet(id) => (id, now, None),
        Subject::Correction(id) => {
            let (old, superseded_by) = corrected
                .get(&id)
                .ok_or_else(|| AppError::not_found(&format!("report {id}")))?;
            (
                old.bet_id,
                old.observed_at.and_utc(),
                Some((id, *superseded_by)),
            )
        }
    };
    let bet = bets
        .get(&bet_id)
        .filter(|b| actor.can_read_team(b.team_id))
        .ok_or_else(|| match draft.subject {
            // Another team's report does not exist for someone who cannot see that team.
            Subject::Correction(id) => AppError::not_found(&format!("report {id}")),
            Subject::Bet(_) => AppError::not_found(&format!("bet {bet_id}")).with_field("bet_id"),
        })?;
    if !actor.can_write_team(bet.team_id) {
        return Err(AppError::forbidden(format!(
            "bet {bet_id} belongs to another team; you may report only on your own team's bets"
        )));
    }
    let status = bet.status;
    if status.is_closed() {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "bet_closed",
            format!("bet {bet_id} is {status}; it takes no more reports"),
        ));
    }
    if let Some((id, Some(newer))) = correcting {
        return Err(AppError::conflict(
            "already_corrected",
            format!(
                "report {id} was already corrected by report {newer}; correct that one instead"
            ),
        ));
    }
    Ok(NewReport {
        bet_id,
        value: draft.value,
        observed_at: draft
            .observed_at
            .map_or(default_at, ObservedAt::get)
            .naive_utc()
            .into(),
        reported_by: actor.user_id,
        received_at: now.naive_utc().into(),
        source: draft.source.clone().map(SourceNote::into_inner),
        idempotency_key: draft
            .idempotency_key
            .as_ref()
            .map(|k| k.as_str().to_owned()),
        request_digest: draft.idempotency_key.as_ref().map(|_| draft.digest()),
        supersedes: correcting.map(|(id, _)| id),
    })
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
fn audit_entry(
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
