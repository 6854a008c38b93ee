//! Billing runs (the committee runs them, the committee and execs read them):
//! `POST /billing-runs`, `GET /billing-runs`, `GET /billing-runs/{id}`,
//! `POST /billing-runs/{id}/preview`, `POST /billing-runs/{id}/commit`,
//! `DELETE /billing-runs/{id}`.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{BillingRunDetail, BillingRunView};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::db;
use crate::db::market::billing::BillingRun;
use crate::domain::BillingPeriod;
use crate::error::AppError;
use crate::services::market::billing::{self, Billing};
use crate::services::market::period_length;
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBillingRun {
    /// The period to bill, named by the month it starts in (`2026-11`).
    #[schema(
        pattern = r"^(19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-(0[1-9]|1[0-2])$"
    )]
    pub period: String,
}

/// Open a billing run for a period (committee): one per period.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    responses(
        (status = 201, body = BillingRunView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "A run already covers the period", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/billing-runs")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_billing_run(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateBillingRun>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let period = body.into_inner().period;
    let now = state.clock.now();
    let actor = caller.0.clone();
    let run = db::run(&state.pool, move |conn| {
        let length = period_length(conn)?;
        let period = BillingPeriod::parse("period", &period, length)?;
        billing::create(conn, &actor, period, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(BillingRunView::from(&run)))
}

/// Billing runs, latest period first (committee and execs).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<BillingRunView>), (status = 403, body = ErrorBody))
)]
#[get("/billing-runs")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_billing_runs(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<BillingRunView>>, AppError> {
    caller.require_oversight()?;
    let runs = db::run(&state.pool, move |conn| {
        BillingRun::list(conn).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(runs.iter().map(BillingRunView::from).collect()))
}

/// A billing run with its charges (committee and execs).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Billing run id")),
    responses((status = 200, body = BillingRunDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/billing-runs/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_billing_run(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<BillingRunDetail>, AppError> {
    caller.require_oversight()?;
    let id = path.into_inner();
    let run = db::run(&state.pool, move |conn| billing::find(conn, id)).await?;
    Ok(web::Json(BillingRunDetail {
        billing: billing::stored(&run)?,
        run: BillingRunView::from(&run),
    }))
}

/// Preview a draft run: who pays whom, how much, and who cannot pay (committee).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Billing run id")),
    responses(
        (status = 200, body = Billing),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already committed", body = ErrorBody),
    )
)]
#[post("/billing-runs/{id}/preview")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn preview_billing_run(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<Billing>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    let billing = db::run(&state.pool, move |conn| {
        billing::preview(conn, &actor, id, now)
    })
    .await?;
    Ok(web::Json(billing))
}

/// Commit a run in one transaction, once (committee).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Billing run id")),
    responses(
        (status = 200, body = Billing),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already committed, or the period has not begun", body = ErrorBody),
    )
)]
#[post("/billing-runs/{id}/commit")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn commit_billing_run(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<Billing>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    let billing = db::run(&state.pool, move |conn| {
        billing::commit(conn, &actor, id, now)
    })
    .await?;
    Ok(web::Json(billing))
}

/// Delete a draft run (committee).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Billing run id")),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Committed", body = ErrorBody),
    )
)]
#[delete("/billing-runs/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn delete_billing_run(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    db::run(&state.pool, move |conn| {
        billing::delete(conn, &actor, id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
