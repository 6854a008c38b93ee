//! `GET /rounds`: every round, newest first, and for the committee the form that opens a draft;
//! `POST /rounds` opens it, or draws the form again with what was typed and its errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::create_form::{CreateEntry, PolicyField, parse_create, parse_policy, policy_fields};
use super::policy_source::{difference_line, source_label};
use super::readiness_view::{Place, ReadinessView, view};
use super::require_committee;
use crate::db;
use crate::db::rounds::{Round, RoundListing};
use crate::domain::{Currency, time};
use crate::error::AppError;
use crate::services::rounds::lifecycle;
use crate::services::rounds::readiness::{self, Readiness};
use crate::services::rounds::starting_policy::starting_policy;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{FieldErrors, NoticeQuery, instant};
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip};
use crate::web::{html_page, see_other};

pub struct RoundRow {
    pub id: i64,
    pub status: Chip,
    pub as_of: String,
    pub budget: String,
    pub granted: String,
    pub reserve: String,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rounds: Vec<RoundRow>,
    /// What the committed rounds granted ("USD 2,000,000.00"), or their number for partners.
    key: String,
    key_label: String,
    can_run: bool,
    form: CreateEntry,
    policy_fields: Vec<PolicyField>,
    policy_errors: bool,
    /// "round 4's policy": where the policy fields were filled from.
    policy_source: String,
    /// "differs from round 4: min grant USD 0.00 instead of USD 5,000.00", or empty.
    policy_differs: String,
    /// For the committee: the time since the last round against the usual interval, for the
    /// "As of" typed (now, on a fresh form).
    readiness: Option<ReadinessView>,
    errors: FieldErrors,
    /// Races decided with a prize that waits for the next draft round, in words.
    prizes: Vec<String>,
}

/// One round in the list; what was granted and kept only for those who see the whole portfolio.
fn round_row(r: RoundListing, c: &Currency, money_visible: bool) -> RoundRow {
    RoundRow {
        id: r.id,
        status: chip(r.status.as_str()),
        as_of: format::datetime(r.as_of.and_utc()),
        budget: c.format_amount(r.budget),
        // Never an empty cell: say why there is no figure.
        granted: match (money_visible, r.reserve) {
            (false, _) => "not shown to partners".to_owned(),
            (true, None) => "when committed".to_owned(),
            (true, Some(res)) => c.format_amount(r.budget - res),
        },
        reserve: match (money_visible, r.reserve) {
            (false, _) => "not shown to partners".to_owned(),
            (true, None) => "when committed".to_owned(),
            (true, Some(res)) => c.format_amount(res),
        },
    }
}

/// The list's key figure and its label: what the committed rounds granted, or (to partners,
/// who do not see the portfolio's money) how many rounds were committed.
fn key_figure(rounds: &[RoundListing], c: &Currency, money_visible: bool) -> (String, String) {
    let committed: Vec<&RoundListing> = rounds.iter().filter(|r| r.reserve.is_some()).collect();
    let count = format::count(committed.len(), "committed round", "committed rounds");
    if !money_visible {
        return (count, "each one's decisions are on its page".to_owned());
    }
    let granted: i128 = committed
        .iter()
        .map(|r| i128::from(r.budget) - i128::from(r.reserve.unwrap_or(0)))
        .sum();
    (
        c.format(i64::try_from(granted).unwrap_or(i64::MAX)),
        format!("granted over {count}"),
    )
}

/// The list and the create form: `form` as typed, or None for a fresh one filled from the
/// policy a new draft starts from.
async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    form: Option<CreateEntry>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let as_of = form
        .as_ref()
        .and_then(|f| instant(&f.as_of).ok())
        .unwrap_or_else(time::now);
    let (rounds, start, timing, waiting) = db::run(&state.pool, move |conn| {
        Ok::<_, AppError>((
            Round::list(conn)?,
            starting_policy(conn, None)?,
            readiness::timing(conn, as_of)?,
            waiting_prizes(conn)?,
        ))
    })
    .await?;
    let c = &state.currency;
    let form = form.unwrap_or_else(|| CreateEntry::starting_from(&start.policy, c));
    let typed = parse_policy(&form, c, &mut FieldErrors::default());
    let policy_differs = typed
        .and_then(|policy| difference_line(&policy, &start, c))
        .map_or(String::new(), |line| format!("This policy {line}."));
    let money_visible = viewer.reads_all_teams();
    let (key, key_label) = key_figure(&rounds, c, money_visible);
    let rows = rounds
        .into_iter()
        .map(|r| round_row(r, &state.currency, money_visible))
        .collect();
    let fields = policy_fields(&form, &errors, &start, c);
    let readiness = Readiness::new(timing, None);
    let page = RoundsPage {
        chrome: Chrome::load(state, viewer, "rounds", notice).await?,
        rounds: rows,
        key,
        key_label,
        can_run: viewer.is_committee(),
        policy_errors: fields
            .iter()
            .any(|f| !f.error.is_empty() || !f.differs.is_empty()),
        readiness: viewer
            .is_committee()
            .then(|| view(&readiness, start.policy.min_reports, Place::Form)),
        policy_source: source_label(&start.source),
        policy_differs,
        policy_fields: fields,
        form,
        errors,
        prizes: if money_visible {
            waiting
                .iter()
                .map(|(race, title, prize)| {
                    format!(
                        "{} for {title}, the prize of {race}, waits for the next draft round: opening one pins it there, off the top of its budget.",
                        c.format(*prize)
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
    };
    html_page(status, &page)
}

/// Each prize waiting for a draft: (race name, winner's title, amount).
fn waiting_prizes(
    conn: &mut crate::db::DbConnection,
) -> Result<Vec<(String, String, i64)>, AppError> {
    let mut out = Vec::new();
    for race in crate::db::races::Race::prizes_pending(conn)? {
        let (Some(prize), Some(winner)) = (race.prize, race.winner_bet_id) else {
            continue;
        };
        let title = crate::db::bets::Bet::find(conn, winner)?
            .map_or_else(|| format!("bet {winner}"), |b| b.title);
        out.push((race.name, title, prize));
    }
    Ok(out)
}

#[get("/rounds")]
pub async fn list_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    render_list(
        &state,
        &viewer,
        query.notice.as_deref(),
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/rounds")]
pub async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<CreateEntry>,
) -> Result<HttpResponse, WebError> {
    let entry = form.into_inner();
    viewer.check_csrf(&entry.csrf)?;
    require_committee(&viewer)?;
    let mut errors = FieldErrors::default();
    let Some(round_form) = parse_create(&entry, &state, &mut errors) else {
        return render_list(
            &state,
            &viewer,
            None,
            Some(entry),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = viewer.actor.clone();
    let now = time::now();
    match db::run(&state.pool, move |conn| {
        lifecycle::create(conn, &actor, round_form, now)
    })
    .await
    {
        Ok(round) => Ok(see_other(format!(
            "/rounds/{}?notice=round-created",
            round.id
        ))),
        Err(e) if e.kind().is_callers() => {
            errors.add(
                e.detail().field.as_deref().unwrap_or("as_of"),
                e.detail().message.clone(),
            );
            render_list(
                &state,
                &viewer,
                None,
                Some(entry),
                errors,
                crate::http::status_of(e.kind()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
