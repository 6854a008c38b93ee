//! A draft round's life: open it, list the rounds, read one, delete a draft.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{RoundSummary, RoundView, load_view};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::utc;
use crate::db;
use crate::db::rounds::Round;
use crate::domain::{Money, time};
use crate::engine::Policy;
use crate::error::AppError;
use crate::services::rounds::{RoundForm, lifecycle};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRound {
    /// The money to hand out, in minor units (0 to 10^15).
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub budget: i64,
    /// The instant the round evaluates at; after the latest committed round's.
    pub as_of: DateTime<Utc>,
    /// Exclusive start of the evidence window. Default: the previous committed round's as_of.
    #[serde(default)]
    pub window_start: Option<DateTime<Utc>>,
    /// The rules of the round; missing fields take the defaults of `docs/engine.md`.
    #[serde(default)]
    pub policy: Option<Policy>,
}

/// Open a draft round (committee).
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    responses(
        (status = 201, body = RoundView),
        (status = 409, description = "Another round has this as_of", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/rounds")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_round(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateRound>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let body = body.into_inner();
    let form = RoundForm {
        budget: Money::parse("budget", body.budget)?,
        as_of: time::schedule_instant("as_of", body.as_of)?,
        window_start: body
            .window_start
            .map(|t| time::schedule_instant("window_start", t))
            .transpose()?,
        policy: body.policy.unwrap_or_default(),
    };
    let now = time::now();
    let actor = caller.0.clone();
    let round = db::run(&state.pool, move |conn| {
        lifecycle::create(conn, &actor, form, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(load_view(&state, caller.0, round.id, None).await?))
}

/// All rounds, newest first.
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<RoundSummary>), (status = 401, body = ErrorBody))
)]
#[get("/rounds")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_rounds(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<RoundSummary>>, AppError> {
    let rounds = db::run(&state.pool, |conn| {
        Round::list(conn).map_err(AppError::from)
    })
    .await?;
    let money_visible = caller.reads_all_teams();
    Ok(web::Json(
        rounds
            .into_iter()
            .map(|r| RoundSummary {
                granted: r
                    .reserve
                    .filter(|_| money_visible)
                    .map(|reserve| r.budget - reserve),
                reserve: r.reserve.filter(|_| money_visible),
                id: r.id,
                status: r.status,
                budget: r.budget,
                currency: r.currency,
                as_of: utc(r.as_of),
                committed_at: r.committed_at.map(utc),
            })
            .collect(),
    ))
}

/// A round: terms, pins with reasons, who committed, and every bet's result with its reasons
/// and evidence quality.
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = RoundView), (status = 404, body = ErrorBody))
)]
#[get("/rounds/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_round(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<RoundView>, AppError> {
    Ok(web::Json(
        load_view(&state, caller.0, path.into_inner(), None).await?,
    ))
}

/// Delete a draft round (committee).
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[delete("/rounds/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn delete_round(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let actor = caller.0.clone();
    let now = time::now();
    db::run(&state.pool, move |conn| {
        lifecycle::delete(conn, &actor, id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
