//! Subscriptions: a team's standing order for a service's plan, optionally for one of its bets.
//! It starts at the next period and a cancellation ends it at the end of the current one (at
//! once if it has not started), so every period is billed whole or not at all.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::catalogue::{self, plan_at};
use super::idempotency::Keyed;
use super::{check_bet, current_period, require_acts_for};
use crate::db::market::plans::Plan;
use crate::db::market::subscriptions::{NewSubscription, Subscription, SubscriptionFilter};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, IdempotencyKey};
use crate::error::AppError;
use crate::services::audit;

/// The most units (seats) one subscription takes.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// Where a subscription stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionState {
    /// Starts at a later period.
    Scheduled,
    Active,
    /// Cancelled: billed until `ends_at`.
    Ending,
    Ended,
}

impl SubscriptionState {
    pub fn of(s: &Subscription, now: DateTime<Utc>) -> Self {
        let n = now.naive_utc();
        match s.ends_at {
            Some(end) if end <= n => Self::Ended,
            _ if s.starts_at > n => Self::Scheduled,
            Some(_) => Self::Ending,
            None => Self::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Active => "active",
            Self::Ending => "ending",
            Self::Ended => "ended",
        }
    }
}

/// A subscription as a team asks for it, parsed.
#[derive(Debug, Clone)]
pub struct SubscriptionDraft {
    pub service_id: i64,
    pub team_id: i64,
    pub bet_id: Option<i64>,
    pub quantity: i64,
}

pub fn subscribe(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: &SubscriptionDraft,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<(Subscription, bool), AppError> {
    if !(1..=MAX_QUANTITY).contains(&draft.quantity) {
        return Err(AppError::invalid(
            "quantity",
            "must be between 1 and 1,000,000",
        ));
    }
    require_acts_for(actor, draft.team_id, "team")?;
    let keyed = Keyed {
        key,
        operation: "subscription.create".into(),
        content: json!([
            draft.service_id,
            draft.team_id,
            draft.bet_id,
            draft.quantity
        ]),
    };
    let written = keyed.write(conn, actor, now, |conn| create(conn, actor, draft, now))?;
    let subscription = Subscription::find(conn, written.id())?
        .ok_or_else(|| AppError::not_found("subscription"))?;
    Ok((subscription, written.replayed()))
}

fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: &SubscriptionDraft,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let service = catalogue::find(conn, draft.service_id)
        .map_err(|_| AppError::invalid("service_id", "no service has this id"))?;
    if service.provider_team_id == draft.team_id {
        return Err(AppError::invalid(
            "service_id",
            "a team does not subscribe to its own service",
        ));
    }
    check_bet(conn, draft.bet_id, draft.team_id)?;
    let starts = current_period(conn, now)?.next();
    let plans = Plan::of_services(conn, &[service.id])?;
    if plan_at(&plans, starts.start()).is_none() {
        return Err(AppError::conflict(
            "no_plan",
            format!(
                "{} has no plan for {} yet: its provider sets the price first",
                service.name,
                starts.label()
            ),
        ));
    }
    let live = Subscription::list(
        conn,
        &SubscriptionFilter {
            service_id: Some(service.id),
            team_id: Some(draft.team_id),
            party: None,
        },
    )?;
    if live
        .iter()
        .any(|s| s.ends_at.is_none() && s.bet_id == draft.bet_id)
    {
        return Err(AppError::conflict(
            "already_subscribed",
            format!(
                "the team already subscribes to {}{}; cancel that subscription or change its bet",
                service.name,
                draft
                    .bet_id
                    .map_or(String::new(), |b| format!(" for bet {b}"))
            ),
        ));
    }
    let subscription = Subscription::create(
        conn,
        &NewSubscription {
            service_id: service.id,
            team_id: draft.team_id,
            bet_id: draft.bet_id,
            quantity: draft.quantity,
            starts_at: starts.start().naive_utc(),
            created_by: actor.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    audit::record(
        conn,
        Some(actor),
        "subscription.create",
        ("subscription", Some(subscription.id)),
        json!({
            "service_id": service.id, "team_id": draft.team_id, "bet_id": draft.bet_id,
            "quantity": draft.quantity, "starts": starts.label(),
        }),
        now,
    )?;
    Ok(subscription.id)
}

/// Ends a subscription at the end of the current period (at once if it has not started).
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Subscription, AppError> {
    write_transaction(conn, |conn| {
        let subscription =
            Subscription::find(conn, id)?.ok_or_else(|| AppError::not_found("subscription"))?;
        require_acts_for(actor, subscription.team_id, "subscription")?;
        if subscription.ends_at.is_some() {
            return Err(AppError::conflict(
                "already_cancelled",
                format!("subscription {id} is already cancelled"),
            ));
        }
        // Not started: it ends before its first period, so it is never billed.
        let ends_at = if subscription.starts_at > now.naive_utc() {
            subscription.starts_at
        } else {
            current_period(conn, now)?.end().naive_utc()
        };
        if !Subscription::cancel(conn, id, ends_at, actor.user_id, now.naive_utc())? {
            return Err(AppError::conflict(
                "already_cancelled",
                format!("subscription {id} was cancelled meanwhile"),
            ));
        }
        audit::record(
            conn,
            Some(actor),
            "subscription.cancel",
            ("subscription", Some(id)),
            json!({"ends_at": ends_at.and_utc().to_rfc3339()}),
            now,
        )?;
        Subscription::find(conn, id)?.ok_or_else(|| AppError::not_found("subscription"))
    })
}
