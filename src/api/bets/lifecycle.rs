//! The committee's moves on a bet outside a round: activate it, kill it, graduate it. Killing
//! and graduating are one close with a reason, to a different status.

use actix_web::{post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::BetView;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::ReasonText;
use crate::db;
use crate::domain::{BetStatus, Reason};
use crate::error::AppError;
use crate::services::bets as service;
use crate::startup::AppState;

/// Activate a proposed bet (committee). It needs a threshold in force.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id")),
    responses((status = 200, body = BetView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[post("/bets/{id}/activate")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn activate_bet(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<BetView>, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let bet = db::run(&state.pool, move |conn| {
        service::activate(conn, &actor, id, now)
    })
    .await?;
    Ok(web::Json(BetView::from(bet)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBet {
    /// Why, in words the team will read. 1 to 2,000 characters.
    #[schema(value_type = ReasonText)]
    pub reason: String,
}

async fn close_bet(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    body: CloseBet,
    to: BetStatus,
) -> Result<web::Json<BetView>, AppError> {
    caller.require_committee()?;
    let reason = Reason::parse("reason", &body.reason)?;
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let bet = db::run(&state.pool, move |conn| {
        service::close(conn, &actor, id, to, &reason, now)
    })
    .await?;
    Ok(web::Json(BetView::from(bet)))
}

/// Kill a bet now, outside a round (committee, with a reason). It takes no more reports.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id")),
    responses((status = 200, body = BetView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[post("/bets/{id}/kill")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn kill_bet(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<CloseBet>,
) -> Result<web::Json<BetView>, AppError> {
    close_bet(
        state,
        caller,
        path.into_inner(),
        body.into_inner(),
        BetStatus::Killed,
    )
    .await
}

/// Graduate a bet: it has done its job and leaves the race (committee, with a reason).
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id")),
    responses((status = 200, body = BetView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[post("/bets/{id}/graduate")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn graduate_bet(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<CloseBet>,
) -> Result<web::Json<BetView>, AppError> {
    close_bet(
        state,
        caller,
        path.into_inner(),
        body.into_inner(),
        BetStatus::Graduated,
    )
    .await
}
