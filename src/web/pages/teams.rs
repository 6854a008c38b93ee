//! `GET /teams` and `GET /teams/{id}`: a team's bets and where each stands for the next round,
//! its people, its money, and for its own members the form to report a value.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::market::retry::Retry;
use super::market::team_books::{self, TeamMarket};
use super::standings::Standings;
use crate::db;
use crate::db::bets::{Bet, BetFilter};
use crate::db::ledger::Account;
use crate::db::teams::Team;
use crate::db::users::User;
use crate::domain::{AccountKind, Actor, BetStatus, Currency};
use crate::error::AppError;
use crate::services::rounds::projection::Projection;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{NoticeQuery, form_key};
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip, p_beat};

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
    /// The key figure: what the listed teams' accounts hold together.
    held: String,
    /// "12 teams, 48 people, 20 active bets".
    counts: String,
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
    let mut held: i128 = 0;
    let rows: Vec<TeamRow> = teams
        .into_iter()
        .map(|t| {
            let balance = accounts
                .iter()
                .find(|a| a.team_id == Some(t.id) && a.kind == AccountKind::Team)
                .and_then(|a| balances.get(&a.id).copied())
                .unwrap_or(0);
            held += i128::from(balance);
            TeamRow {
                members: users.iter().filter(|u| u.team_id == Some(t.id)).count(),
                active: bets.iter().filter(|b| b.team_id == t.id).count(),
                balance: c.format_amount(balance),
                id: t.id,
                name: t.name,
                kind: t.kind.to_string(),
                max_members: t.max_members,
            }
        })
        .collect();
    let counts = format!(
        "on the accounts of {}, with {} and {}",
        format::count(rows.len(), "team", "teams"),
        format::count(rows.iter().map(|r| r.members).sum(), "person", "people"),
        format::count(
            rows.iter().map(|r| r.active).sum(),
            "active bet",
            "active bets"
        )
    );
    let page = TeamsPage {
        chrome: Chrome::load(&state, &viewer, "teams", None).await?,
        teams: rows,
        held: c.format(i64::try_from(held).unwrap_or(i64::MAX)),
        counts,
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
    market: TeamMarket,
    /// A market form of this page that did not act, drawn again as typed.
    retry: Retry,
}

/// What the team page reads.
struct Loaded {
    team: Team,
    members: Vec<User>,
    bets: Vec<Bet>,
    balance: i64,
    standings: Standings,
    market: team_books::Loaded,
}

#[get("/teams/{id}")]
pub async fn show_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    let notice = query.notice.as_deref();
    draw(
        &state,
        &viewer,
        path.into_inner(),
        notice,
        (Retry::none(), StatusCode::OK),
    )
    .await
}

/// The team page with one of its market forms drawn again after `retry`.
pub(crate) async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    retry: Retry,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    draw(state, viewer, id, None, (retry, status)).await
}

async fn draw(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    notice: Option<&str>,
    (retry, status): (Retry, StatusCode),
) -> Result<HttpResponse, WebError> {
    if !viewer.can_read_team(id) {
        return Err(WebError::not_found("team"));
    }
    let now = state.clock.now();
    let loaded = load(state, viewer, id, now).await?;
    let chrome = Chrome::load(state, viewer, "teams", notice).await?;
    let mut page = build(chrome, loaded, (&state.currency, now), viewer);
    page.retry = retry;
    html_page(status, &page)
}

/// Reads the team, its bets and where they stand, its people, its balance and its market in
/// one call.
async fn load(
    state: &AppState,
    actor: &Actor,
    id: i64,
    market_now: chrono::DateTime<chrono::Utc>,
) -> Result<Loaded, WebError> {
    let now = crate::domain::time::now();
    let actor = actor.clone();
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
        let balance = match Account::of_team(conn, id)? {
            Some(account) => Account::balances(conn)?
                .get(&account.id)
                .copied()
                .unwrap_or(0),
            None => 0,
        };
        Ok::<_, AppError>(Loaded {
            members: User::list(conn, Some(id))?,
            standings: Standings::read(conn, &bets, now)?,
            market: team_books::load(conn, &actor, id, market_now)?,
            team,
            bets,
            balance,
        })
    })
    .await?;
    Ok(loaded)
}

/// The page from what was read; `actor` decides which bets offer the report form.
fn build(
    chrome: Chrome,
    loaded: Loaded,
    (c, now): (&Currency, chrono::DateTime<chrono::Utc>),
    actor: &Actor,
) -> TeamPage {
    let standings = &loaded.standings;
    let bets: Vec<BetRow> = loaded
        .bets
        .iter()
        .map(|b| bet_row(b, standings, c, actor))
        .collect();
    let market = team_books::build(&loaded.market, &loaded.team.name, actor, c, now);
    TeamPage {
        chrome,
        market,
        id: loaded.team.id,
        name: loaded.team.name,
        kind: loaded.team.kind.to_string(),
        balance: c.format(loaded.balance),
        granted_last: c.format(standings.last_round_total()),
        next_round: standings.next_round(),
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
        retry: Retry::none(),
    }
}

fn bet_row(b: &Bet, standings: &Standings, c: &Currency, actor: &Actor) -> BetRow {
    let p = standings.projection(b.id);
    let results = standings.results(b.id);
    let unit = &b.metric_unit;
    let (standing, class) = standing(p, unit);
    BetRow {
        id: b.id,
        title: b.title.clone(),
        status: chip(b.status.as_str()),
        closed: b.status.is_closed(),
        metric: format!("{} ({unit})", b.metric_name),
        verdict: p.map(|p| chip(p.verdict())),
        standing,
        standing_class: class,
        p_beat: p.map_or(format::MISSING.to_owned(), |p| {
            p_beat(p.result.p_beat, p.confidence)
        }),
        last_grant: results
            .last()
            .map_or(format::MISSING.to_owned(), |r| c.format_amount(r.granted)),
        total: c.format_amount(results.iter().map(|r| r.granted).sum()),
        reportable: actor.can_write_team(b.team_id) && !b.status.is_closed(),
    }
}

/// How far past or short of its threshold a bet is projected, and the colour that says which.
fn standing(p: Option<&Projection>, unit: &str) -> (String, &'static str) {
    let threshold = || format::sig3(p.map_or(0.0, |p| p.result.threshold));
    match p.and_then(|p| p.margin) {
        Some(m) if m >= 0.0 => (
            format!("{} {unit} past {}", format::sig3(m), threshold()),
            "up",
        ),
        Some(m) => (
            format!("{} {unit} short of {}", format::sig3(-m), threshold()),
            "down",
        ),
        None if p.is_some() => ("not enough reports yet".to_owned(), ""),
        None => (String::new(), ""),
    }
}
