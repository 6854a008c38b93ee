//! `GET /teams` and `GET /teams/{id}`: a team's bets and where each stands for the next round,
//! its people, its money, and for its own members the form to report a value.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::db::bets::{Bet, BetFilter};
use crate::db::ledger::Account;
use crate::db::rounds::RoundResultRow;
use crate::db::teams::Team;
use crate::db::users::User;
use crate::domain::BetStatus;
use crate::error::AppError;
use crate::services::rounds::projection::{Projection, project};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::form_key;
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip};

pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub members: usize,
    pub max_members: i32,
    pub active: usize,
    pub balance: String,
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    chrome: Chrome,
    teams: Vec<TeamRow>,
}

#[get("/teams")]
pub async fn list_page(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let only = (!viewer.reads_all_teams()).then_some(viewer.team_id.unwrap_or(-1));
    let (teams, users, bets, accounts, balances) = db::run(&state.pool, move |conn| {
        Ok::<_, AppError>((
            Team::list(conn, only)?,
            User::list(conn, None)?,
            Bet::page(
                conn,
                &BetFilter {
                    status: Some(BetStatus::Active),
                    ..BetFilter::default()
                },
                0,
                i64::MAX,
            )?
            .0,
            Account::list(conn)?,
            Account::balances(conn)?,
        ))
    })
    .await?;
    let c = &state.currency;
    let rows = teams
        .into_iter()
        .map(|t| TeamRow {
            members: users.iter().filter(|u| u.team_id == Some(t.id)).count(),
            active: bets.iter().filter(|b| b.team_id == t.id).count(),
            balance: accounts
                .iter()
                .find(|a| a.team_id == Some(t.id))
                .map_or(c.format_amount(0), |a| {
                    c.format_amount(balances.get(&a.id).copied().unwrap_or(0))
                }),
            id: t.id,
            name: t.name,
            kind: t.kind.to_string(),
            max_members: t.max_members,
        })
        .collect();
    let page = TeamsPage {
        chrome: Chrome::load(&state, &viewer, "teams", None).await?,
        teams: rows,
    };
    html_page(StatusCode::OK, &page)
}

pub struct BetRow {
    pub id: i64,
    pub title: String,
    pub status: Chip,
    pub closed: bool,
    pub metric: String,
    pub verdict: Option<Chip>,
    pub standing: String,
    pub standing_class: &'static str,
    pub p_beat: String,
    pub last_grant: String,
    pub total: String,
    pub reportable: bool,
}

pub struct MemberRow {
    pub name: String,
    pub role: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    chrome: Chrome,
    id: i64,
    name: String,
    kind: String,
    balance: String,
    granted_last: String,
    next_round: Option<String>,
    bets: Vec<BetRow>,
    members: Vec<MemberRow>,
    max_members: i32,
    can_report: bool,
    form_key: String,
}

#[derive(Deserialize)]
pub struct TeamQuery {
    notice: Option<String>,
}

struct Loaded {
    team: Team,
    members: Vec<User>,
    bets: Vec<Bet>,
    balance: i64,
    results: BTreeMap<i64, Vec<RoundResultRow>>,
    projections: BTreeMap<i64, Projection>,
}

#[get("/teams/{id}")]
pub async fn show_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<TeamQuery>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    if !viewer.can_read_team(id) {
        return Err(WebError::not_found("team"));
    }
    let now = crate::domain::time::now();
    let loaded = db::run(&state.pool, move |conn| {
        let team = Team::find(conn, id)?.ok_or_else(|| AppError::not_found("team"))?;
        let bets = Bet::page(
            conn,
            &BetFilter {
                team_id: Some(id),
                ..BetFilter::default()
            },
            0,
            i64::MAX,
        )?
        .0;
        let active: Vec<i64> = bets
            .iter()
            .filter(|b| b.status == BetStatus::Active)
            .map(|b| b.id)
            .collect();
        let mut results = BTreeMap::new();
        for b in &bets {
            results.insert(
                b.id,
                RoundResultRow::for_bet(conn, b.id)?
                    .into_iter()
                    .map(|(r, _)| r)
                    .collect(),
            );
        }
        let balance = match Account::of_team(conn, id)? {
            Some(account) => Account::balances(conn)?
                .get(&account.id)
                .copied()
                .unwrap_or(0),
            None => 0,
        };
        Ok::<_, AppError>(Loaded {
            members: User::list(conn, Some(id))?,
            projections: project(conn, &active, now)?,
            team,
            bets,
            balance,
            results,
        })
    })
    .await?;
    let c = &state.currency;
    let bets: Vec<BetRow> = loaded
        .bets
        .iter()
        .map(|b| {
            let p = loaded.projections.get(&b.id);
            let results = loaded
                .results
                .get(&b.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let unit = &b.metric_unit;
            let (standing, class) = match p.and_then(|p| p.margin) {
                Some(m) if m >= 0.0 => (
                    format!(
                        "{} {unit} past {}",
                        format::sig3(m),
                        format::sig3(p.map_or(0.0, |p| p.result.threshold))
                    ),
                    "up",
                ),
                Some(m) => (
                    format!(
                        "{} {unit} short of {}",
                        format::sig3(-m),
                        format::sig3(p.map_or(0.0, |p| p.result.threshold))
                    ),
                    "down",
                ),
                None if p.is_some() => ("not enough reports yet".to_owned(), ""),
                None => (String::new(), ""),
            };
            BetRow {
                id: b.id,
                title: b.title.clone(),
                status: chip(b.status.as_str()),
                closed: b.status.is_closed(),
                metric: format!("{} ({unit})", b.metric_name),
                verdict: p.map(|p| chip(p.verdict())),
                standing,
                standing_class: class,
                p_beat: p
                    .and_then(|p| p.result.p_beat)
                    .map_or("–".to_owned(), format::percent),
                last_grant: results
                    .last()
                    .map_or("–".to_owned(), |r| c.format_amount(r.granted)),
                total: c.format_amount(results.iter().map(|r| r.granted).sum()),
                reportable: viewer.can_write_team(b.team_id) && !b.status.is_closed(),
            }
        })
        .collect();
    let last_round_total: i64 = loaded
        .results
        .values()
        .filter_map(|r| r.last())
        .map(|r| r.granted)
        .sum();
    let page = TeamPage {
        chrome: Chrome::load(&state, &viewer, "teams", query.notice.as_deref()).await?,
        id,
        name: loaded.team.name.clone(),
        kind: loaded.team.kind.to_string(),
        balance: c.format(loaded.balance),
        granted_last: c.format(last_round_total),
        next_round: loaded
            .projections
            .values()
            .next()
            .map(|p| format::date(p.next_round_at)),
        can_report: bets.iter().any(|b| b.reportable),
        bets,
        members: loaded
            .members
            .iter()
            .map(|u| MemberRow {
                name: u.name.clone(),
                role: u.role.to_string(),
            })
            .collect(),
        max_members: loaded.team.max_members,
        form_key: form_key(),
    };
    html_page(StatusCode::OK, &page)
}
