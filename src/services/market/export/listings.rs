//! The catalogue, subscriptions and requests as rows, listed as `GET /services`,
//! `GET /subscriptions` and `GET /requests` list them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Names, decimal, party};
use crate::db::DbConnection;
use crate::db::market::plans::RequestType;
use crate::db::market::requests::{Request, RequestFilter};
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::domain::{Actor, BillingPeriod, Currency, RequestStatus};
use crate::error::AppError;
use crate::services::market::catalogue::{listings, plan_at};
use crate::services::market::period_length;
use crate::services::market::requests::status_at;
use crate::services::market::subscriptions::SubscriptionState;

/// One service of the catalogue with its plan in force and this period's capacity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRow {
    pub service_id: i64,
    pub service: String,
    pub provider_team_id: i64,
    pub provider_team: String,
    /// The current billing period, `2026-11`.
    pub period: String,
    /// The first period of the plan in force; null (and no price) before the provider sets one.
    pub plan_from: Option<String>,
    pub price_minor: Option<i64>,
    pub price: Option<String>,
    pub currency: String,
    /// "seat": the price is per unit of it; null for a flat price per period.
    pub quantity_unit: Option<String>,
    /// Request units served per period; null for no limit.
    pub capacity: Option<i64>,
    /// Subscriptions billed this period or starting later.
    pub subscribers: usize,
    /// Units delivered or scheduled this period: the capacity used.
    pub used_units: i64,
    pub delivered_units: i64,
    pub scheduled_units: i64,
    pub waiting_units: i64,
    /// Accepted requests not yet delivered.
    pub queue_length: usize,
    /// A plan set for a later period: its first period and price.
    pub next_plan_from: Option<String>,
    pub next_price_minor: Option<i64>,
}

/// The catalogue, as `GET /services` lists it (everyone signed in reads all of it).
pub fn service_rows(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    currency: &Currency,
) -> Result<Vec<ServiceRow>, AppError> {
    let names = Names::load(conn)?;
    let length = period_length(conn)?;
    let label = |at: chrono::NaiveDateTime| BillingPeriod::containing(at.and_utc(), length).label();
    Ok(listings(conn, None, now)?
        .into_iter()
        .map(|l| {
            let plan = plan_at(&l.plans, now).map(|p| &p.plan);
            let next = l
                .plans
                .iter()
                .map(|p| &p.plan)
                .find(|p| p.effective_from.and_utc() > now);
            let q = &l.queue;
            ServiceRow {
                service_id: l.service.id,
                service: l.service.name.clone(),
                provider_team_id: l.service.provider_team_id,
                provider_team: names.team(l.service.provider_team_id),
                period: q.period.label(),
                plan_from: plan.map(|p| label(p.effective_from)),
                price_minor: plan.map(|p| p.price),
                price: plan.map(|p| decimal(currency, p.price)),
                currency: currency.code().to_owned(),
                quantity_unit: plan.and_then(|p| p.quantity_unit.clone()),
                capacity: q.capacity,
                subscribers: l.subscribers,
                used_units: q.delivered + q.scheduled_units(),
                delivered_units: q.delivered,
                scheduled_units: q.scheduled_units(),
                waiting_units: q.waiting_units(),
                queue_length: q.entries.len(),
                next_plan_from: next.map(|p| label(p.effective_from)),
                next_price_minor: next.map(|p| p.price),
            }
        })
        .collect())
}

/// One subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionRow {
    pub subscription_id: i64,
    pub service_id: i64,
    pub service: String,
    pub provider_team_id: i64,
    pub provider_team: String,
    /// The subscriber.
    pub team_id: i64,
    pub team: String,
    pub bet_id: Option<i64>,
    pub quantity: i64,
    /// Where it stands now.
    pub state: SubscriptionState,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// The subscriptions `GET /subscriptions` lists with the same filters, oldest first.
pub fn subscription_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    (service_id, team_id): (Option<i64>, Option<i64>),
    now: DateTime<Utc>,
) -> Result<Vec<SubscriptionRow>, AppError> {
    let names = Names::load(conn)?;
    let filter = SubscriptionFilter {
        service_id,
        team_id,
        party: party(actor),
    };
    Ok(Subscription::list(conn, &filter)?
        .iter()
        .map(|s| SubscriptionRow {
            subscription_id: s.id,
            service_id: s.service_id,
            service: names.service(s.service_id),
            provider_team_id: names.provider(s.service_id),
            provider_team: names.team(names.provider(s.service_id)),
            team_id: s.team_id,
            team: names.team(s.team_id),
            bet_id: s.bet_id,
            quantity: s.quantity,
            state: SubscriptionState::of(s, now),
            starts_at: s.starts_at.and_utc(),
            ends_at: s.ends_at.map(|e| e.and_utc()),
            created_at: s.created_at.and_utc(),
            cancelled_at: s.cancelled_at.map(|c| c.and_utc()),
        })
        .collect())
}

/// One request, with its status as of now.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestRow {
    pub request_id: i64,
    pub service_id: i64,
    pub service: String,
    pub provider_team_id: i64,
    pub provider_team: String,
    /// The requesting team, which pays.
    pub team_id: i64,
    pub team: String,
    pub request_type: String,
    pub unit: String,
    pub quantity: i64,
    pub purpose: String,
    pub bet_id: Option<i64>,
    /// As of now: a quote that expired puts the request back to `open`.
    pub status: RequestStatus,
    pub max_total_minor: i64,
    /// The latest quote's total; kept when it expired.
    pub quote_total_minor: Option<i64>,
    pub quote_expires_at: Option<DateTime<Utc>>,
    pub quote_expired: bool,
    /// What delivery pays, once accepted.
    pub offer_minor: Option<i64>,
    pub offer: Option<String>,
    /// What is on hold for it now.
    pub held_minor: i64,
    pub currency: String,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The requests `GET /requests` lists with the same filters (`status` as of now), oldest first.
pub fn request_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    (service_id, team_id, status): (Option<i64>, Option<i64>, Option<RequestStatus>),
    (now, currency): (DateTime<Utc>, &Currency),
) -> Result<Vec<RequestRow>, AppError> {
    let names = Names::load(conn)?;
    let filter = RequestFilter {
        service_id,
        team_id,
        party: party(actor),
        status: None,
    };
    let all = Request::list(conn, &filter)?;
    let mut ids: Vec<i64> = all.iter().map(|r| r.request_type_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let types = RequestType::by_ids(conn, &ids)?;
    Ok(all
        .iter()
        .filter_map(|r| {
            let now_status = status_at(r, now);
            if status.is_some_and(|s| s != now_status) {
                return None;
            }
            let kind = types.get(&r.request_type_id);
            Some(RequestRow {
                request_id: r.id,
                service_id: r.service_id,
                service: names.service(r.service_id),
                provider_team_id: names.provider(r.service_id),
                provider_team: names.team(names.provider(r.service_id)),
                team_id: r.team_id,
                team: names.team(r.team_id),
                request_type: kind.map(|t| t.name.clone()).unwrap_or_default(),
                unit: kind.map(|t| t.unit.clone()).unwrap_or_default(),
                quantity: r.quantity,
                purpose: r.purpose.clone(),
                bet_id: r.bet_id,
                status: now_status,
                max_total_minor: r.max_total,
                quote_total_minor: r.quote_total,
                quote_expires_at: r.quote_expires_at.map(|e| e.and_utc()),
                quote_expired: r.status == RequestStatus::Quoted
                    && now_status == RequestStatus::Open,
                offer_minor: r.offer,
                offer: r.offer.map(|o| decimal(currency, o)),
                held_minor: if now_status == RequestStatus::Accepted {
                    r.offer.unwrap_or(0)
                } else {
                    0
                },
                currency: currency.code().to_owned(),
                accepted_at: r.accepted_at.map(|a| a.and_utc()),
                closed_at: r.closed_at.map(|c| c.and_utc()),
                close_reason: r.close_reason.clone(),
                created_at: r.created_at.and_utc(),
            })
        })
        .collect())
}
