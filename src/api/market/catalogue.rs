//! Services and their plans: `POST /services` (committee), `GET /services`,
//! `GET /services/{id}`, `PUT /services/{id}/plan` (the provider),
//! `GET /services/{id}/queue` and `GET /services/{id}/subscriptions`.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{
    Lookup, PlanView, QueueView, ServiceDetail, ServiceView, SubscriptionView, plan_view,
    queue_view, service_view, subscription_view,
};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::{DescriptionText, NameText, UnitText};
use crate::db;
use crate::db::DbConnection;
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::domain::{Actor, BillingPeriod, Description, Money, Name, Unit};
use crate::error::AppError;
use crate::services::market::catalogue::{self, PlanDraft, RequestTypeDraft};
use crate::services::market::{period_length, queue::queue_of};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateService {
    /// Unique, 1 to 100 characters ("Payments platform").
    #[schema(value_type = NameText)]
    pub name: String,
    /// The team that runs it: internal, or an external partner building on the platform.
    pub provider_team_id: i64,
    /// What it offers. Up to 10,000 characters.
    #[serde(default)]
    #[schema(value_type = Option<DescriptionText>)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestTypeInput {
    #[schema(value_type = NameText)]
    pub name: String,
    /// What one unit is ("day", "review").
    #[schema(value_type = UnitText)]
    pub unit: String,
    /// The list price of one unit, in minor units (0 to 10^15).
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub unit_price: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPlan {
    /// The subscription price per billing period, in minor units (0 to 10^15); per unit of
    /// `quantity_unit` when that is set.
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub price: i64,
    /// "seat": subscriptions are priced per unit of it.
    #[serde(default)]
    #[schema(value_type = Option<UnitText>)]
    pub quantity_unit: Option<String>,
    /// Request units served per period (1 to 10^9); omit for no limit.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000000000_i64)]
    pub capacity: Option<i64>,
    /// Up to 50, names distinct.
    #[serde(default)]
    pub request_types: Vec<RequestTypeInput>,
    /// The period it takes effect in, `2026-12`: by default the next one (the current one
    /// for a service's first plan). A plan never changes a period that has begun.
    #[serde(default)]
    #[schema(
        pattern = r"^(19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-(0[1-9]|1[0-2])$"
    )]
    pub effective_from: Option<String>,
}

impl SetPlan {
    fn draft(self, length: crate::domain::PeriodLength) -> Result<PlanDraft, AppError> {
        let request_types = self
            .request_types
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                Ok(RequestTypeDraft {
                    name: Name::parse(&format!("request_types[{i}].name"), &t.name)?,
                    unit: Unit::parse(&format!("request_types[{i}].unit"), &t.unit)?,
                    unit_price: Money::parse(
                        &format!("request_types[{i}].unit_price"),
                        t.unit_price,
                    )?,
                })
            })
            .collect::<Result<Vec<_>, crate::domain::DomainError>>()?;
        Ok(PlanDraft {
            price: Money::parse("price", self.price)?,
            quantity_unit: self
                .quantity_unit
                .map(|u| Unit::parse("quantity_unit", &u))
                .transpose()?,
            capacity: self.capacity,
            request_types,
            effective_from: self
                .effective_from
                .map(|p| BillingPeriod::parse("effective_from", &p, length))
                .transpose()?,
        })
    }
}

/// Every service as the catalogue shows it, or the one asked for.
pub fn service_views(
    conn: &mut DbConnection,
    only: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<(ServiceView, Vec<PlanView>)>, AppError> {
    let lookup = Lookup::load(conn)?;
    Ok(catalogue::listings(conn, only, now)?
        .iter()
        .map(|l| {
            let view = service_view(&l.service, &l.plans, l.subscribers, &l.queue, &lookup, now);
            let history = l
                .plans
                .iter()
                .map(|p| plan_view(p, lookup.length))
                .collect();
            (view, history)
        })
        .collect())
}

/// Register a service and its provider team (committee).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    responses(
        (status = 201, body = ServiceView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "A service of that name exists", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/services")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_service(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateService>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let body = body.into_inner();
    let name = Name::parse("name", &body.name)?;
    let description = Description::parse("description", body.description.as_deref().unwrap_or(""))?;
    let now = state.clock.now();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        let service = catalogue::register(
            conn,
            &actor,
            &name,
            body.provider_team_id,
            &description,
            now,
        )?;
        one(conn, service.id, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(view.service))
}

fn one(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<ServiceDetail, AppError> {
    let (service, plans) = service_views(conn, Some(id), now)?
        .pop()
        .ok_or_else(|| AppError::not_found("service"))?;
    Ok(ServiceDetail { service, plans })
}

/// The catalogue: every service with its plan in force, subscribers and capacity this period.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ServiceView>), (status = 401, body = ErrorBody))
)]
#[get("/services")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_services(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<ServiceView>>, AppError> {
    let now = state.clock.now();
    let views = db::run(&state.pool, move |conn| service_views(conn, None, now)).await?;
    Ok(web::Json(views.into_iter().map(|(v, _)| v).collect()))
}

/// A service with the history of its plans.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service id")),
    responses((status = 200, body = ServiceDetail), (status = 404, body = ErrorBody))
)]
#[get("/services/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_service(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<ServiceDetail>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let detail = db::run(&state.pool, move |conn| one(conn, id, now)).await?;
    Ok(web::Json(detail))
}

/// Set the service's plan from a period on (its provider's members and partners).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service id")),
    responses(
        (status = 200, body = PlanView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/services/{id}/plan")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn set_plan(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<SetPlan>,
) -> Result<web::Json<PlanView>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    let body = body.into_inner();
    let view = db::run(&state.pool, move |conn| {
        let length = period_length(conn)?;
        let draft = body.draft(length)?;
        let plan = catalogue::set_plan(conn, &actor, id, &draft, now)?;
        Ok::<_, AppError>(plan_view(&plan, length))
    })
    .await?;
    Ok(web::Json(view))
}

/// The service's queue this period, in the order the market serves it. A partner sees other
/// teams' requests as "another team".
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service id")),
    responses((status = 200, body = QueueView), (status = 404, body = ErrorBody))
)]
#[get("/services/{id}/queue")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_queue(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<QueueView>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor: Actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        catalogue::find(conn, id)?;
        let queue = queue_of(conn, id, now)?;
        Ok::<_, AppError>(queue_view(&queue, &Lookup::load(conn)?, &actor))
    })
    .await?;
    Ok(web::Json(view))
}

/// The service's subscribers (a partner of another team: 404).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service id")),
    responses((status = 200, body = Vec<SubscriptionView>), (status = 404, body = ErrorBody))
)]
#[get("/services/{id}/subscriptions")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_service_subscriptions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<Vec<SubscriptionView>>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor: Actor = caller.0.clone();
    let views = db::run(&state.pool, move |conn| {
        let service = catalogue::find(conn, id)?;
        if !actor.can_read_team(service.provider_team_id) {
            return Err(AppError::not_found("service's subscribers"));
        }
        let lookup = Lookup::load(conn)?;
        let filter = SubscriptionFilter {
            service_id: Some(id),
            ..SubscriptionFilter::default()
        };
        Ok(Subscription::list(conn, &filter)?
            .iter()
            .map(|s| subscription_view(s, &lookup, now))
            .collect())
    })
    .await?;
    Ok(web::Json(views))
}
