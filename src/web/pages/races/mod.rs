//! The races on the pages. `GET /races/{id}` shows a race to those who may read it (the
//! committee, execs, and the people of the teams racing in it; anyone else gets "not found",
//! as from the service): who races, the time to the finish, the chart, each racer's P(best) and
//! expected loss, the call in words, the viewer's own bet and what it needs to take the lead,
//! and every racer's row; for a decided race its outcome; for the committee on a running race
//! the decision panel (`POST /races/{id}/decision`, reviewed before it is made) and the
//! extension of the finish (`POST /races/{id}/extend`). The arena page leads with its race
//! through [`read_for_arena`] and [`arena_views`].
//!
//! Files, each of one purpose: `load` (what is read), `words` and `time_words` (sentences and
//! numbers), `view` (the race as shown, shared with the arena page), `chart` (the chart's data),
//! `panel` (the decision and extension forms), `decide` and `confirm` (deciding, in two steps),
//! `extend`, and `outcome` (a decided race).

mod chart;
mod confirm;
mod decide;
mod extend;
mod load;
mod outcome;
mod panel;
mod time_words;
mod view;
mod words;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{DateTime, Utc};

use crate::db::arenas::Arena;
use crate::db::{self, DbConnection};
use crate::domain::{Actor, Currency, RaceStatus, RacerFate};
use crate::error::AppError;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format::{MISSING, count, date};
use crate::web::forms::NoticeQuery;
use crate::web::html_page;
use crate::web::pages::market::retry::Retry;
use crate::web::session::Viewer;
pub use decide::decide_race;
pub use extend::extend_race;
pub use load::InArena;
pub use view::RaceView;

#[derive(Template)]
#[template(path = "race.html")]
struct RacePage {
    chrome: Chrome,
    arena_id: i64,
    arena: String,
    race: RaceView,
    key_figure: String,
    key_label: String,
    panel: Option<panel::Panel>,
    outcome: Option<outcome::Outcome>,
    confirm: Option<confirm::Confirm>,
    why: Option<Why>,
}

/// A refused form of the page: its name (the page links to `#form-NAME`) and why, in words.
struct Why {
    form: String,
    text: String,
}

/// How the race page is drawn: as asked for, or again after one of its forms.
pub(super) struct Draw {
    pub status: StatusCode,
    pub notice: Option<String>,
    pub retry: Retry,
    /// The refused form, the field at fault and the reason.
    pub why: Option<(String, Option<String>, String)>,
    pub reviewed: Option<decide::Reviewed>,
}

impl Draw {
    pub fn new(status: StatusCode) -> Draw {
        Draw {
            status,
            notice: None,
            retry: Retry::none(),
            why: None,
            reviewed: None,
        }
    }
}

#[get("/races/{id}")]
pub async fn race_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    let draw = Draw {
        notice: query.into_inner().notice,
        ..Draw::new(StatusCode::OK)
    };
    render(&state, &viewer, path.into_inner(), draw).await
}

/// The race page for `viewer`, drawn as `draw` says.
pub(super) async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    draw: Draw,
) -> Result<HttpResponse, WebError> {
    let actor = viewer.actor.clone();
    let now = state.clock.now();
    let committee = viewer.is_committee();
    let (loaded, arena, teams, decision) = db::run(&state.pool, move |conn| {
        let loaded = load::race(conn, &actor, id, now)?;
        let arena = Arena::find(conn, loaded.readable.race.arena_id)?;
        let running = loaded.readable.race.status == RaceStatus::Running;
        let teams = if committee && running {
            Some(load::teams(conn, &loaded.readable)?)
        } else {
            None
        };
        let decision = if running {
            None
        } else {
            Some(load::decision(conn, &loaded.readable)?)
        };
        Ok::<_, AppError>((loaded, arena, teams, decision))
    })
    .await?;
    let mut chrome = Chrome::load(state, viewer, "arenas", draw.notice.as_deref()).await?;
    if let Some(text) = draw.notice.as_deref().and_then(|c| notice(c, &loaded)) {
        chrome.notice = Some(text);
    }
    let c = &state.currency;
    let confirm = match (&draw.reviewed, &teams) {
        (Some(reviewed), Some(teams)) => Some(confirm::build(reviewed, &loaded, teams, c)),
        _ => None,
    };
    let panel = teams
        .as_ref()
        .filter(|_| confirm.is_none())
        .map(|t| panel::build(&loaded, t, &draw.retry));
    let (key_figure, key_label) = key_figure(&loaded);
    let page = RacePage {
        chrome,
        arena_id: loaded.readable.race.arena_id,
        arena: arena.map_or_else(|| "Arena".to_owned(), |a| a.name),
        race: view::build(&loaded, c),
        key_figure,
        key_label,
        outcome: decision.as_ref().map(|d| outcome::build(&loaded, d, c)),
        why: draw.why.map(|(form, field, message)| Why {
            text: why(&loaded, field.as_deref(), &message),
            form,
        }),
        panel,
        confirm,
    };
    html_page(draw.status, &page)
}

/// The notice after a decision or an extension, from the race as it now is.
fn notice(code: &str, loaded: &load::Loaded) -> Option<String> {
    let race = &loaded.readable.race;
    match code {
        "race-decided" => {
            let winner = race.winner_bet_id?;
            let title = &loaded.readable.labels.get(&winner)?.title;
            let stage = loaded.bets.get(&winner)?.stage;
            Some(format!("Race decided: {title} wins and moves to {stage}."))
        }
        "race-extended" if race.status == RaceStatus::Running => Some(format!(
            "The finish is now {}.",
            date(race.finish_at.and_utc())
        )),
        _ => None,
    }
}

/// Why a form was refused, after the words its field is labelled with.
fn why(loaded: &load::Loaded, field: Option<&str>, message: &str) -> String {
    let title = |id: &str| {
        id.parse::<i64>()
            .ok()
            .and_then(|id| loaded.readable.labels.get(&id))
            .map_or_else(|| format!("bet {id}"), |l| l.title.clone())
    };
    let label = match field {
        None => return message.to_owned(),
        Some("winner") => "the winner".to_owned(),
        Some("reason") => "the reason".to_owned(),
        Some("losers") => "what becomes of the others".to_owned(),
        Some("raise_cap_to") => "raise the winner's team cap to".to_owned(),
        Some("finish_at") => "the new finish".to_owned(),
        Some(f) => match f.strip_prefix("fate_") {
            Some(bet) => format!("what becomes of {}", title(bet)),
            None => f.replace('_', " "),
        },
    };
    format!("{label}: {message}")
}

/// The race page's key figure: the winner, the leader's P(best), or how many are compared.
fn key_figure(loaded: &load::Loaded) -> (String, String) {
    let race = &loaded.readable.race;
    let title = |id: i64| {
        loaded
            .readable
            .labels
            .get(&id)
            .map_or_else(|| format!("bet {id}"), |l| l.title.clone())
    };
    if race.status == RaceStatus::Decided {
        return match race.winner_bet_id {
            Some(id) => (title(id), "won the race".to_owned()),
            None => (MISSING.to_owned(), "decided without a winner".to_owned()),
        };
    }
    let Some(s) = &loaded.standings else {
        return (
            MISSING.to_owned(),
            "the standings cannot be computed".to_owned(),
        );
    };
    match s.leader {
        Some(id) => {
            let p = s
                .racers
                .iter()
                .find(|r| r.bet_id == id)
                .and_then(|r| r.p_best);
            (
                words::p_best(p, race.confidence),
                format!(
                    "P(best) of {}, the leader; {} calls the race",
                    title(id),
                    words::needed(race.confidence)
                ),
            )
        }
        None => {
            let in_race = loaded
                .readable
                .racers
                .iter()
                .filter(|r| r.fate != Some(RacerFate::Left))
                .count();
            let min = usize::try_from(race.min_reports).unwrap_or(3);
            (
                format!("{} of {in_race}", s.compared),
                format!(
                    "racers with the {} needed to be compared",
                    count(min, "report", "reports")
                ),
            )
        }
    }
}

/// The latest decided race of an arena, in a line.
pub struct DecidedLine {
    pub id: i64,
    pub name: String,
    /// "decided 2027-01-16: Chat stickers won".
    pub text: String,
}

/// What the arena page reads of its races, inside its own database call.
pub fn read_for_arena(
    conn: &mut DbConnection,
    actor: &Actor,
    arena_id: i64,
    now: DateTime<Utc>,
) -> Result<InArena, AppError> {
    load::in_arena(conn, actor, arena_id, now)
}

/// The arena page's race: the one under way in full, or the latest decided one in a line.
pub fn arena_views(found: InArena, c: &Currency) -> (Option<RaceView>, Option<DecidedLine>) {
    match found {
        InArena::Running(loaded) => (Some(view::build(&loaded, c)), None),
        InArena::Decided(r) => {
            let winner = r
                .race
                .winner_bet_id
                .and_then(|id| r.labels.get(&id))
                .map_or_else(|| "no winner".to_owned(), |l| format!("{} won", l.title));
            let when = r
                .race
                .decided_at
                .map_or_else(String::new, |at| format!(" {}", date(at.and_utc())));
            let line = DecidedLine {
                id: r.race.id,
                name: r.race.name.clone(),
                text: format!("decided{when}: {winner}"),
            };
            (None, Some(line))
        }
        InArena::Nothing => (None, None),
    }
}
