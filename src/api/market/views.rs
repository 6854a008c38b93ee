//! What the market's routes answer: services with their plans, subscriptions, requests,
//! queues and billing runs, with the names of the teams and services they refer to.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::utc;
use crate::db::DbConnection;
use crate::db::market::billing::BillingRun;
use crate::db::market::plans::{PlanWithTypes, RequestType};
use crate::db::market::requests::Request;
use crate::db::market::services::Service;
use crate::db::market::subscriptions::Subscription;
use crate::db::teams::Team;
use crate::domain::{Actor, BillingPeriod, BillingRunStatus, PeriodLength, RequestStatus};
use crate::error::AppError;
use crate::services::market::billing::Billing;
use crate::services::market::queue::Queue;
use crate::services::market::requests::status_at;

/// The names market views show, read once per answer.
pub struct Lookup {
    pub services: BTreeMap<i64, Service>,
    pub teams: BTreeMap<i64, String>,
    pub length: PeriodLength,
}

impl Lookup {
    pub fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        Ok(Self {
            services: Service::list(conn, None)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
            teams: Team::list(conn, None)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            length: crate::services::market::period_length(conn)?,
        })
    }

    fn team(&self, id: i64) -> String {
        self.teams.get(&id).cloned().unwrap_or_default()
    }

    fn service(&self, id: i64) -> String {
        self.services
            .get(&id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestTypeView {
    pub id: i64,
    pub name: String,
    /// What one unit of it is ("day", "review").
    pub unit: String,
    /// The list price of one unit, in minor units; a quote names the actual total.
    pub unit_price: i64,
}

impl From<&RequestType> for RequestTypeView {
    fn from(t: &RequestType) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            unit: t.unit.clone(),
            unit_price: t.unit_price,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: i64,
    /// The first period it is in force for, `2026-11`.
    pub effective_from: String,
    pub effective_from_at: DateTime<Utc>,
    /// The subscription price per period, in minor units (per unit of `quantity_unit` if set).
    pub price: i64,
    /// "seat": the price is per unit of it, times each subscription's quantity.
    pub quantity_unit: Option<String>,
    /// Request units served per period; null for no limit.
    pub capacity: Option<i64>,
    pub request_types: Vec<RequestTypeView>,
}

pub fn plan_view(p: &PlanWithTypes, length: PeriodLength) -> PlanView {
    let from = p.plan.effective_from.and_utc();
    PlanView {
        id: p.plan.id,
        effective_from: BillingPeriod::containing(from, length).label(),
        effective_from_at: from,
        price: p.plan.price,
        quantity_unit: p.plan.quantity_unit.clone(),
        capacity: p.plan.capacity,
        request_types: p.request_types.iter().map(RequestTypeView::from).collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub provider_team_id: i64,
    pub provider_team: String,
    pub created_at: DateTime<Utc>,
    /// The plan in force now; null before the provider sets one.
    pub plan: Option<PlanView>,
    /// A plan set for a later period, if any.
    pub next_plan: Option<PlanView>,
    /// Subscriptions billed this period or starting later.
    pub subscribers: usize,
    /// The current billing period, `2026-11`.
    pub period: String,
    pub capacity: Option<i64>,
    pub delivered_units: i64,
    pub scheduled_units: i64,
    pub waiting_units: i64,
    /// Accepted requests not yet delivered.
    pub queue_length: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub service: ServiceView,
    /// Every plan the service has had or will have, oldest first.
    pub plans: Vec<PlanView>,
}

pub fn service_view(
    service: &Service,
    plans: &[PlanWithTypes],
    subscribers: usize,
    queue: &Queue,
    lookup: &Lookup,
    now: DateTime<Utc>,
) -> ServiceView {
    let current = plans
        .iter()
        .rposition(|p| p.plan.effective_from.and_utc() <= now);
    let next = plans.iter().find(|p| p.plan.effective_from.and_utc() > now);
    ServiceView {
        id: service.id,
        name: service.name.clone(),
        description: service.description.clone(),
        provider_team_id: service.provider_team_id,
        provider_team: lookup.team(service.provider_team_id),
        created_at: utc(service.created_at),
        plan: current.map(|i| plan_view(&plans[i], lookup.length)),
        next_plan: next.map(|p| plan_view(p, lookup.length)),
        subscribers,
        period: queue.period.label(),
        capacity: queue.capacity,
        delivered_units: queue.delivered,
        scheduled_units: queue.scheduled_units(),
        waiting_units: queue.waiting_units(),
        queue_length: queue.entries.len(),
    }
}

/// Where a subscription stands now.
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

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    pub id: i64,
    pub service_id: i64,
    pub service: String,
    /// The subscriber.
    pub team_id: i64,
    pub team: String,
    pub bet_id: Option<i64>,
    pub quantity: i64,
    pub state: SubscriptionState,
    /// The start of the first period billed.
    pub starts_at: DateTime<Utc>,
    /// The end of the last period billed (exclusive); null until cancelled.
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

pub fn subscription_view(
    s: &Subscription,
    lookup: &Lookup,
    now: DateTime<Utc>,
) -> SubscriptionView {
    let n = now.naive_utc();
    let state = match s.ends_at {
        Some(end) if end <= n => SubscriptionState::Ended,
        _ if s.starts_at > n => SubscriptionState::Scheduled,
        Some(_) => SubscriptionState::Ending,
        None => SubscriptionState::Active,
    };
    SubscriptionView {
        id: s.id,
        service_id: s.service_id,
        service: lookup.service(s.service_id),
        team_id: s.team_id,
        team: lookup.team(s.team_id),
        bet_id: s.bet_id,
        quantity: s.quantity,
        state,
        starts_at: utc(s.starts_at),
        ends_at: s.ends_at.map(utc),
        created_at: utc(s.created_at),
        cancelled_at: s.cancelled_at.map(utc),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub service_id: i64,
    pub service: String,
    /// The requesting team, which pays.
    pub team_id: i64,
    pub team: String,
    pub provider_team_id: i64,
    pub request_type: String,
    pub unit: String,
    pub quantity: i64,
    pub purpose: String,
    pub bet_id: Option<i64>,
    /// The most the requester will pay for the whole quantity, in minor units.
    pub max_total: i64,
    /// As of now: a quote that expired puts the request back to `open`.
    pub status: RequestStatus,
    /// The latest quote's total; kept when it expired.
    pub quote_total: Option<i64>,
    pub quote_expires_at: Option<DateTime<Utc>>,
    pub quote_expired: bool,
    /// While accepted: what delivery pays (the accepted quote, or more if raised).
    pub offer: Option<i64>,
    /// What is on hold for it now.
    pub held: i64,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn request_view(
    r: &Request,
    request_type: Option<&RequestType>,
    lookup: &Lookup,
    now: DateTime<Utc>,
) -> RequestView {
    let status = status_at(r, now);
    RequestView {
        id: r.id,
        service_id: r.service_id,
        service: lookup.service(r.service_id),
        team_id: r.team_id,
        team: lookup.team(r.team_id),
        provider_team_id: lookup
            .services
            .get(&r.service_id)
            .map_or(0, |s| s.provider_team_id),
        request_type: request_type.map(|t| t.name.clone()).unwrap_or_default(),
        unit: request_type.map(|t| t.unit.clone()).unwrap_or_default(),
        quantity: r.quantity,
        purpose: r.purpose.clone(),
        bet_id: r.bet_id,
        max_total: r.max_total,
        status,
        quote_total: r.quote_total,
        quote_expires_at: r.quote_expires_at.map(utc),
        quote_expired: r.status == RequestStatus::Quoted && status == RequestStatus::Open,
        offer: r.offer,
        held: if status == RequestStatus::Accepted {
            r.offer.unwrap_or(0)
        } else {
            0
        },
        accepted_at: r.accepted_at.map(utc),
        closed_at: r.closed_at.map(utc),
        close_reason: r.close_reason.clone(),
        created_at: utc(r.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueEntryView {
    /// 1 for the first served.
    pub position: usize,
    /// Null for a partner looking at another team's request.
    pub request_id: Option<i64>,
    pub team_id: Option<i64>,
    /// The requesting team, or "another team" for a partner.
    pub team: String,
    pub quantity: i64,
    pub offer: i64,
    pub accepted_at: Option<DateTime<Utc>>,
    /// Fits in the capacity still free this period; else it waits.
    pub scheduled: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    pub service_id: i64,
    pub service: String,
    pub period: String,
    pub capacity: Option<i64>,
    pub delivered_units: i64,
    pub scheduled_units: i64,
    pub waiting_units: i64,
    pub entries: Vec<QueueEntryView>,
}

pub fn queue_view(queue: &Queue, lookup: &Lookup, viewer: &Actor) -> QueueView {
    QueueView {
        service_id: queue.service_id,
        service: lookup.service(queue.service_id),
        period: queue.period.label(),
        capacity: queue.capacity,
        delivered_units: queue.delivered,
        scheduled_units: queue.scheduled_units(),
        waiting_units: queue.waiting_units(),
        entries: queue
            .entries
            .iter()
            .map(|e| {
                let r = &e.request;
                let shown = viewer.can_read_team(r.team_id);
                QueueEntryView {
                    position: e.position,
                    request_id: shown.then_some(r.id),
                    team_id: shown.then_some(r.team_id),
                    team: if shown {
                        lookup.team(r.team_id)
                    } else {
                        "another team".into()
                    },
                    quantity: r.quantity,
                    offer: r.offer.unwrap_or(0),
                    accepted_at: r.accepted_at.map(utc),
                    scheduled: e.scheduled,
                }
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingRunView {
    pub id: i64,
    /// `2026-11`.
    pub period: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub status: BillingRunStatus,
    pub created_at: DateTime<Utc>,
    pub previewed_at: Option<DateTime<Utc>>,
    pub committed_at: Option<DateTime<Utc>>,
    /// Committed: the sum of the paid charges; null for a draft.
    pub charged: Option<i64>,
    /// Committed: the sum of the charges that could not be paid; null for a draft.
    pub unpaid: Option<i64>,
}

impl From<&BillingRun> for BillingRunView {
    fn from(r: &BillingRun) -> Self {
        let start = utc(r.period_start);
        Self {
            id: r.id,
            period: format!("{}", start.format("%Y-%m")),
            period_start: start,
            period_end: utc(r.period_end),
            status: r.status,
            created_at: utc(r.created_at),
            previewed_at: r.previewed_at.map(utc),
            committed_at: r.committed_at.map(utc),
            charged: r.charged,
            unpaid: r.unpaid,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingRunDetail {
    #[serde(flatten)]
    pub run: BillingRunView,
    /// What it charged (committed) or would charge as last previewed (a draft); null for a
    /// draft never previewed.
    pub billing: Option<Billing>,
}
