//! Reporting through the pages: `GET/POST /report` (a value for a bet) and
//! `GET/POST /reports/{id}/correct` (a correction). The forms carry an idempotency key made
//! when the form was drawn, so a double click stores one report. Both forms are one template;
//! here what they share (what was typed, drawing the form, parsing it, storing it); the report in
//! `report`, the correction in `correction`.

pub mod correction;
pub mod report;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::domain::{IdempotencyKey, ObservedAt, SourceNote, metric_value};
use crate::services::reports::{self as service, ReportDraft, Subject};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::forms::{FieldErrors, form_key, instant, local_path, number};
use crate::web::session::Viewer;
use crate::web::{html_page, see_other};

/// A bet the viewer may report on.
pub struct BetChoice {
    pub id: i64,
    pub title: String,
    pub unit: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportPage {
    chrome: Chrome,
    heading: String,
    action: String,
    bets: Vec<BetChoice>,
    fixed_bet: Option<BetChoice>,
    value: String,
    observed_at: String,
    source: String,
    key: String,
    back: String,
    errors: FieldErrors,
    correcting: Option<String>,
}

/// What tells the two forms apart: the words at the top, where the form goes, which bets it
/// offers, and for a correction what the report said.
struct FormHead {
    heading: String,
    action: String,
    bets: Vec<BetChoice>,
    fixed_bet: Option<BetChoice>,
    correcting: Option<String>,
    /// The code of the notice the form opens with, if it was sent here after an action.
    notice: Option<String>,
}

/// Draws a form with what was typed (a fresh idempotency key if it had none) and its errors.
async fn render(
    state: &AppState,
    viewer: &Viewer,
    head: FormHead,
    entry: Entry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let page = ReportPage {
        chrome: Chrome::load(state, viewer, "teams", head.notice.as_deref()).await?,
        heading: head.heading,
        action: head.action,
        bets: head.bets,
        fixed_bet: head.fixed_bet,
        value: entry.value,
        observed_at: entry.observed_at,
        source: entry.source,
        key: if entry.key.is_empty() {
            form_key()
        } else {
            entry.key
        },
        back: local_path(&entry.back).to_owned(),
        errors,
        correcting: head.correcting,
    };
    html_page(status, &page)
}

/// What the person typed, kept for a second try.
#[derive(Deserialize)]
pub struct Entry {
    #[serde(default)]
    bet_id: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    observed_at: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    csrf: String,
}

impl Entry {
    /// A new form: nothing typed, a fresh idempotency key, and where to go back to.
    fn blank(back: String) -> Self {
        Entry {
            bet_id: String::new(),
            value: String::new(),
            observed_at: String::new(),
            source: String::new(),
            key: form_key(),
            back,
            csrf: String::new(),
        }
    }
}

/// Parses the typed values into a draft, collecting every field error.
fn draft(entry: &Entry, subject: Subject, errors: &mut FieldErrors) -> Option<ReportDraft> {
    let now = crate::domain::time::now();
    let value = match number(&entry.value).map_err(|m| errors.add("value", m)) {
        Ok(v) => metric_value("value", v)
            .map_err(|e| errors.add_domain(e))
            .ok(),
        Err(()) => None,
    };
    let observed_at = if entry.observed_at.trim().is_empty() {
        Some(None)
    } else {
        match instant(&entry.observed_at) {
            Ok(t) => ObservedAt::parse("observed_at", t, now)
                .map(Some)
                .map_err(|e| errors.add_domain(e))
                .ok(),
            Err(m) => {
                errors.add("observed_at", m);
                None
            }
        }
    };
    let source = if entry.source.trim().is_empty() {
        Some(None)
    } else {
        SourceNote::parse("source", &entry.source)
            .map(Some)
            .map_err(|e| errors.add_domain(e))
            .ok()
    };
    let key = IdempotencyKey::parse("key", &entry.key).ok();
    Some(ReportDraft {
        subject,
        value: value?,
        observed_at: observed_at?,
        source: source?,
        idempotency_key: key,
    })
}

/// Stores the report and goes back with a notice (another one if the key had been seen).
async fn store(
    state: &AppState,
    viewer: &Viewer,
    draft: ReportDraft,
    back: &str,
    notice: &str,
) -> Result<HttpResponse, WebError> {
    let actor = viewer.actor.clone();
    let now = crate::domain::time::now();
    let stored = db::run(&state.pool, move |conn| {
        service::store(conn, &actor, &[Ok(draft)], now)
    })
    .await?;
    let notice = match stored.first() {
        Some(s) if s.replayed => "report-replayed".to_owned(),
        // The landing page names what was stored, by the report's id (see `chrome`).
        Some(s) => format!("{notice}.{}", s.report.id),
        None => notice.to_owned(),
    };
    let back = local_path(back);
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(format!("{back}{separator}notice={notice}")))
}
