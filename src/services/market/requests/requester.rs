//! What the requesting team does with its request: accept a quote (the money is held), raise
//! what it will pay (its maximum before acceptance, its offer after), and withdraw it.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::accounts::lock_and_check;
use super::super::idempotency::Keyed;
use super::super::require_acts_for;
use super::{Locked, Movement, apply, closing, found, lock, move_money, require_status};
use crate::db::market::requests::{Request, Transition};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Currency, IdempotencyKey, Money, RequestStatus};
use crate::error::AppError;

fn lock_as_requester(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<Locked, AppError> {
    let locked = lock(conn, id)?;
    if !actor.acts_for(locked.request.team_id) {
        if actor.acts_for(locked.service.provider_team_id) {
            return Err(AppError::forbidden(
                "only the requesting team's members and partners do this",
            ));
        }
        require_acts_for(actor, locked.request.team_id, "request")?;
    }
    Ok(locked)
}

/// Accepts the standing quote: the quoted total moves from the team's account to its hold
/// account, if the team can pay it.
pub fn accept(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    key: Option<&IdempotencyKey>,
    currency: &Currency,
    now: DateTime<Utc>,
) -> Result<(Request, bool), AppError> {
    let keyed = Keyed {
        key,
        operation: format!("request.accept {id}"),
        content: json!(id),
    };
    let written = keyed.write(conn, actor, now, |conn| {
            let locked = lock_as_requester(conn, actor, id)?;
            let r = &locked.request;
            if r.status == RequestStatus::Quoted
                && super::status_at(r, now) == RequestStatus::Open
            {
                return Err(AppError::conflict(
                    "quote_expired",
                    format!(
                        "the quote for request {id} expired at {}: the request is open again; ask the provider for a new quote",
                        r.quote_expires_at
                            .map(|t| crate::domain::time::display(t.and_utc()))
                            .unwrap_or_default()
                    ),
                ));
            }
            require_status(&locked, now, &[RequestStatus::Quoted], "accepted")?;
            let total = r.quote_total.unwrap_or(0);
            if total > r.max_total {
                return Err(AppError::conflict(
                    "quote_above_maximum",
                    format!(
                        "the quote of {} is above the team's maximum of {}: raise the maximum first",
                        currency.format(total),
                        currency.format(r.max_total)
                    ),
                ));
            }
            lock_and_check(conn, r.team_id, total, currency)?;
            let change = Transition {
                status: Some(RequestStatus::Accepted),
                offer: Some(total),
                accepted_at: Some(now.naive_utc()),
                ..Transition::default()
            };
            apply(conn, actor, &locked, &change, "request.accept", now)?;
            move_money(conn, r, Movement::Hold, total, now)?;
            Ok(id)
        })?;
    Ok((found(conn, written.id())?, written.replayed()))
}

/// Raises what the team will pay: before acceptance its maximum, after acceptance its offer,
/// which moves it up the queue; the hold grows by the difference.
pub fn raise(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    amount: Money,
    key: Option<&IdempotencyKey>,
    currency: &Currency,
    now: DateTime<Utc>,
) -> Result<(Request, bool), AppError> {
    let amount = amount.minor_units();
    let keyed = Keyed {
        key,
        operation: format!("request.raise {id}"),
        content: json!(amount),
    };
    let written = keyed.write(conn, actor, now, |conn| {
        let locked = lock_as_requester(conn, actor, id)?;
        let status = require_status(
            &locked,
            now,
            &[
                RequestStatus::Open,
                RequestStatus::Quoted,
                RequestStatus::Accepted,
            ],
            "raised",
        )?;
        let r = &locked.request;
        let current = if status == RequestStatus::Accepted {
            r.offer.unwrap_or(0)
        } else {
            r.max_total
        };
        if amount <= current {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "must be above the current {} of {}",
                    if status == RequestStatus::Accepted {
                        "offer"
                    } else {
                        "maximum"
                    },
                    currency.format(current)
                ),
            ));
        }
        let change = if status == RequestStatus::Accepted {
            lock_and_check(conn, r.team_id, amount - current, currency)?;
            Transition {
                offer: Some(amount),
                max_total: Some(amount.max(r.max_total)),
                ..Transition::default()
            }
        } else {
            Transition {
                max_total: Some(amount),
                ..Transition::default()
            }
        };
        apply(conn, actor, &locked, &change, "request.raise", now)?;
        if status == RequestStatus::Accepted {
            move_money(conn, r, Movement::Hold, amount - current, now)?;
        }
        Ok(id)
    })?;
    Ok((found(conn, written.id())?, written.replayed()))
}

/// Withdraws a request that is not accepted yet (an accepted one is cancelled instead).
pub fn withdraw(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Request, AppError> {
    write_transaction(conn, |conn| {
        let locked = lock_as_requester(conn, actor, id)?;
        require_status(
            &locked,
            now,
            &[RequestStatus::Open, RequestStatus::Quoted],
            "withdrawn",
        )?;
        let change = closing(RequestStatus::Withdrawn, actor, None, now);
        apply(conn, actor, &locked, &change, "request.withdraw", now)?;
        found(conn, id)
    })
}
