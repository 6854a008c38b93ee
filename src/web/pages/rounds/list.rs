//! `GET /rounds`: every round, newest first, and for the committee the form that opens a draft;
//! `POST /rounds` opens it, or draws the form again with what was typed and its errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::create_form::{CreateEntry, PolicyField, parse_create, policy_fields};
use super::require_committee;
use crate::db;
use crate::db::rounds::{Round, RoundListing};
use crate::domain::{Currency, time};
use crate::error::AppError;
use crate::services::rounds::lifecycle;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{FieldErrors, NoticeQuery};
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
    can_run: bool,
    form: CreateEntry,
    policy_fields: Vec<PolicyField>,
    policy_errors: bool,
    errors: FieldErrors,
}

/// One round in the list; what was granted and kept only for those who see the whole portfolio.
fn round_row(r: RoundListing, c: &Currency, money_visible: bool) -> RoundRow {
    RoundRow {
        id: r.id,
        status: chip(r.status.as_str()),
        as_of: format::datetime(r.as_of.and_utc()),
        budget: c.format_amount(r.budget),
        granted: r
            .reserve
            .filter(|_| money_visible)
            .map_or(String::new(), |res| c.format_amount(r.budget - res)),
        reserve: r
            .reserve
            .filter(|_| money_visible)
            .map_or(String::new(), |res| c.format_amount(res)),
    }
}

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    form: CreateEntry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let rounds = db::run(&state.pool, |conn| {
        Round::list(conn).map_err(AppError::from)
    })
    .await?;
    let money_visible = viewer.reads_all_teams();
    let rows = rounds
        .into_iter()
        .map(|r| round_row(r, &state.currency, money_visible))
        .collect();
    let fields = policy_fields(&form, &errors);
    let page = RoundsPage {
        chrome: Chrome::load(state, viewer, "rounds", notice).await?,
        rounds: rows,
        can_run: viewer.is_committee(),
        policy_errors: fields.iter().any(|f| !f.error.is_empty()),
        policy_fields: fields,
        form,
        errors,
    };
    html_page(status, &page)
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
        CreateEntry::with_defaults(),
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
            entry,
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
                entry,
                errors,
                crate::http::status_of(e.kind()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
