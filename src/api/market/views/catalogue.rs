//! The catalogue's views: a service with its plans, its request types, and its queue.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Lookup;
use crate::api::utc;
use crate::db::market::plans::{PlanWithTypes, RequestType};
use crate::db::market::services::Service;
use crate::domain::{Actor, BillingPeriod, PeriodLength};
use crate::services::market::queue::Queue;

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
