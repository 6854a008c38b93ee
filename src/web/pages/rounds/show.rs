//! `GET /rounds/{id}`: one round. Its policy and money, and from its evaluation (the stored
//! preview, or for the committee's confirmation a fresh one) every line with its outcome,
//! decision and reasons, the bets sitting out, and the pins. For a draft also its readiness
//! (timing, thin evidence, kills, warnings), what its policy changed from the one it would
//! have started from, whether its preview predates a pin, and a commit button that names what
//! moves. Loading is one database call; the rows are built by pure functions (`rows`,
//! `readiness_view`, `policy_source`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::policy_source::difference_line;
use super::readiness_view::{Place, ReadinessView, view};
use super::rows::{LineRow, PinRow, Totals, line_rows, pin_rows, policy_text, totals};
use crate::db;
use crate::db::bets::Bet;
use crate::db::rounds::{Round, RoundPin};
use crate::domain::{Actor, Currency, RoundStatus, time};
use crate::engine::Policy;
use crate::error::AppError;
use crate::services::rounds::evaluation::visible_pins;
use crate::services::rounds::readiness::{self, Readiness, Timing};
use crate::services::rounds::starting_policy::{StartingPolicy, starting_policy};
use crate::services::rounds::{self as service, Evaluation};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::NoticeQuery;
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip};

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    id: i64,
    draft: bool,
    status: Chip,
    as_of: String,
    budget: String,
    policy: String,
    committed: String,
    totals: Option<Totals>,
    lines: Vec<LineRow>,
    sitting_out: Vec<String>,
    pins: Vec<PinRow>,
    can_run: bool,
    confirm: bool,
    /// The committee's view of a draft's readiness.
    readiness: Option<ReadinessView>,
    /// "differs from round 4: min grant USD 0.00 instead of USD 5,000.00", or empty.
    policy_differs: String,
    /// The preview predates a change of the pins: its figures are not the round's any more.
    stale: bool,
    /// What a commit moves, for its buttons ("Commit round 5: USD 500,000.00 to 18 bets, 4
    /// killed"), from the figures shown; empty before there are any.
    moves: String,
}

/// What the round page reads.
struct Loaded {
    round: Round,
    policy: Policy,
    pins: Vec<RoundPin>,
    /// The titles of the pinned bets.
    titles: Vec<(i64, String)>,
    evaluation: Option<Evaluation>,
    /// A draft's timing against the committed rounds before it.
    timing: Option<Timing>,
    /// The policy a draft as of its instant would have started from.
    start: Option<StartingPolicy>,
}

/// Reads the round, its pins and their bets' titles in one database call; for the committee's
/// confirmation of a draft it previews the round afresh in the same call.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    confirm: bool,
) -> Result<Loaded, WebError> {
    let now = time::now();
    let confirm_preview = confirm && viewer.is_committee();
    let (round, pins, titles, fresh, context) = db::run(&state.pool, move |conn| {
        let round = Round::find(conn, id)?.ok_or_else(|| AppError::not_found("round"))?;
        // The confirmation shows a preview made now, not an old one.
        let fresh = if confirm_preview && round.status == RoundStatus::Draft {
            Some(service::preview(conn, id, now)?)
        } else {
            None
        };
        let pins = RoundPin::for_round(conn, id)?;
        let ids: Vec<i64> = pins.iter().map(|p| p.bet_id).collect();
        let titles: Vec<(i64, String)> = Bet::find_many(conn, &ids)?
            .into_iter()
            .map(|b| (b.id, b.title))
            .collect();
        let context = if round.status == RoundStatus::Draft {
            Some((
                readiness::timing(conn, round.as_of.and_utc())?,
                starting_policy(conn, Some(round.as_of))?,
            ))
        } else {
            None
        };
        Ok::<_, AppError>((round, pins, titles, fresh, context))
    })
    .await?;
    let (timing, start) = context.unzip();
    let evaluation = match fresh {
        Some(e) => Some(e),
        None => Evaluation::stored(&round)?,
    };
    let policy: Policy = serde_json::from_str(&round.policy).map_err(|e| AppError::internal(&e))?;
    Ok(Loaded {
        round,
        policy,
        pins,
        titles,
        evaluation,
        timing,
        start,
    })
}

/// The round page, or its confirmation before a commit (`confirm`).
pub(super) async fn round_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    notice: Option<&str>,
    confirm: bool,
) -> Result<HttpResponse, WebError> {
    let loaded = load(state, viewer, id, confirm).await?;
    let chrome = Chrome::load(state, viewer, "rounds", notice).await?;
    let page = build(chrome, loaded, &state.currency, viewer, confirm);
    html_page(StatusCode::OK, &page)
}

/// The page from what was read, as `actor` may see it.
fn build(chrome: Chrome, loaded: Loaded, c: &Currency, actor: &Actor, confirm: bool) -> RoundPage {
    let Loaded {
        round,
        policy,
        pins,
        titles,
        evaluation,
        timing,
        start,
    } = loaded;
    let evaluation = evaluation.map(|e| e.for_viewer(actor));
    let stale = evaluation.as_ref().is_some_and(|e| !e.reflects_pins(&pins));
    let totals = evaluation.as_ref().and_then(|e| totals(e, &round, c));
    let readiness = match timing {
        Some(timing) if actor.is_committee() => Some(view(
            &Readiness::new(timing, evaluation.as_ref()),
            policy.min_reports,
            Place::Draft,
        )),
        _ => None,
    };
    RoundPage {
        chrome,
        id: round.id,
        draft: round.status == RoundStatus::Draft,
        status: chip(round.status.as_str()),
        as_of: format::datetime(round.as_of.and_utc()),
        budget: c.format(round.budget),
        policy: policy_text(&policy, c),
        committed: round
            .committed_at
            .map_or(String::new(), |t| format::datetime(t.and_utc())),
        moves: totals.as_ref().map_or(String::new(), moves),
        totals,
        lines: evaluation
            .as_ref()
            .map(|e| line_rows(e, c, policy.confidence))
            .unwrap_or_default(),
        sitting_out: evaluation
            .as_ref()
            .map(|e| {
                e.sitting_out
                    .iter()
                    .map(|s| format!("{}: {}", s.bet.title, s.reason))
                    .collect()
            })
            .unwrap_or_default(),
        pins: pin_rows(visible_pins(actor, pins, evaluation.as_ref()), &titles, c),
        can_run: actor.is_committee(),
        confirm,
        readiness,
        policy_differs: start
            .and_then(|start| difference_line(&policy, &start, c))
            .map_or(String::new(), |line| format!("This policy {line}.")),
        stale,
    }
}

/// What a commit moves: "USD 500,000.00 to 18 bets, 4 killed" ("1 bet", "none killed").
fn moves(t: &Totals) -> String {
    let killed = match t.killed {
        0 => "none killed".to_owned(),
        k => format!("{k} killed"),
    };
    format!("{} to {}, {killed}", t.granted, t.funded)
}

#[get("/rounds/{id}")]
pub async fn show_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    round_page(
        &state,
        &viewer,
        path.into_inner(),
        query.notice.as_deref(),
        false,
    )
    .await
}
