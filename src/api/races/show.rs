//! `GET /races/{id}`: a race with its standings as of now.

use actix_web::{get, web};

use super::{RaceDetail, RaceView, StandingsView};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::db;
use crate::error::AppError;
use crate::services::races::standings;
use crate::startup::AppState;

/// One race, with every racer's forecast at the finish, P(best), expected loss and the call.
#[utoipa::path(
    tag = "races",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Race id")),
    responses((status = 200, body = RaceDetail), (status = 404, body = ErrorBody))
)]
#[get("/races/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_race(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<RaceDetail>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    let watched = db::run(&state.pool, move |conn| {
        standings::watch(conn, &actor, id, now)
    })
    .await?;
    Ok(web::Json(RaceDetail {
        race: RaceView::from(&watched.readable),
        standings: StandingsView::of(&watched.standings, watched.evidence_until),
    }))
}
