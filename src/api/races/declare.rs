//! `POST /races` (committee) declares a race; `GET /races` lists the races the caller may
//! read, newest first.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::RaceView;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::NameText;
use crate::db;
use crate::domain::{Money, Name, RaceMeasure, RaceStatus};
use crate::error::AppError;
use crate::services::races::{self, declare::RaceDraft};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRace {
    pub arena_id: i64,
    #[schema(value_type = NameText)]
    pub name: String,
    /// Two or more active bets of the arena, each of a different team, none racing already.
    pub racers: Vec<i64>,
    /// `metric` or `progress`; by default the racers' common metric when they share name,
    /// unit and direction, else progress.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub measure: Option<RaceMeasure>,
    /// Reports after this instant count; by default now.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// In the future and after the start.
    pub finish_at: DateTime<Utc>,
    /// The P(best) that calls the winner, in (0.5, 1); 0.9 by default.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// The reports a racer needs to be compared, at least 3 (the default).
    #[serde(default)]
    pub min_reports: Option<u32>,
    /// In minor units, pinned for the winner on the next draft round.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000000000000000_i64)]
    pub prize: Option<i64>,
}

/// Declare a race in an arena (committee).
#[utoipa::path(
    tag = "races",
    security(("bearer" = [])),
    responses(
        (status = 201, body = RaceView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "A race is under way in the arena, or a racer races already", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/races")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_race(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateRace>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let body = body.into_inner();
    let prize = match body.prize {
        Some(0) => return Err(AppError::invalid("prize", "leave it out for no prize")),
        Some(p) => Some(Money::parse("prize", p)?),
        None => None,
    };
    let draft = RaceDraft {
        arena_id: body.arena_id,
        name: Name::parse("name", &body.name)?,
        racers: body.racers,
        measure: body.measure,
        starts_at: body.starts_at,
        finish_at: body.finish_at,
        confidence: body.confidence,
        min_reports: body.min_reports,
        prize,
    };
    let now = state.clock.now();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        let race = races::declare::declare(conn, &actor, &draft, now)?;
        races::readable(conn, &actor, race.id).map(|r| RaceView::from(&r))
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RaceQuery {
    pub arena_id: Option<i64>,
    #[param(value_type = Option<String>)]
    pub status: Option<RaceStatus>,
}

/// List the races the caller may read, newest first.
#[utoipa::path(
    tag = "races",
    security(("bearer" = [])),
    params(RaceQuery),
    responses((status = 200, body = Vec<RaceView>), (status = 401, body = ErrorBody))
)]
#[get("/races")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_races(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RaceQuery>,
) -> Result<web::Json<Vec<RaceView>>, AppError> {
    let RaceQuery { arena_id, status } = query.into_inner();
    let actor = caller.0.clone();
    let list = db::run(&state.pool, move |conn| races::list(conn, &actor, arena_id)).await?;
    Ok(web::Json(
        list.iter()
            .filter(|r| status.is_none_or(|s| r.race.status == s))
            .map(RaceView::from)
            .collect(),
    ))
}
