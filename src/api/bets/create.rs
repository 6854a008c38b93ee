//! Registering a bet, with its first thresholds.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{BetDetail, Metric, ThresholdView};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::{DescriptionText, TitleText};
use crate::api::utc;
use crate::db;
use crate::domain::{Description, Money, Name, Role, Stage, Title, Unit, metric_value};
use crate::error::AppError;
use crate::services::bets::{self as service, BetForm};
use crate::startup::AppState;

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
