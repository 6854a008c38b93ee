//! A round's evaluation: preview a draft, commit it, verify a committed round.

use actix_web::{get, post, web};

use super::views::{RoundView, load_view};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::db;
use crate::domain::time;
use crate::error::AppError;
use crate::services::rounds::{self as service, Verification};
use crate::startup::AppState;

/// Evaluate a draft against the evidence as it stands (committee). Stored with the round; run
/// it as often as wanted.
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses(
        (status = 200, body = RoundView),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The round is committed", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/rounds/{id}/preview")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn preview_round(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<RoundView>, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let now = time::now();
    let evaluation = db::run(&state.pool, move |conn| service::preview(conn, id, now)).await?;
    Ok(web::Json(
        load_view(&state, caller.0, id, Some(evaluation)).await?,
    ))
}

/// Commit a draft (committee): recomputed from the evidence as it stands now, stored, paid out
/// through the ledger, killed bets closed. A committed round never changes.
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses(
        (status = 200, body = RoundView),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already committed, an earlier draft is open, or as_of is in the future", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/rounds/{id}/commit")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn commit_round(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<RoundView>, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let now = time::now();
    let actor = caller.0.clone();
    let evaluation = db::run(&state.pool, move |conn| {
        service::commit(conn, &actor, id, now)
    })
    .await?;
    Ok(web::Json(
        load_view(&state, caller.0, id, Some(evaluation)).await?,
    ))
}

/// Recompute a committed round from what it stored and compare, bit for bit (committee and
/// executives).
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = Verification), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[get("/rounds/{id}/verification")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn verify_round(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<Verification>, AppError> {
    caller.require_oversight()?;
    let id = path.into_inner();
    Ok(web::Json(
        db::run(&state.pool, move |conn| service::verify(conn, id)).await?,
    ))
}
