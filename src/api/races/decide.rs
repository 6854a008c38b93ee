//! `POST /races/{id}/decision` decides a race; `POST /races/{id}/extend` moves its finish
//! later. Both are the committee's, and each is one transaction.

use actix_web::{post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::RaceView;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::ReasonText;
use crate::db;
use crate::domain::Reason;
use crate::error::AppError;
use crate::services::races::{self, decide as service};
use crate::startup::AppState;

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoserFate {
    Killed,
    Merged,
    Continues,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoserBody {
    pub bet_id: i64,
    pub fate: LoserFate,
    /// For `merged`: the users of the losing team who join the winner's team.
    #[serde(default)]
    pub people: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// By default the engine's call, when it names a winner.
    #[serde(default)]
    pub winner: Option<i64>,
    /// Needed before the finish, against the call, or without one.
    #[serde(default)]
    #[schema(value_type = Option<ReasonText>)]
    pub reason: Option<String>,
    /// Every other racer still racing, with what becomes of it.
    pub losers: Vec<LoserBody>,
    /// Raises the winner's team size cap in the same step, so that a merge fits.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub raise_cap_to: Option<i32>,
}

/// Decide a race (committee): stages, kills or merges, and the prize pin, in one transaction.
#[utoipa::path(
    tag = "races",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Race id")),
    responses(
        (status = 200, body = RaceView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Decided already, or the winner changed meanwhile", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/races/{id}/decision")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn decide_race(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<DecisionBody>,
) -> Result<web::Json<RaceView>, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let body = body.into_inner();
    let reason = match body.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(Reason::parse("reason", r)?),
    };
    let decision = service::Decision {
        winner: body.winner,
        reason,
        losers: body
            .losers
            .into_iter()
            .map(|l| service::Loser {
                bet_id: l.bet_id,
                fate: match l.fate {
                    LoserFate::Killed => service::LoserFate::Kill,
                    LoserFate::Merged => service::LoserFate::Merge,
                    LoserFate::Continues => service::LoserFate::Continue,
                },
                people: l.people,
            })
            .collect(),
        raise_cap_to: body.raise_cap_to,
    };
    let now = state.clock.now();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        service::decide(conn, &actor, id, &decision, now)?;
        races::readable(conn, &actor, id).map(|r| RaceView::from(&r))
    })
    .await?;
    Ok(web::Json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// After the current finish and in the future.
    pub finish_at: DateTime<Utc>,
}

/// Move a running race's finish later (committee): the choice when it is too close to call.
#[utoipa::path(
    tag = "races",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Race id")),
    responses(
        (status = 200, body = RaceView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/races/{id}/extend")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn extend_race(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<ExtendBody>,
) -> Result<web::Json<RaceView>, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let finish_at = body.into_inner().finish_at;
    let now = state.clock.now();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        service::extend(conn, &actor, id, finish_at, now)?;
        races::readable(conn, &actor, id).map(|r| RaceView::from(&r))
    })
    .await?;
    Ok(web::Json(view))
}
