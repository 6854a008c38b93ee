//! `GET /bets/{id}`: one bet's race. Its metric over time (every report, corrected ones
//! visibly replaced, the fitted trend, the threshold steps, the round instants), where it stands
//! for the next round, its grants and the reasons of each round, its thresholds and reports.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::db::arenas::Arena;
use crate::db::bets::{Bet, Threshold};
use crate::db::reports::{Report, ReportWithCorrection};
use crate::db::rounds::RoundResultRow;
use crate::db::teams::Team;
use crate::domain::BetStatus;
use crate::domain::approx;
use crate::engine::{Decision, Direction};
use crate::error::AppError;
use crate::services::bets::visible_bet;
use crate::services::rounds::projection::{Projection, project};
use crate::startup::AppState;
use crate::web::charts::{self, MetricChart, ReportPoint, RoundMark, ThresholdStep, Tone, Trend};
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::form_key;
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Change, Chip, change, chip};

/// Reports drawn in the chart: the newest this many.
const CHART_REPORTS: i64 = 1_000;
const TABLE_REPORTS: u32 = 25;

#[derive(Deserialize)]
pub struct BetQuery {
    page: Option<u32>,
    notice: Option<String>,
}

pub struct GrantRow {
    pub round_id: i64,
    pub as_of: String,
    pub outcome: Chip,
    pub p_beat: String,
    pub level: String,
    pub threshold: String,
    pub streak: i32,
    pub grant: String,
    pub change: Change,
    pub decision: Chip,
    pub reasons: Vec<String>,
}

pub struct ThresholdRow {
    pub target: String,
    pub from: String,
    pub in_force: bool,
    pub future: bool,
}

pub struct ReportRow {
    pub id: i64,
    pub value: String,
    pub observed_at: String,
    pub source: String,
    pub supersedes: Option<i64>,
    pub superseded_by: Option<i64>,
}

pub struct Standing {
    pub verdict: Chip,
    pub when: String,
    pub level: String,
    pub threshold: String,
    pub p_beat: String,
    pub margin: String,
    pub margin_class: &'static str,
    pub progress: String,
    pub n: u32,
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
}

struct Loaded {
    bet: Bet,
    team: String,
    arena: String,
    thresholds: Vec<Threshold>,
    chart_reports: Vec<ReportWithCorrection>,
    table: (Vec<ReportWithCorrection>, i64),
    grants: Vec<(RoundResultRow, chrono::NaiveDateTime)>,
    projection: Option<Projection>,
}

#[get("/bets/{id}")]
pub async fn bet_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<BetQuery>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let actor = viewer.actor.clone();
    let now = crate::domain::time::now();
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
            projection,
            bet,
            team,
            arena,
        })
    })
    .await?;
    let chrome = Chrome::load(&state, &viewer, "arenas", query.notice.as_deref()).await?;
    let c = &state.currency;
    let bet = &loaded.bet;
    let unit = bet.metric_unit.clone();
    let now_naive = now.naive_utc();
    let in_force = loaded
        .thresholds
        .iter()
        .rev()
        .find(|t| t.effective_from <= now_naive)
        .map(|t| t.id);
    let grants: Vec<GrantRow> = loaded
        .grants
        .iter()
        .map(|(r, as_of)| GrantRow {
            round_id: r.round_id,
            as_of: format::date(as_of.and_utc()),
            outcome: chip(r.outcome.as_str()),
            p_beat: r.p_beat.map_or("–".to_owned(), format::percent),
            level: r
                .level
                .map_or("–".to_owned(), |l| format!("{} {unit}", format::sig3(l))),
            threshold: format!("{} {unit}", format::sig3(r.threshold)),
            streak: r.streak,
            grant: c.format_amount(r.granted),
            change: change(c, r.granted - r.prev_grant),
            decision: chip(r.decision.as_str()),
            reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
        })
        .collect();
    let total: i64 = loaded.grants.iter().map(|(r, _)| r.granted).sum();
    let body = BetPage {
        chart: chart(&loaded, &unit),
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
        grants,
        thresholds: loaded
            .thresholds
            .iter()
            .map(|t| ThresholdRow {
                target: format!("{} {unit}", format::full(t.target)),
                from: format::datetime(t.effective_from.and_utc()),
                in_force: Some(t.id) == in_force,
                future: t.effective_from > now_naive,
            })
            .collect(),
        reports: loaded
            .table
            .0
            .iter()
            .map(|(r, by)| ReportRow {
                id: r.id,
                value: format::full(r.value),
                observed_at: format::datetime(r.observed_at.and_utc()),
                source: r.source.clone().unwrap_or_default(),
                supersedes: r.supersedes,
                superseded_by: *by,
            })
            .collect(),
        reports_total: loaded.table.1,
        page,
        pages: u32::try_from(
            (loaded.table.1 + i64::from(TABLE_REPORTS) - 1) / i64::from(TABLE_REPORTS),
        )
        .unwrap_or(1)
        .max(1),
        can_report: viewer.can_write_team(bet.team_id) && !bet.status.is_closed(),
        form_key: form_key(),
        chrome,
    };
    html_page(StatusCode::OK, &body)
}

fn standing(p: &Projection, unit: &str) -> Standing {
    let r = &p.result;
    let margin = p.margin.unwrap_or(0.0);
    Standing {
        verdict: chip(p.verdict()),
        when: format::date(p.next_round_at),
        level: r
            .level
            .map_or("–".to_owned(), |l| format!("{} {unit}", format::sig3(l))),
        threshold: format!("{} {unit}", format::sig3(r.threshold)),
        p_beat: r.p_beat.map_or("–".to_owned(), format::percent),
        margin: match p.margin {
            Some(m) if m >= 0.0 => format!("{} {unit} past the threshold", format::sig3(m)),
            Some(m) => format!("{} {unit} short of the threshold", format::sig3(-m)),
            None => "no estimate yet".to_owned(),
        },
        margin_class: if p.margin.is_none() {
            ""
        } else if margin >= 0.0 {
            "up"
        } else {
            "down"
        },
        progress: r.progress.map_or("–".to_owned(), |q| {
            format!("{}% of the way", format::sig3(q * 100.0))
        }),
        n: r.n,
    }
}

fn chart(loaded: &Loaded, unit: &str) -> String {
    let bet = &loaded.bet;
    let reports: Vec<ReportPoint> = loaded
        .chart_reports
        .iter()
        .map(|(r, by)| ReportPoint {
            id: r.id,
            at: r.observed_at.and_utc(),
            value: r.value,
            superseded_by: *by,
        })
        .collect();
    let thresholds: Vec<ThresholdStep> = loaded
        .thresholds
        .iter()
        .map(|t| ThresholdStep {
            from: t.effective_from.and_utc(),
            target: t.target,
        })
        .collect();
    let rounds: Vec<RoundMark> = loaded
        .grants
        .iter()
        .map(|(r, as_of)| RoundMark {
            at: as_of.and_utc(),
            tone: match r.decision {
                Decision::Increase | Decision::Seed => Tone::Up,
                Decision::Decrease | Decision::Cut | Decision::Killed => Tone::Down,
                Decision::Hold | Decision::Pinned => Tone::Neutral,
            },
            label: r.decision.as_str().to_owned(),
            round_id: r.round_id,
        })
        .collect();
    let trend = loaded.projection.as_ref().and_then(|p| {
        let r = &p.result;
        let (level, slope, se) = (r.level?, r.slope?, r.se?);
        // The fit runs over the current window; draw it from the last round to now, and dashed
        // on to the next round where the projection is read.
        let from = loaded
            .grants
            .last()
            .map(|(_, at)| at.and_utc())
            .or_else(|| reports.iter().map(|p| p.at).min())?;
        let to = crate::domain::time::now();
        let days_left = approx::days(p.next_round_at - to);
        Some(Trend {
            from,
            to,
            level: level - slope * days_left,
            slope_per_day: slope,
            se,
            extend_to: Some(p.next_round_at),
        })
    });
    let title = match &loaded.projection {
        Some(p) => format!(
            "{}: {} for round on {}",
            bet.title,
            p.verdict(),
            format::date(p.next_round_at)
        ),
        None => format!("{} over time", bet.metric_name),
    };
    charts::metric_chart(&MetricChart {
        title: &title,
        metric: &bet.metric_name,
        unit,
        reports: &reports,
        thresholds: &thresholds,
        trend,
        rounds: &rounds,
    })
}
