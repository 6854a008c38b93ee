//! Funding rounds: create a draft, pin, preview, commit, read, verify.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::error::ErrorBody;
use super::text_schema::ReasonText;
use super::utc;
use crate::db;
use crate::db::rounds::{Round, RoundPin};
use crate::domain::{Actor, Money, Reason, RoundStatus, time};
use crate::engine::Policy;
use crate::error::AppError;
use crate::services::rounds::{
    self as service, Evaluation, PinForm, RoundForm, Verification, lifecycle,
};
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

#[derive(Debug, Serialize, ToSchema)]
pub struct PinView {
    pub bet_id: i64,
    /// The grant the committee fixed, in minor units.
    pub grant: Option<i64>,
    pub waive_kill: bool,
    pub reason: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

impl From<RoundPin> for PinView {
    fn from(p: RoundPin) -> Self {
        Self {
            bet_id: p.bet_id,
            grant: p.pinned_grant,
            waive_kill: p.waive_kill,
            reason: p.reason,
            created_by: p.created_by,
            created_at: utc(p.created_at),
        }
    }
}

/// A round: its terms, its pins, and its evaluation (the latest preview of a draft; what a
/// committed round decided).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundView {
    pub id: i64,
    pub status: RoundStatus,
    pub budget: i64,
    pub currency: String,
    pub as_of: DateTime<Utc>,
    /// The window start the committee set, if any (the evaluation shows the one used).
    pub window_start: Option<DateTime<Utc>>,
    #[schema(value_type = super::schemas::PolicyView)]
    pub policy: Policy,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub previewed_at: Option<DateTime<Utc>>,
    pub committed_by: Option<i64>,
    pub committed_at: Option<DateTime<Utc>>,
    pub reserve: Option<i64>,
    pub pins: Vec<PinView>,
    pub evaluation: Option<Evaluation>,
}

/// A round in a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundSummary {
    pub id: i64,
    pub status: RoundStatus,
    pub budget: i64,
    pub currency: String,
    pub as_of: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
    /// Budget less reserve, once committed.
    pub granted: Option<i64>,
    pub reserve: Option<i64>,
}

fn policy_of(round: &Round) -> Result<Policy, AppError> {
    serde_json::from_str(&round.policy).map_err(|e| AppError::internal(&e))
}

/// A round as `actor` may see it: partners see only their own team's lines.
fn view(
    actor: &Actor,
    round: Round,
    pins: Vec<RoundPin>,
    fresh: Option<Evaluation>,
) -> Result<RoundView, AppError> {
    let evaluation = match fresh {
        Some(e) => Some(e),
        None => round
            .preview
            .as_deref()
            .map(serde_json::from_str::<Evaluation>)
            .transpose()
            .map_err(|e| AppError::internal(&e))?,
    }
    .map(|e| e.for_viewer(actor));
    let pins = pins
        .into_iter()
        .filter(|p| {
            actor.reads_all_teams()
                || evaluation
                    .as_ref()
                    .is_some_and(|e| e.results.iter().any(|l| l.result.bet_id == p.bet_id))
        })
        .map(PinView::from)
        .collect();
    Ok(RoundView {
        policy: policy_of(&round)?,
        id: round.id,
        status: round.status,
        budget: round.budget,
        currency: round.currency,
        as_of: utc(round.as_of),
        window_start: round.window_start.map(utc),
        created_by: round.created_by,
        created_at: utc(round.created_at),
        previewed_at: round.previewed_at.map(utc),
        committed_by: round.committed_by,
        committed_at: round.committed_at.map(utc),
        reserve: round.reserve.filter(|_| actor.reads_all_teams()),
        pins,
        evaluation,
    })
}

/// Loads a round with its pins and shapes it for the caller.
async fn load_view(
    state: &AppState,
    actor: Actor,
    id: i64,
    fresh: Option<Evaluation>,
) -> Result<RoundView, AppError> {
    db::run(&state.pool, move |conn| {
        let round = Round::find(conn, id)?.ok_or_else(|| AppError::not_found("round"))?;
        let pins = RoundPin::for_round(conn, id)?;
        view(&actor, round, pins, fresh)
    })
    .await
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
    Ok(HttpResponse::Created().json(view(&caller.0, round, Vec::new(), None)?))
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
