//! The committee's pins on a draft: fix a bet's grant or waive its kill, with a reason; remove
//! a pin.

use actix_web::{HttpResponse, delete, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::PinView;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::ReasonText;
use crate::db;
use crate::domain::{Money, Reason, time};
use crate::error::AppError;
use crate::services::rounds::{PinForm, lifecycle};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPin {
    /// Fix the bet's grant to exactly this many minor units.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub grant: Option<i64>,
    /// Keep the bet alive this round whatever its miss streak.
    #[serde(default)]
    pub waive_kill: bool,
    /// Why, in words the teams will read. Required.
    #[schema(value_type = ReasonText)]
    pub reason: String,
}

/// Pin a bet's grant or waive its kill in a draft round, with a reason (committee).
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id"), ("bet_id" = i64, Path, description = "Bet id")),
    responses(
        (status = 200, body = PinView),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, description = "Not active, no reason, or pins over the budget", body = ErrorBody),
    )
)]
#[put("/rounds/{id}/pins/{bet_id}")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn set_pin(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: web::Json<SetPin>,
) -> Result<web::Json<PinView>, AppError> {
    caller.require_committee()?;
    let (round_id, bet_id) = path.into_inner();
    let form = PinForm {
        grant: body.grant.map(|g| Money::parse("grant", g)).transpose()?,
        waive_kill: body.waive_kill,
        reason: Reason::parse("reason", &body.reason)?,
    };
    let now = time::now();
    let actor = caller.0.clone();
    let pin = db::run(&state.pool, move |conn| {
        lifecycle::pin(conn, &actor, round_id, bet_id, form, now)
    })
    .await?;
    Ok(web::Json(pin.into()))
}

/// Remove a pin from a draft round (committee).
#[utoipa::path(
    tag = "rounds",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id"), ("bet_id" = i64, Path, description = "Bet id")),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[delete("/rounds/{id}/pins/{bet_id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn remove_pin(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let (round_id, bet_id) = path.into_inner();
    let now = time::now();
    let actor = caller.0.clone();
    db::run(&state.pool, move |conn| {
        lifecycle::unpin(conn, &actor, round_id, bet_id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
