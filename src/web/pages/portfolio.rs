//! `GET /`: the portfolio, for executives: where the latest round's money went (by arena and by
//! team), money per bet over all rounds, the biggest moves, kills and seeds, concentration, stale
//! bets, and the totals from the ledger; for the committee and executives also the market at a
//! glance (`market::glance`). The charts and their titles are drawn in `charts`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::TimeDelta;

use crate::db;
use crate::db::overview::{self, GrantLine, RoundHead};
use crate::domain::BetStatus;
use crate::domain::approx;
use crate::domain::{Currency, Role};
use crate::engine::Decision;
use crate::error::AppError;
use crate::services::market::glance::Glance;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::NoticeQuery;
use crate::web::pages::market::glance::{self, MarketGlance};
use crate::web::session::Viewer;
use crate::web::view::{Change, Chip, change, chip};
use crate::web::{html_page, see_other};

mod charts;
mod races;

use self::charts::{Candidate, group_bars, round_bars};

/// How many rows the move and stale lists show.
const LIST_ROWS: usize = 8;

pub struct MoveRow {
    pub bet_id: i64,
    pub title: String,
    pub team: String,
    pub grant: String,
    pub change: Change,
    pub chip: Chip,
}

pub struct NameRow {
    pub bet_id: i64,
    pub title: String,
    pub team: String,
    pub amount: String,
}

pub struct Latest {
    pub id: i64,
    pub as_of: String,
    pub budget: String,
    pub granted: String,
    pub reserve: String,
    pub funded: usize,
    pub concentration: String,
    pub by_arena: String,
    pub by_team: String,
    pub increases: Vec<MoveRow>,
    pub cuts: Vec<MoveRow>,
    pub killed: Vec<NameRow>,
    pub seeded: Vec<NameRow>,
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    chrome: Chrome,
    latest: Option<Latest>,
    money_chart: Option<String>,
    rounds: usize,
    total_granted: String,
    active_bets: i64,
    killed_bets: i64,
    stale: Vec<NameRow>,
    stale_total: usize,
    market: Option<MarketGlance>,
    races: Vec<races::RaceLine>,
}

struct Loaded {
    rounds: Vec<RoundHead>,
    lines: Vec<GrantLine>,
    top: Vec<(i64, String, BetStatus, i64)>,
    top_grants: Vec<(i64, i64, i64)>,
    stale: Vec<(i64, String, i64)>,
    statuses: Vec<(BetStatus, i64)>,
    team_names: BTreeMap<i64, String>,
    market: Option<Glance>,
    races: Vec<races::RaceLine>,
}

#[get("/")]
pub async fn portfolio(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    if viewer.role == Role::Partner {
        return Ok(see_other(viewer.home()));
    }
    let chrome = Chrome::load(&state, &viewer, "portfolio", query.notice.as_deref()).await?;
    let now = crate::domain::time::now();
    let funding_totals = state.funding_totals.clone();
    let (actor, market_now) = (viewer.actor.clone(), state.clock.now());
    let loaded = db::run(&state.pool, move |conn| {
        let rounds = overview::committed_rounds(conn)?;
        let lines = match rounds.last() {
            Some(r) => overview::round_lines(conn, r.id)?,
            None => Vec::new(),
        };
        let totals = funding_totals.most_funded(conn, &rounds, charts::CANDIDATES)?;
        let top = overview::named_totals(conn, totals)?;
        let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
        Ok::<_, AppError>(Loaded {
            market: glance::load(conn, &actor, market_now)?,
            races: races::load(conn, &actor, market_now)?,
            top_grants: overview::grants_of_bets(conn, &ids)?,
            top,
            stale: overview::stale_bets(conn, (now - TimeDelta::days(14)).naive_utc())?,
            statuses: overview::bets_by_status(conn)?,
            team_names: db::teams::Team::list(conn, None)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            rounds,
            lines,
        })
    })
    .await?;
    let c = &state.currency;
    let count = |status: BetStatus| {
        loaded
            .statuses
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    };
    let total_granted: i64 = loaded
        .rounds
        .iter()
        .map(|r| r.budget - r.reserve.unwrap_or(r.budget))
        .sum();
    let page = PortfolioPage {
        latest: loaded
            .rounds
            .last()
            .map(|r| latest(c, r, &loaded.lines, &loaded.team_names)),
        money_chart: (!loaded.rounds.is_empty()).then(|| money_chart(c, &loaded)),
        rounds: loaded.rounds.len(),
        total_granted: c.format(total_granted),
        active_bets: count(BetStatus::Active),
        killed_bets: count(BetStatus::Killed),
        stale_total: loaded.stale.len(),
        market: loaded.market.as_ref().map(|g| glance::view(g, c)),
        races: loaded.races,
        stale: loaded
            .stale
            .iter()
            .take(LIST_ROWS)
            .map(|(id, title, team)| NameRow {
                bet_id: *id,
                title: title.clone(),
                team: team_name(&loaded.team_names, *team),
                amount: String::new(),
            })
            .collect(),
        chrome,
    };
    html_page(StatusCode::OK, &page)
}

/// A team's name from the page's list of teams (every team, so never missing in practice).
fn team_name(names: &BTreeMap<i64, String>, id: i64) -> String {
    names.get(&id).cloned().unwrap_or_default()
}

fn latest(
    c: &Currency,
    round: &RoundHead,
    lines: &[GrantLine],
    team_names: &BTreeMap<i64, String>,
) -> Latest {
    let team_of = |l: &GrantLine| team_name(team_names, l.team_id);
    let granted: i64 = lines.iter().map(|l| l.granted).sum();
    let mut amounts: Vec<i64> = lines.iter().map(|l| l.granted).collect();
    amounts.sort_unstable_by(|a, b| b.cmp(a));
    let top3: i64 = amounts.iter().take(3).sum();
    let concentration = if granted > 0 {
        format!(
            "{} of the grants went to the top three bets",
            format::percent(approx::share(top3, granted))
        )
    } else {
        "nothing was granted".to_owned()
    };
    // Summed by id; each group's name is looked up once, not cloned for every line.
    let sum_by = |key: fn(&GrantLine) -> i64, name: &dyn Fn(&GrantLine) -> String| {
        let mut sums: BTreeMap<i64, (String, i64)> = BTreeMap::new();
        for l in lines {
            sums.entry(key(l)).or_insert_with(|| (name(l), 0)).1 += l.granted;
        }
        group_bars(sums, granted)
    };
    let arenas = sum_by(|l| l.arena_id, &|l| l.arena_name.clone());
    let teams = sum_by(|l| l.team_id, &team_of);
    let (by_arena, by_team) = round_bars(c, round.id, (&arenas, &teams), granted);
    let date = format::date(round.as_of.and_utc());
    let moves = |mut picked: Vec<&GrantLine>| -> Vec<MoveRow> {
        picked.truncate(LIST_ROWS);
        picked
            .into_iter()
            .map(|l| MoveRow {
                bet_id: l.bet_id,
                title: l.title.clone(),
                team: team_of(l),
                grant: c.format_amount(l.granted),
                change: change(c, l.granted - l.prev_grant),
                chip: chip(l.decision.as_str()),
            })
            .collect()
    };
    let mut up: Vec<&GrantLine> = lines.iter().filter(|l| l.granted > l.prev_grant).collect();
    up.sort_by_key(|l| std::cmp::Reverse(l.granted - l.prev_grant));
    let mut down: Vec<&GrantLine> = lines.iter().filter(|l| l.granted < l.prev_grant).collect();
    down.sort_by_key(|l| l.granted - l.prev_grant);
    let names = |decision: Decision| -> Vec<NameRow> {
        lines
            .iter()
            .filter(|l| l.decision == decision)
            .map(|l| NameRow {
                bet_id: l.bet_id,
                title: l.title.clone(),
                team: team_of(l),
                amount: c.format_amount(if decision == Decision::Killed {
                    l.prev_grant
                } else {
                    l.granted
                }),
            })
            .collect()
    };
    Latest {
        id: round.id,
        as_of: date.clone(),
        budget: c.format(round.budget),
        granted: c.format(granted),
        reserve: c.format(round.reserve.unwrap_or(0)),
        funded: lines.iter().filter(|l| l.granted > 0).count(),
        concentration,
        by_arena,
        by_team,
        increases: moves(up),
        cuts: moves(down),
        killed: names(Decision::Killed),
        seeded: names(Decision::Seed),
    }
}

/// Money per bet over all rounds: the candidates' grants per round and each round's whole
/// grants, for `charts::money_chart` to choose the bets it names.
fn money_chart(c: &Currency, loaded: &Loaded) -> String {
    let index: BTreeMap<i64, usize> = loaded
        .rounds
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    let categories: Vec<String> = loaded
        .rounds
        .iter()
        .map(|r| format!("R{} {}", r.id, format::date(r.as_of.and_utc())))
        .collect();
    let candidates: Vec<Candidate> = loaded
        .top
        .iter()
        .map(|(id, title, status, _)| {
            let mut values = vec![0; categories.len()];
            for (round, bet, amount) in &loaded.top_grants {
                if bet == id
                    && let Some(&i) = index.get(round)
                {
                    values[i] += amount;
                }
            }
            Candidate {
                id: *id,
                title: title.clone(),
                status: *status,
                values,
            }
        })
        .collect();
    let totals: Vec<i64> = loaded
        .rounds
        .iter()
        .map(|r| r.budget - r.reserve.unwrap_or(r.budget))
        .collect();
    charts::money_chart(c, &categories, &candidates, &totals)
}
