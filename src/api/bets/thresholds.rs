//! Adding a threshold to a bet.

use actix_web::{HttpResponse, post, web};

use super::create::CreateThreshold;
use super::views::ThresholdView;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::db;
use crate::error::AppError;
use crate::services::bets as service;
use crate::startup::AppState;

/// Add a threshold (the bet's team or the committee). Once the bet is active, only with a
/// future `effective_from`; thresholds are never edited or deleted.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id")),
    responses(
        (status = 201, body = ThresholdView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/bets/{id}/thresholds")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn add_threshold(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<CreateThreshold>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let threshold = db::run(&state.pool, move |conn| {
        service::add_threshold(conn, &actor, id, body.target, body.effective_from, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(ThresholdView::from(threshold)))
}
