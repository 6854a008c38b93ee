//! What the provider's members do with a request: quote a total for it, decline it, and
//! deliver it (which pays them from the requester's hold).

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::super::idempotency::Keyed;
use super::super::queue::queue_of;
use super::super::{DEFAULT_QUOTE_DAYS, require_acts_for};
use super::{Locked, Movement, apply, closing, found, lock, move_money, require_status};
use crate::db::market::requests::{Request, Transition};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, IdempotencyKey, Money, Reason, RequestStatus};
use crate::error::AppError;

/// A provider's quote: the total for the whole quantity, and until when it stands.
#[derive(Debug, Clone)]
pub struct Quote {
    pub total: Money,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The longest a quote may stand.
const MAX_QUOTE_DAYS: i64 = 365;

fn lock_as_provider(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<Locked, AppError> {
    let locked = lock(conn, id)?;
    if !actor.acts_for(locked.service.provider_team_id) {
        // The requester's own people are told it is the provider's to do.
        if actor.acts_for(locked.request.team_id) {
            return Err(AppError::forbidden(
                "only the provider's members and partners do this",
            ));
        }
        require_acts_for(actor, locked.service.provider_team_id, "request")?;
    }
    Ok(locked)
}

pub fn quote(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    quote: &Quote,
    now: DateTime<Utc>,
) -> Result<Request, AppError> {
    let expires = quote
        .expires_at
        .unwrap_or(now + TimeDelta::days(DEFAULT_QUOTE_DAYS));
    if expires <= now || expires > now + TimeDelta::days(MAX_QUOTE_DAYS) {
        return Err(AppError::invalid(
            "expires_at",
            "must be in the future, and at most 365 days ahead",
        ));
    }
    write_transaction(conn, |conn| {
        let locked = lock_as_provider(conn, actor, id)?;
        require_status(
            &locked,
            now,
            &[RequestStatus::Open, RequestStatus::Quoted],
            "quoted",
        )?;
        let change = Transition {
            status: Some(RequestStatus::Quoted),
            quote_total: Some(quote.total.minor_units()),
            quote_expires_at: Some(crate::domain::time::to_micros(expires).naive_utc()),
            quoted_at: Some(now.naive_utc()),
            ..Transition::default()
        };
        apply(conn, actor, &locked, &change, "request.quote", now)?;
        found(conn, id)
    })
}

pub fn decline(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    reason: Option<&Reason>,
    now: DateTime<Utc>,
) -> Result<Request, AppError> {
    write_transaction(conn, |conn| {
        let locked = lock_as_provider(conn, actor, id)?;
        require_status(
            &locked,
            now,
            &[RequestStatus::Open, RequestStatus::Quoted],
            "declined",
        )?;
        let change = closing(RequestStatus::Declined, actor, reason, now);
        apply(conn, actor, &locked, &change, "request.decline", now)?;
        found(conn, id)
    })
}

/// The provider says the work is done: the held offer goes to the provider. Only a request the
/// queue has scheduled within this period's capacity can be delivered.
pub fn deliver(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<(Request, bool), AppError> {
    let keyed = Keyed {
        key,
        operation: format!("request.deliver {id}"),
        content: json!(id),
    };
    let written = keyed.write(conn, actor, now, |conn| {
            let locked = lock_as_provider(conn, actor, id)?;
            require_status(&locked, now, &[RequestStatus::Accepted], "delivered")?;
            let queue = queue_of(conn, locked.service.id, now)?;
            if !queue.is_scheduled(id) {
                return Err(AppError::conflict(
                    "not_scheduled",
                    format!(
                        "request {id} waits: {} units of the capacity of {} for {} are delivered or scheduled before it; deliver what is scheduled, or wait for the next period",
                        queue.delivered + queue.scheduled_units(),
                        queue.capacity.unwrap_or(0),
                        queue.period.label()
                    ),
                ));
            }
            let change = closing(RequestStatus::Delivered, actor, None, now);
            apply(conn, actor, &locked, &change, "request.deliver", now)?;
            let paid = locked.request.offer.unwrap_or(0);
            move_money(
                conn,
                &locked.request,
                Movement::PayTo(locked.service.provider_team_id),
                paid,
                now,
            )?;
            Ok(id)
        })?;
    Ok((found(conn, written.id())?, written.replayed()))
}
