//! A pin on a draft round: `GET /rounds/{id}/pins/{bet}` draws the form (filled with the pin
//! already there, beside the bet's previewed figures), `POST` sets it (a fixed grant, a waived
//! kill, or both, with a reason), and `POST .../delete` removes it. Both then preview the round
//! again, so that the round's page shows figures with the pins as they are.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::pin_context::{PinContext, context};
use super::require_committee;
use crate::db;
use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::rounds::{Round, RoundPin, RoundResultRow};
use crate::domain::{Currency, Money, Reason, time};
use crate::engine::Policy;
use crate::error::{AppError, ErrorKind};
use crate::services::rounds::{self as service, Evaluation, PinForm, lifecycle};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::forms::{CsrfForm, FieldErrors, money};
use crate::web::session::Viewer;
use crate::web::{html_page, see_other};

#[post("/rounds/{id}/pins/{bet_id}/delete")]
pub async fn unpin(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let (id, bet) = path.into_inner();
    let now = time::now();
    viewer.check_csrf(&form.csrf)?;
    require_committee(&viewer)?;
    let actor = viewer.actor.clone();
    let previewed = db::run(&state.pool, move |conn| {
        lifecycle::unpin(conn, &actor, id, bet, now)?;
        preview_again(conn, id)
    })
    .await?;
    let notice = if previewed {
        "unpin-previewed"
    } else {
        "pin-removed"
    };
    Ok(see_other(format!("/rounds/{id}?notice={notice}")))
}

/// Previews the round again after its pins changed; false when the preview is refused (the
/// pin stands, and the round's page marks its old figures stale until previewed).
fn preview_again(conn: &mut DbConnection, round_id: i64) -> Result<bool, AppError> {
    match service::preview(conn, round_id, time::now()) {
        Ok(_) => Ok(true),
        Err(e) if e.kind().is_callers() => Ok(false),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "pin.html")]
struct PinPage {
    chrome: Chrome,
    round_id: i64,
    bet_id: i64,
    bet_title: String,
    grant: String,
    waive_kill: bool,
    reason: String,
    errors: FieldErrors,
    context: PinContext,
}

#[derive(Deserialize, Default)]
pub struct PinEntry {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    waive_kill: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    csrf: String,
}

async fn pin_page(
    state: &AppState,
    viewer: &Viewer,
    round_id: i64,
    bet_id: i64,
    entry: PinEntry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let c = state.currency.clone();
    let (bet, existing, context) = db::run(&state.pool, move |conn| {
        let listing = lifecycle::draft(conn, round_id)?;
        let bet = Bet::find(conn, bet_id)?.ok_or_else(|| AppError::not_found("bet"))?;
        let pins = RoundPin::for_round(conn, round_id)?;
        let round = Round::find(conn, round_id)?.ok_or_else(|| AppError::not_found("round"))?;
        let evaluation = Evaluation::stored(&round)?;
        let standings = RoundResultRow::standings_before(conn, listing.as_of)?;
        let policy: Policy =
            serde_json::from_str(&listing.policy).map_err(|e| AppError::internal(&e))?;
        let context = context(
            bet_id,
            evaluation.as_ref(),
            &pins,
            standings.get(&bet_id),
            &policy,
            &c,
        );
        let existing = pins.into_iter().find(|p| p.bet_id == bet_id);
        Ok::<_, AppError>((bet, existing, context))
    })
    .await?;
    let fresh = entry.reason.is_empty()
        && entry.grant.is_empty()
        && entry.waive_kill.is_none()
        && errors.is_empty();
    let c = &state.currency;
    let page = PinPage {
        chrome: Chrome::load(state, viewer, "rounds", None).await?,
        round_id,
        bet_id,
        bet_title: bet.title,
        grant: match (&existing, fresh) {
            (Some(p), true) => p.pinned_grant.map_or(String::new(), |g| c.format_amount(g)),
            _ => entry.grant,
        },
        waive_kill: match (&existing, fresh) {
            (Some(p), true) => p.waive_kill,
            _ => entry.waive_kill.is_some(),
        },
        reason: match (existing, fresh) {
            (Some(p), true) => p.reason,
            _ => entry.reason,
        },
        errors,
        context,
    };
    html_page(status, &page)
}

#[get("/rounds/{id}/pins/{bet_id}")]
pub async fn pin_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, WebError> {
    require_committee(&viewer)?;
    let (round_id, bet_id) = path.into_inner();
    pin_page(
        &state,
        &viewer,
        round_id,
        bet_id,
        PinEntry::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Parses the form into a pin, collecting every field error; `None` when any field fails.
fn parse_pin(entry: &PinEntry, c: &Currency, errors: &mut FieldErrors) -> Option<PinForm> {
    let grant = if entry.grant.trim().is_empty() {
        Some(None)
    } else {
        money(&entry.grant, c)
            .map_err(|m| errors.add("grant", m))
            .ok()
            .and_then(|m| {
                Money::parse("grant", m)
                    .map(Some)
                    .map_err(|e| errors.add_domain(e))
                    .ok()
            })
    };
    let reason = Reason::parse("reason", &entry.reason)
        .map_err(|e| errors.add_domain(e))
        .ok();
    let waive_kill = entry.waive_kill.is_some();
    if grant == Some(None) && !waive_kill {
        errors.add("grant", "a pin fixes a grant, waives a kill, or both");
    }
    let (Some(grant), Some(reason), true) = (grant, reason, errors.is_empty()) else {
        return None;
    };
    Some(PinForm {
        grant,
        waive_kill,
        reason,
    })
}

#[post("/rounds/{id}/pins/{bet_id}")]
pub async fn set_pin(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    form: web::Form<PinEntry>,
) -> Result<HttpResponse, WebError> {
    let entry = form.into_inner();
    viewer.check_csrf(&entry.csrf)?;
    require_committee(&viewer)?;
    let (round_id, bet_id) = path.into_inner();
    let mut errors = FieldErrors::default();
    let Some(pin) = parse_pin(&entry, &state.currency, &mut errors) else {
        return pin_page(
            &state,
            &viewer,
            round_id,
            bet_id,
            entry,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = viewer.actor.clone();
    let now = time::now();
    let result = db::run(&state.pool, move |conn| {
        lifecycle::pin(conn, &actor, round_id, bet_id, pin, now)?;
        preview_again(conn, round_id)
    })
    .await;
    match result {
        Ok(previewed) => Ok(see_other(format!(
            "/rounds/{round_id}?notice={}",
            if previewed {
                "pin-previewed"
            } else {
                "pin-set"
            }
        ))),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            errors.add(
                e.detail().field.as_deref().unwrap_or("grant"),
                e.detail().message.clone(),
            );
            pin_page(
                &state,
                &viewer,
                round_id,
                bet_id,
                entry,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
