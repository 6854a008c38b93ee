//! `GET /bets/{id}`: one bet's race. Its metric over time (every report, corrected ones
//! visibly replaced, the fitted trend, the threshold steps, the round instants), where it stands
//! for the next round, its grants and the reasons of each round, its thresholds and reports.
//! Here the route, the one database call and the page; the tables in `rows`, the chart in `chart`.

mod chart;
mod rows;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

use self::chart::chart;
use self::rows::{
    GrantRow, ReportRow, Standing, ThresholdRow, grant_rows, pages, report_rows, standing,
    threshold_rows,
};
use crate::db;
use crate::db::arenas::Arena;
use crate::db::bets::{Bet, Threshold};
use crate::db::reports::{Report, ReportWithCorrection};
use crate::db::rounds::{Round, RoundResultRow};
use crate::db::teams::Team;
use crate::domain::{Actor, BetStatus, Currency};
use crate::engine::{Direction, Policy};
use crate::error::AppError;
use crate::services::bets::visible_bet;
use crate::services::market::bet_costs::BetCosts;
use crate::services::rounds::projection::{Projection, project};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::form_key;
use crate::web::html_page;
use crate::web::pages::market::bet_cost::{self, BetCostView};
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip};

/// Reports drawn in the chart: the newest this many.
const CHART_REPORTS: i64 = 1_000;
/// Reports in one page of the table.
const TABLE_REPORTS: u32 = 25;

#[derive(Deserialize)]
pub struct BetQuery {
    page: Option<u32>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "bet.html")]
struct BetPage {
    chrome: Chrome,
    id: i64,
    title: String,
    thesis: String,
    status: Chip,
    killed: bool,
    team_id: i64,
    team: String,
    arena_id: i64,
    arena: String,
    metric: String,
    unit: String,
    direction: &'static str,
    baseline: String,
    stage: String,
    seed_request: Option<String>,
    total_granted: String,
    streak: i32,
    chart: String,
    standing: Option<Standing>,
    grants: Vec<GrantRow>,
    thresholds: Vec<ThresholdRow>,
    reports: Vec<ReportRow>,
    reports_total: i64,
    page: u32,
    pages: u32,
    can_report: bool,
    form_key: String,
    cost: Option<BetCostView>,
}

struct Loaded {
    bet: Bet,
    team: String,
    arena: String,
    thresholds: Vec<Threshold>,
    chart_reports: Vec<ReportWithCorrection>,
    table: (Vec<ReportWithCorrection>, i64),
    grants: Vec<(RoundResultRow, NaiveDateTime)>,
    /// Each round's confidence, which its P(beat) is read against.
    confidences: BTreeMap<i64, f64>,
    projection: Option<Projection>,
    costs: Option<BetCosts>,
}

#[get("/bets/{id}")]
pub async fn bet_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<BetQuery>,
) -> Result<HttpResponse, WebError> {
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let now = crate::domain::time::now();
    let loaded = load(&state, &viewer, path.into_inner(), page, now).await?;
    let chrome = Chrome::load(&state, &viewer, "arenas", query.notice.as_deref()).await?;
    let body = build(chrome, &loaded, &state.currency, &viewer, page, now);
    html_page(StatusCode::OK, &body)
}

/// Reads the bet (if the viewer may see it), its team's and arena's names, its thresholds,
/// reports for the chart and for one page of the table, its grants and its projection, in one call.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    page: u32,
    now: DateTime<Utc>,
) -> Result<Loaded, WebError> {
    let actor = viewer.actor.clone();
    let loaded = db::run(&state.pool, move |conn| {
        let bet = visible_bet(conn, &actor, id)?;
        let team = Team::find(conn, bet.team_id)?
            .map(|t| t.name)
            .unwrap_or_default();
        let arena = Arena::find(conn, bet.arena_id)?
            .map(|a| a.name)
            .unwrap_or_default();
        let projection = if bet.status == BetStatus::Active {
            project(conn, &[id], now)?.remove(&id)
        } else {
            None
        };
        Ok::<_, AppError>(Loaded {
            thresholds: Threshold::for_bet(conn, id)?,
            chart_reports: Report::page_for_bet(conn, id, 0, CHART_REPORTS)?.0,
            table: Report::page_for_bet(
                conn,
                id,
                i64::from((page - 1) * TABLE_REPORTS),
                i64::from(TABLE_REPORTS),
            )?,
            grants: RoundResultRow::for_bet(conn, id)?,
            confidences: confidences(conn)?,
            costs: bet_cost::load(conn, &actor, &bet)?,
            projection,
            bet,
            team,
            arena,
        })
    })
    .await?;
    Ok(loaded)
}

/// The confidence of every round's policy, by round (a portfolio has few rounds).
fn confidences(conn: &mut db::DbConnection) -> Result<BTreeMap<i64, f64>, AppError> {
    Round::list(conn)?
        .into_iter()
        .map(|r| {
            let policy: Policy =
                serde_json::from_str(&r.policy).map_err(|e| AppError::internal(&e))?;
            Ok((r.id, policy.confidence))
        })
        .collect()
}

/// The page from what was read; `actor` decides whether it offers the report form.
fn build(
    chrome: Chrome,
    loaded: &Loaded,
    c: &Currency,
    actor: &Actor,
    page: u32,
    now: DateTime<Utc>,
) -> BetPage {
    let bet = &loaded.bet;
    let unit = bet.metric_unit.clone();
    let total: i64 = loaded.grants.iter().map(|(r, _)| r.granted).sum();
    BetPage {
        chart: chart(loaded, &unit),
        standing: loaded.projection.as_ref().map(|p| standing(p, &unit)),
        status: chip(bet.status.as_str()),
        killed: bet.status == BetStatus::Killed,
        id: bet.id,
        title: bet.title.clone(),
        thesis: bet.thesis.clone(),
        team_id: bet.team_id,
        team: loaded.team.clone(),
        arena_id: bet.arena_id,
        arena: loaded.arena.clone(),
        metric: bet.metric_name.clone(),
        unit: unit.clone(),
        direction: if bet.direction == Direction::LowerIsBetter {
            "lower is better"
        } else {
            "higher is better"
        },
        baseline: format!("{} {unit}", format::full(bet.baseline)),
        stage: bet.stage.to_string(),
        seed_request: bet.seed_request.map(|s| c.format(s)),
        total_granted: c.format(total),
        streak: loaded.grants.last().map_or(0, |(r, _)| r.streak),
        grants: grant_rows(&loaded.grants, &loaded.confidences, c, &unit),
        thresholds: threshold_rows(&loaded.thresholds, &unit, now),
        reports: report_rows(&loaded.table.0),
        reports_total: loaded.table.1,
        page,
        pages: pages(loaded.table.1),
        can_report: actor.can_write_team(bet.team_id) && !bet.status.is_closed(),
        form_key: form_key(),
        cost: loaded.costs.map(|costs| bet_cost::view(costs, total, c)),
        chrome,
    }
}
