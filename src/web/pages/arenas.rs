//! `GET /arenas` and `GET /arenas/{id}`: the races. An arena's page leads with the race under
//! way in it, when the viewer may read one (`races`: its racers, finish, chart, P(best) and the
//! call), or else a line on the latest decided race; then its leaderboard ranks its bets by how
//! far they are toward their threshold (the engine's progress, projected to the next round),
//! with level against threshold, P(beat), miss streak, funding and a small trend line.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::races::{self, DecidedLine, InArena, RaceView};
use super::standings::{Standings, active_ids};
use crate::db;
use crate::db::arenas::Arena;
use crate::db::bets::{Bet, BetFilter};
use crate::db::reports::EvidencePoint;
use crate::db::teams::Team;
use crate::domain::{Actor, BetStatus, Currency};
use crate::error::AppError;
use crate::startup::AppState;
use crate::web::charts;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip, level, measure, p_beat};

/// The reports a trend line shows.
const SPARK_POINTS: usize = 12;

pub struct ArenaRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// "3 active bets from 2 teams".
    pub racing: String,
}

#[derive(Template)]
#[template(path = "arenas.html")]
struct ArenasPage {
    chrome: Chrome,
    arenas: Vec<ArenaRow>,
    /// The key figure: every active bet the viewer may see, across the arenas.
    active: String,
    /// "in 3 arenas, from 12 teams".
    spread: String,
}

#[get("/arenas")]
pub async fn list_page(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let actor = viewer.actor.clone();
    let (arenas, bets) = db::run(&state.pool, move |conn| {
        let filter = visible_to(&actor, BetFilter::default());
        Ok::<_, AppError>((Arena::list(conn)?, Bet::page(conn, &filter, 0, i64::MAX)?.0))
    })
    .await?;
    let active: Vec<&Bet> = bets
        .iter()
        .filter(|b| b.status == BetStatus::Active)
        .collect();
    let spread = format!(
        "in {}, from {}",
        format::count(arenas.len(), "arena", "arenas"),
        format::count(distinct_teams(&active), "team", "teams")
    );
    let rows = arenas
        .into_iter()
        .map(|a| {
            let in_arena: Vec<&Bet> = active
                .iter()
                .copied()
                .filter(|b| b.arena_id == a.id)
                .collect();
            ArenaRow {
                racing: format!(
                    "{} from {}",
                    format::count(in_arena.len(), "active bet", "active bets"),
                    format::count(distinct_teams(&in_arena), "team", "teams")
                ),
                id: a.id,
                name: a.name,
                description: a.description,
            }
        })
        .collect();
    let page = ArenasPage {
        chrome: Chrome::load(&state, &viewer, "arenas", None).await?,
        arenas: rows,
        active: format::count(active.len(), "active bet", "active bets"),
        spread,
    };
    html_page(StatusCode::OK, &page)
}

/// How many teams the bets come from.
fn distinct_teams(bets: &[&Bet]) -> usize {
    let mut teams: Vec<i64> = bets.iter().map(|b| b.team_id).collect();
    teams.sort_unstable();
    teams.dedup();
    teams.len()
}

/// Narrows a bet filter to the bets `actor` may see: every team's, or only their own (none
/// when they have no team).
fn visible_to(actor: &Actor, mut filter: BetFilter) -> BetFilter {
    if !actor.reads_all_teams() {
        filter.team_id = actor.team_id.or(Some(-1));
    }
    filter
}

pub struct LeaderRow {
    pub rank: usize,
    pub id: i64,
    pub title: String,
    pub team_id: i64,
    pub team: String,
    pub status: Chip,
    pub closed: bool,
    pub level: String,
    pub threshold: String,
    pub progress: String,
    pub p_beat: String,
    pub verdict: Option<Chip>,
    pub streak: i32,
    pub funding: String,
    pub spark: String,
}

#[derive(Template)]
#[template(path = "arena.html")]
struct ArenaPage {
    chrome: Chrome,
    /// The race under way, for those who may read it.
    race: Option<RaceView>,
    /// Else the latest decided race, in a line.
    last_race: Option<DecidedLine>,
    /// The words of the link to the race's page.
    race_link: &'static str,
    name: String,
    description: String,
    next_round: Option<String>,
    leaders: Vec<LeaderRow>,
    others: Vec<LeaderRow>,
}

/// What the arena page reads.
struct Loaded {
    arena: Arena,
    bets: Vec<Bet>,
    teams: BTreeMap<i64, String>,
    standings: Standings,
    /// The newest reports of each active bet, for its trend line.
    sparks: BTreeMap<i64, Vec<f64>>,
    /// The race the page leads with.
    race: InArena,
}

#[get("/arenas/{id}")]
pub async fn show_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let loaded = load(&state, &viewer, path.into_inner()).await?;
    let chrome = Chrome::load(&state, &viewer, "arenas", None).await?;
    let mut page = build(chrome, loaded, &state.currency);
    if viewer.is_committee() {
        page.race_link = "Open the race: every racer's figures, and the decision";
    }
    html_page(StatusCode::OK, &page)
}

/// Reads the arena, the bets in it the viewer may see, where they stand, their trend lines and
/// the teams' names in one call.
async fn load(state: &AppState, viewer: &Viewer, id: i64) -> Result<Loaded, WebError> {
    let actor = viewer.actor.clone();
    let now = crate::domain::time::now();
    let race_now = state.clock.now();
    let loaded = db::run(&state.pool, move |conn| {
        let arena = Arena::find(conn, id)?.ok_or_else(|| AppError::not_found("arena"))?;
        let filter = BetFilter {
            arena_id: Some(id),
            ..BetFilter::default()
        };
        let bets = Bet::page(conn, &visible_to(&actor, filter), 0, i64::MAX)?.0;
        let active = active_ids(&bets);
        let mut sparks: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
        for p in EvidencePoint::history_before(conn, now.naive_utc(), SPARK_POINTS, Some(&active))?
        {
            sparks.entry(p.bet_id).or_default().push(p.value);
        }
        Ok::<_, AppError>(Loaded {
            standings: Standings::read(conn, &bets, now)?,
            teams: Team::list(conn, None)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            race: races::read_for_arena(conn, &actor, id, race_now)?,
            arena,
            bets,
            sparks,
        })
    })
    .await?;
    Ok(loaded)
}

/// The page from what was read: the open bets ranked, the closed ones after them.
fn build(chrome: Chrome, loaded: Loaded, c: &Currency) -> ArenaPage {
    let rows = loaded
        .bets
        .iter()
        .map(|b| leader_row(b, &loaded, c))
        .collect();
    let (leaders, others) = rank(rows);
    let (race, last_race) = races::arena_views(loaded.race, c);
    ArenaPage {
        chrome,
        race,
        last_race,
        race_link: "Open the race: every racer's figures",
        next_round: loaded.standings.next_round(),
        name: loaded.arena.name,
        description: loaded.arena.description,
        leaders,
        others,
    }
}

/// A bet's row, with the progress it is ranked by (none ranks last).
fn leader_row(b: &Bet, loaded: &Loaded, c: &Currency) -> (f64, LeaderRow) {
    let p = loaded.standings.projection(b.id);
    let results = loaded.standings.results(b.id);
    let funded: i64 = results.iter().map(|r| r.granted).sum();
    let unit = &b.metric_unit;
    let progress = p.and_then(|p| p.result.progress);
    let row = LeaderRow {
        rank: 0,
        id: b.id,
        title: b.title.clone(),
        team_id: b.team_id,
        team: loaded.teams.get(&b.team_id).cloned().unwrap_or_default(),
        status: chip(b.status.as_str()),
        closed: b.status.is_closed(),
        level: level(p.and_then(|p| p.result.level), unit),
        threshold: p.map_or(format::MISSING.to_owned(), |p| {
            measure(p.result.threshold, unit)
        }),
        progress: progress.map_or(format::MISSING.to_owned(), |q| {
            format!("{}%", format::sig3(q * 100.0))
        }),
        p_beat: p.map_or(format::MISSING.to_owned(), |p| {
            p_beat(p.result.p_beat, p.confidence)
        }),
        verdict: p.map(|p| chip(p.verdict())),
        streak: results.last().map_or(0, |r| r.streak),
        funding: c.format_amount(funded),
        spark: loaded.sparks.get(&b.id).map_or(String::new(), |v| {
            charts::sparkline(v, p.map(|p| p.result.threshold))
        }),
    };
    (progress.unwrap_or(f64::NEG_INFINITY), row)
}

/// Best progress first; closed bets last, in id order. Ranks count on across both lists.
fn rank(mut rows: Vec<(f64, LeaderRow)>) -> (Vec<LeaderRow>, Vec<LeaderRow>) {
    rows.sort_by(|(qa, a), (qb, b)| {
        a.closed
            .cmp(&b.closed)
            .then(qb.total_cmp(qa))
            .then(a.id.cmp(&b.id))
    });
    let (mut leaders, mut others): (Vec<LeaderRow>, Vec<LeaderRow>) = (Vec::new(), Vec::new());
    for (i, (_, mut row)) in rows.into_iter().enumerate() {
        row.rank = i + 1;
        if row.closed {
            others.push(row)
        } else {
            leaders.push(row)
        }
    }
    (leaders, others)
}
