//! Requests for extra work: a team files one to a service, the provider quotes a total, the
//! requester accepts it (the money moves to the requester's hold account), and delivery pays the
//! provider from the hold. Declined, withdrawn and cancelled requests release what was held.
//!
//! Every transition locks the request first and then, if money leaves the requester's account,
//! that account ([`super::accounts::lock_and_check`]); nothing locks in the other order.

mod file;
mod provider;
mod requester;

pub use file::{RequestDraft, file};
pub use provider::{Quote, decline, deliver, quote};
pub use requester::{accept, raise, withdraw};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::accounts::accounts_of;
use super::catalogue;
use crate::db::DbConnection;
use crate::db::ledger::{Entry, NewEntry};
use crate::db::market::requests::{Request, Transition};
use crate::db::market::services::Service;
use crate::domain::{Actor, EntryKind, Reason, RequestStatus};
use crate::error::AppError;
use crate::services::audit;

/// The status a request is in at `now`: a quote that has expired puts it back to `open`.
pub fn status_at(request: &Request, now: DateTime<Utc>) -> RequestStatus {
    match (request.status, request.quote_expires_at) {
        (RequestStatus::Quoted, Some(expires)) if expires.and_utc() <= now => RequestStatus::Open,
        (status, _) => status,
    }
}

/// A request with its service, locked for a transition.
pub(crate) struct Locked {
    pub request: Request,
    pub service: Service,
}

pub(crate) fn lock(conn: &mut DbConnection, id: i64) -> Result<Locked, AppError> {
    let request = Request::lock(conn, id)?.ok_or_else(|| AppError::not_found("request"))?;
    let service = catalogue::find(conn, request.service_id)?;
    Ok(Locked { request, service })
}

/// Refuses a transition from a status it does not start from, saying what the request is.
pub(crate) fn require_status(
    locked: &Locked,
    now: DateTime<Utc>,
    allowed: &[RequestStatus],
    action: &str,
) -> Result<RequestStatus, AppError> {
    let status = status_at(&locked.request, now);
    if allowed.contains(&status) {
        return Ok(status);
    }
    let expired = locked.request.status == RequestStatus::Quoted && status == RequestStatus::Open;
    let words: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    Err(AppError::conflict(
        "invalid_transition",
        format!(
            "request {} is {}{}: only a request that is {} can be {action}",
            locked.request.id,
            status.as_str(),
            if expired {
                " again (its quote expired)"
            } else {
                ""
            },
            words.join(" or ")
        ),
    ))
}

/// Applies the transition and audits it; a lost race (the status changed) is a conflict.
pub(crate) fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    locked: &Locked,
    change: &Transition,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !Request::transition(conn, locked.request.id, locked.request.status, change)? {
        return Err(AppError::conflict(
            "invalid_transition",
            format!(
                "request {} changed meanwhile; read it again",
                locked.request.id
            ),
        ));
    }
    let mut detail = json!({"status": change.status.map(RequestStatus::as_str)});
    for (field, value) in [
        ("quote_total", change.quote_total),
        ("offer", change.offer),
        ("max_total", change.max_total),
    ] {
        if let Some(v) = value {
            detail[field] = json!(v);
        }
    }
    if let Some(reason) = &change.close_reason {
        detail["reason"] = json!(reason);
    }
    audit::record(
        conn,
        Some(actor),
        action,
        ("request", Some(locked.request.id)),
        detail,
        now,
    )?;
    Ok(())
}

/// Where a request's money moves.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Movement {
    /// From the requester's account to its hold account (acceptance, raise).
    Hold,
    /// Back from the hold account (cancellation).
    Release,
    /// From the hold account to this provider team's account (delivery).
    PayTo(i64),
}

/// Moves request money through the ledger, one entry naming the request (none for 0).
pub(crate) fn move_money(
    conn: &mut DbConnection,
    request: &Request,
    movement: Movement,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if amount == 0 {
        return Ok(());
    }
    let (own, hold) = accounts_of(conn, request.team_id)?;
    let (kind, from, to, memo) = match movement {
        Movement::Hold => (EntryKind::Hold, own.id, hold.id, "held for"),
        Movement::Release => (EntryKind::Release, hold.id, own.id, "released from"),
        Movement::PayTo(team) => {
            let provider = accounts_of(conn, team)?.0.id;
            (EntryKind::Payment, hold.id, provider, "paid for")
        }
    };
    let mut entry = NewEntry::market(kind, from, to, amount, request.service_id)
        .memo(format!("{memo} request {}", request.id))
        .at(now.naive_utc())
        .bet(request.bet_id);
    entry.request_id = Some(request.id);
    Entry::insert_many(conn, &[entry])?;
    Ok(())
}

/// Cancels a request that is not delivered: its requester or provider, or the committee with a
/// written reason. What was held goes back to the requester.
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    reason: Option<&Reason>,
    now: DateTime<Utc>,
) -> Result<Request, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let locked = lock(conn, id)?;
        let parties = [locked.request.team_id, locked.service.provider_team_id];
        if actor.is_committee() {
            if reason.is_none() {
                return Err(AppError::invalid(
                    "reason",
                    "the committee cancels a team's request only with a written reason",
                ));
            }
        } else if !parties.iter().any(|t| actor.acts_for(*t)) {
            super::require_acts_for(actor, locked.request.team_id, "request")?;
        }
        let status = require_status(
            &locked,
            now,
            &[
                RequestStatus::Open,
                RequestStatus::Quoted,
                RequestStatus::Accepted,
            ],
            "cancelled",
        )?;
        apply(
            conn,
            actor,
            &locked,
            &closing(RequestStatus::Cancelled, actor, reason, now),
            "request.cancel",
            now,
        )?;
        if status == RequestStatus::Accepted {
            let held = locked.request.offer.unwrap_or(0);
            move_money(conn, &locked.request, Movement::Release, held, now)?;
        }
        found(conn, id)
    })
}

/// The transition that closes a request.
pub(crate) fn closing(
    status: RequestStatus,
    actor: &Actor,
    reason: Option<&Reason>,
    now: DateTime<Utc>,
) -> Transition {
    Transition {
        status: Some(status),
        closed_at: Some(now.naive_utc()),
        closed_by: Some(actor.user_id),
        close_reason: reason.map(|r| r.as_str().to_owned()),
        ..Transition::default()
    }
}

pub(crate) fn found(conn: &mut DbConnection, id: i64) -> Result<Request, AppError> {
    Request::find(conn, id)?.ok_or_else(|| AppError::not_found("request"))
}
