//! Reading one bet: its thresholds, newest reports and grants.

use actix_web::{get, web};

use super::views::{BetDetail, GrantView, ThresholdView};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::reports::ReportView;
use crate::db;
use crate::db::bets::Threshold;
use crate::db::reports::Report;
use crate::db::rounds::RoundResultRow;
use crate::error::AppError;
use crate::services::bets as service;
use crate::startup::AppState;

/// How many of the newest reports `GET /bets/{id}` includes; the rest are a page away.
const RECENT_REPORTS: i64 = 100;

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
