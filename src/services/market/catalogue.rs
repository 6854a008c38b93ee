//! The catalogue: services, registered by the committee with their provider team, and their
//! plans, which the provider's members set. A plan takes effect at the start of a period and is
//! never changed once in force: a new price applies from a later period, and the history of
//! every price stays.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::queue::{Queue, queue_of};
use super::{current_period, require_acts_for};
use crate::db::market::plans::{NewPlan, NewRequestType, Plan, PlanWithTypes};
use crate::db::market::services::{NewService, Service};
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::db::names::NameKind;
use crate::db::teams::Team;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, BillingPeriod, Description, Money, Name, Unit};
use crate::error::AppError;
use crate::services::{audit, names};

/// The most request types one plan lists.
pub const MAX_REQUEST_TYPES: usize = 50;
/// The most request units a service serves per period, and the most a request asks for.
pub const MAX_UNITS: i64 = 1_000_000_000;

/// One request type of a plan, parsed.
#[derive(Debug, Clone)]
pub struct RequestTypeDraft {
    pub name: Name,
    pub unit: Unit,
    pub unit_price: Money,
}

/// A plan as a provider sets it, parsed.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    pub price: Money,
    pub quantity_unit: Option<Unit>,
    pub capacity: Option<i64>,
    pub request_types: Vec<RequestTypeDraft>,
    /// The period it takes effect in; by default the next (the current one for a first plan).
    pub effective_from: Option<BillingPeriod>,
}

impl PlanDraft {
    /// Checks what the parts alone cannot: the capacity's range, distinct request type names.
    pub fn check(&self) -> Result<(), AppError> {
        if let Some(capacity) = self.capacity
            && !(1..=MAX_UNITS).contains(&capacity)
        {
            return Err(AppError::invalid(
                "capacity",
                "must be between 1 and 1,000,000,000 request units per period",
            ));
        }
        if self.request_types.len() > MAX_REQUEST_TYPES {
            return Err(AppError::invalid(
                "request_types",
                format!("a plan lists at most {MAX_REQUEST_TYPES} request types"),
            ));
        }
        for (i, t) in self.request_types.iter().enumerate() {
            if self.request_types[..i]
                .iter()
                .any(|o| o.name.as_str() == t.name.as_str())
            {
                return Err(AppError::invalid(
                    format!("request_types[{i}].name"),
                    format!("{:?} is listed twice", t.name.as_str()),
                ));
            }
        }
        Ok(())
    }
}

pub fn register(
    conn: &mut DbConnection,
    actor: &Actor,
    name: &Name,
    provider_team_id: i64,
    description: &Description,
    now: DateTime<Utc>,
) -> Result<Service, AppError> {
    if !actor.is_committee() {
        return Err(AppError::forbidden(
            "only the portfolio committee registers services",
        ));
    }
    write_transaction(conn, |conn| {
        Team::find(conn, provider_team_id)?
            .ok_or_else(|| AppError::invalid("provider_team_id", "no team has this id"))?;
        names::ensure_new(conn, NameKind::Service, name)?;
        let service = Service::create(
            conn,
            &NewService {
                name: name.as_str(),
                provider_team_id,
                description: description.as_str(),
                created_by: actor.user_id,
                created_at: now.naive_utc(),
            },
        )?;
        audit::record(
            conn,
            Some(actor),
            "service.register",
            ("service", Some(service.id)),
            json!({"name": service.name, "provider_team_id": provider_team_id}),
            now,
        )?;
        Ok(service)
    })
}

/// A service as the catalogue shows it: its plans (oldest first), its live subscriptions
/// (billed this period or starting later) and this period's queue.
pub struct Listing {
    pub service: Service,
    pub plans: Vec<PlanWithTypes>,
    pub subscribers: usize,
    pub queue: Queue,
}

/// Every service's listing, or the one asked for.
pub fn listings(
    conn: &mut DbConnection,
    only: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<Listing>, AppError> {
    let services: Vec<Service> = Service::list(conn, None)?
        .into_iter()
        .filter(|s| only.is_none_or(|id| s.id == id))
        .collect();
    let ids: Vec<i64> = services.iter().map(|s| s.id).collect();
    let mut plans = Plan::of_services(conn, &ids)?;
    let subscriptions = Subscription::list(conn, &SubscriptionFilter::default())?;
    let mut listings = Vec::with_capacity(services.len());
    for service in services {
        let (own, rest) = plans
            .into_iter()
            .partition(|p| p.plan.service_id == service.id);
        plans = rest;
        let subscribers = subscriptions
            .iter()
            .filter(|s| s.service_id == service.id)
            .filter(|s| s.ends_at.is_none_or(|e| e > now.naive_utc()))
            .count();
        listings.push(Listing {
            queue: queue_of(conn, service.id, now)?,
            service,
            plans: own,
            subscribers,
        });
    }
    Ok(listings)
}

/// A service, or 404.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<Service, AppError> {
    Service::find(conn, id)?.ok_or_else(|| AppError::not_found("service"))
}

/// The plan of `plans` (one service's, oldest first) in force at `at`.
pub fn plan_at(plans: &[PlanWithTypes], at: DateTime<Utc>) -> Option<&PlanWithTypes> {
    plans
        .iter()
        .rev()
        .find(|p| p.plan.effective_from.and_utc() <= at)
}

/// Sets a service's plan from a period on. The first plan may take effect in the current
/// period; later ones only from the next, so no period is billed at two prices. A plan set
/// for a period that has not begun replaces the one set for it before.
pub fn set_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    service_id: i64,
    draft: &PlanDraft,
    now: DateTime<Utc>,
) -> Result<PlanWithTypes, AppError> {
    draft.check()?;
    write_transaction(conn, |conn| {
        let service = find(conn, service_id)?;
        require_acts_for(actor, service.provider_team_id, "service")?;
        let current = current_period(conn, now)?;
        let plans = Plan::of_services(conn, &[service_id])?;
        let in_force = plan_at(&plans, now).is_some();
        let earliest = if in_force { current.next() } else { current };
        let from = draft.effective_from.unwrap_or(earliest);
        if from.start() < earliest.start() {
            return Err(AppError::invalid(
                "effective_from",
                format!(
                    "a plan changes only for future periods: the earliest it can take effect is {}",
                    earliest.label()
                ),
            ));
        }
        let types = draft
            .request_types
            .iter()
            .map(|t| NewRequestType {
                plan_id: 0,
                name: t.name.as_str().to_owned(),
                unit: t.unit.as_str().to_owned(),
                unit_price: t.unit_price.minor_units(),
            })
            .collect();
        let plan = Plan::replace(
            conn,
            &NewPlan {
                service_id,
                effective_from: from.start().naive_utc(),
                price: draft.price.minor_units(),
                quantity_unit: draft.quantity_unit.as_ref().map(Unit::as_str),
                capacity: draft.capacity,
                created_by: actor.user_id,
                created_at: now.naive_utc(),
            },
            types,
        )?;
        audit::record(
            conn,
            Some(actor),
            "service.plan",
            ("service", Some(service_id)),
            json!({
                "effective_from": from.label(), "price": draft.price.minor_units(),
                "quantity_unit": draft.quantity_unit.as_ref().map(Unit::as_str),
                "capacity": draft.capacity, "request_types": plan.request_types.len(),
            }),
            now,
        )?;
        Ok(plan)
    })
}
