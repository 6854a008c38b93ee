//! Bets: register, list and read, thresholds, activation and closing.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::error::ErrorBody;
use super::pagination::{Page, Paging};
use super::reports::ReportView;
use super::text_schema::{DescriptionText, NameText, ReasonText, TitleText, UnitText};
use super::utc;
use crate::db;
use crate::db::bets::{Bet, BetFilter, Threshold};
use crate::db::reports::Report;
use crate::db::rounds::RoundResultRow;
use crate::domain::{
    BetStatus, Description, Direction, Money, Name, Reason, Role, Stage, Title, Unit, metric_value,
};
use crate::engine::{Decision, Outcome};
use crate::error::AppError;
use crate::services::bets::{self as service, BetForm};
use crate::startup::AppState;

/// How many of the newest reports `GET /bets/{id}` includes; the rest are a page away.
const RECENT_REPORTS: i64 = 100;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is measured ("weekly active users"). 1 to 100 characters.
    #[schema(value_type = NameText)]
    pub name: String,
    /// Its unit ("users", "%", "ms"). 1 to 32 characters.
    #[schema(value_type = UnitText)]
    pub unit: String,
    pub direction: Direction,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateThreshold {
    /// The value to beat; must ask for improvement over the baseline.
    pub target: f64,
    /// When it takes effect. Default: now for a proposed bet; required and in the future
    /// for an active one.
    #[serde(default)]
    pub effective_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBet {
    pub arena_id: i64,
    /// The team placing the bet. Members and partners may leave it out: their own team.
    #[serde(default)]
    pub team_id: Option<i64>,
    /// 1 to 200 characters.
    #[schema(value_type = TitleText)]
    pub title: String,
    /// Why this bet should win. Up to 10,000 characters.
    #[serde(default)]
    #[schema(value_type = Option<DescriptionText>)]
    pub thesis: Option<String>,
    pub metric: Metric,
    /// The metric's value before the bet; thresholds must improve on it.
    pub baseline: f64,
    #[serde(default)]
    pub stage: Option<Stage>,
    /// The most the bet asks as seed money, in minor units.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub seed_request: Option<i64>,
    /// First thresholds, added with the bet.
    #[serde(default)]
    pub thresholds: Vec<CreateThreshold>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BetView {
    pub id: i64,
    pub slug: String,
    pub arena_id: i64,
    pub team_id: i64,
    pub title: String,
    pub thesis: String,
    pub metric: Metric,
    pub baseline: f64,
    pub seed_request: Option<i64>,
    pub stage: Stage,
    pub status: BetStatus,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<Bet> for BetView {
    fn from(b: Bet) -> Self {
        Self {
            metric: Metric {
                name: b.metric_name,
                unit: b.metric_unit,
                direction: b.direction,
            },
            stage: b.stage,
            status: b.status,
            id: b.id,
            slug: b.slug,
            arena_id: b.arena_id,
            team_id: b.team_id,
            title: b.title,
            thesis: b.thesis,
            baseline: b.baseline,
            seed_request: b.seed_request,
            created_by: b.created_by,
            created_at: utc(b.created_at),
            activated_at: b.activated_at.map(utc),
            closed_at: b.closed_at.map(utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdView {
    pub id: i64,
    pub bet_id: i64,
    pub target: f64,
    pub effective_from: DateTime<Utc>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

impl From<Threshold> for ThresholdView {
    fn from(t: Threshold) -> Self {
        Self {
            id: t.id,
            bet_id: t.bet_id,
            target: t.target,
            effective_from: utc(t.effective_from),
            created_by: t.created_by,
            created_at: utc(t.created_at),
        }
    }
}

/// A bet with its thresholds and its newest reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct BetDetail {
    #[serde(flatten)]
    pub bet: BetView,
    /// Every threshold, in the order they take effect.
    pub thresholds: Vec<ThresholdView>,
    /// The threshold in force now, if any.
    pub threshold_in_force: Option<ThresholdView>,
    /// The newest reports (up to 100), corrected ones included and marked.
    pub reports: Vec<ReportView>,
    /// All reports of the bet; page through `GET /bets/{id}/reports`.
    pub reports_total: i64,
    /// What each committed round decided for the bet, oldest first.
    pub grants: Vec<GrantView>,
    /// Consecutive missed rounds after the latest committed round.
    pub streak: i32,
    /// All grants over all rounds, in minor units.
    pub total_granted: i64,
}

/// One committed round's decision for a bet.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    pub round_id: i64,
    pub as_of: DateTime<Utc>,
    pub outcome: Outcome,
    pub decision: Decision,
    pub level: Option<f64>,
    pub p_beat: Option<f64>,
    pub threshold: f64,
    pub streak: i32,
    pub prev_grant: i64,
    pub granted: i64,
    pub reasons: Vec<String>,
}

impl From<(RoundResultRow, chrono::NaiveDateTime)> for GrantView {
    fn from((r, as_of): (RoundResultRow, chrono::NaiveDateTime)) -> Self {
        Self {
            round_id: r.round_id,
            as_of: utc(as_of),
            reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
            outcome: r.outcome,
            decision: r.decision,
            level: r.level,
            p_beat: r.p_beat,
            threshold: r.threshold,
            streak: r.streak,
            prev_grant: r.prev_grant,
            granted: r.granted,
        }
    }
}

/// Register a bet (its team, or the committee for any team). It starts `proposed`.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    responses(
        (status = 201, body = BetDetail),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/bets")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_bet(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateBet>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let team_id = match (body.team_id, caller.role, caller.team_id) {
        (Some(team), _, _) => team,
        (None, Role::Member | Role::Partner, Some(own)) => own,
        (None, _, _) => {
            return Err(AppError::invalid(
                "team_id",
                "name the team placing the bet",
            ));
        }
    };
    let form = BetForm {
        arena_id: body.arena_id,
        team_id,
        title: Title::parse("title", &body.title)?,
        thesis: Description::parse("thesis", body.thesis.as_deref().unwrap_or(""))?,
        metric_name: Name::parse("metric.name", &body.metric.name)?,
        metric_unit: Unit::parse("metric.unit", &body.metric.unit)?,
        direction: body.metric.direction,
        baseline: metric_value("baseline", body.baseline)?,
        stage: body.stage.unwrap_or(Stage::Explore),
        seed_request: body
            .seed_request
            .map(|m| Money::parse("seed_request", m))
            .transpose()?,
        thresholds: body
            .thresholds
            .iter()
            .map(|t| (t.target, t.effective_from))
            .collect(),
    };
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let (bet, thresholds) = db::run(&state.pool, move |conn| {
        service::create(conn, &actor, form, now)
    })
    .await?;
    let in_force = thresholds
        .iter()
        .rev()
        .find(|t| utc(t.effective_from) <= now)
        .cloned()
        .map(ThresholdView::from);
    Ok(HttpResponse::Created().json(BetDetail {
        bet: bet.into(),
        thresholds: thresholds.into_iter().map(ThresholdView::from).collect(),
        threshold_in_force: in_force,
        reports: Vec::new(),
        reports_total: 0,
        grants: Vec::new(),
        streak: 0,
        total_granted: 0,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BetQuery {
    pub arena_id: Option<i64>,
    pub team_id: Option<i64>,
    pub status: Option<BetStatus>,
    pub stage: Option<Stage>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// List bets, filtered by arena, team, status and stage, a page at a time.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(BetQuery),
    responses((status = 200, body = Page<BetView>), (status = 422, body = ErrorBody))
)]
#[get("/bets")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_bets(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<BetQuery>,
) -> Result<web::Json<Page<BetView>>, AppError> {
    let query = query.into_inner();
    let paging = Paging::parse(query.page, query.per_page)?;
    let mut filter = BetFilter {
        arena_id: query.arena_id,
        team_id: query.team_id,
        status: query.status,
        stage: query.stage,
    };
    if !caller.reads_all_teams() {
        match filter.team_id {
            Some(team) if Some(team) != caller.team_id => {
                return Ok(web::Json(paging.wrap(vec![], 0)));
            }
            _ => filter.team_id = caller.team_id.or(Some(-1)),
        }
    }
    let (bets, total) = db::run(&state.pool, move |conn| {
        Bet::page(conn, &filter, paging.offset(), paging.limit()).map_err(AppError::from)
    })
    .await?;
    let items = bets.into_iter().map(BetView::from).collect();
    Ok(web::Json(paging.wrap(items, total)))
}

/// A bet with its thresholds and newest reports.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id")),
    responses((status = 200, body = BetDetail), (status = 404, body = ErrorBody))
)]
#[get("/bets/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_bet(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<BetDetail>, AppError> {
    let id = path.into_inner();
    let actor = caller.0.clone();
    let now = crate::db::now();
    let (bet, thresholds, in_force, (reports, total), grants) = db::run(&state.pool, move |conn| {
        let bet = service::visible_bet(conn, &actor, id)?;
        let thresholds = Threshold::for_bet(conn, id)?;
        let in_force = Threshold::in_force(conn, id, now)?;
        let reports = Report::page_for_bet(conn, id, 0, RECENT_REPORTS)?;
        let grants = RoundResultRow::for_bet(conn, id)?;
        Ok::<_, AppError>((bet, thresholds, in_force, reports, grants))
    })
    .await?;
    let grants: Vec<GrantView> = grants.into_iter().map(GrantView::from).collect();
    Ok(web::Json(BetDetail {
        streak: grants.last().map_or(0, |g| g.streak),
        total_granted: grants.iter().map(|g| g.granted).sum(),
        grants,
        bet: bet.into(),
        thresholds: thresholds.into_iter().map(ThresholdView::from).collect(),
        threshold_in_force: in_force.map(ThresholdView::from),
        reports: reports.into_iter().map(ReportView::from).collect(),
        reports_total: total,
    }))
}

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
