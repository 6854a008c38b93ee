//! Reporting through the pages: `GET/POST /report` (a value for a bet) and
//! `GET/POST /reports/{id}/correct` (a correction). The forms carry an idempotency key made
//! when the form was drawn, so a double click stores one report.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::db::bets::{Bet, BetFilter};
use crate::db::reports::Report;
use crate::domain::{IdempotencyKey, ObservedAt, SourceNote, metric_value};
use crate::error::AppError;
use crate::services::bets::visible_bet;
use crate::services::reports::{self as service, ReportDraft, Subject};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{FieldErrors, form_key, instant, local_value, number};
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

#[derive(Deserialize)]
pub struct ReportQuery {
    bet_id: Option<i64>,
    team_id: Option<i64>,
}

/// The open bets of a team the viewer writes for, or the one bet asked for.
async fn choices(
    state: &AppState,
    viewer: &Viewer,
    bet_id: Option<i64>,
    team_id: Option<i64>,
) -> Result<Vec<BetChoice>, WebError> {
    let actor = viewer.actor.clone();
    let bets = db::run(&state.pool, move |conn| {
        let bets = match (bet_id, team_id) {
            (Some(id), _) => vec![visible_bet(conn, &actor, id)?],
            (None, Some(team)) => {
                let filter = BetFilter {
                    team_id: Some(team),
                    ..BetFilter::default()
                };
                Bet::page(conn, &filter, 0, 500)?.0
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "bet_id",
                    "say which bet or team to report for",
                ));
            }
        };
        Ok::<_, AppError>(bets)
    })
    .await?;
    Ok(bets
        .into_iter()
        .filter(|b| viewer.can_write_team(b.team_id) && !b.status.is_closed())
        .map(|b| BetChoice {
            selected: Some(b.id) == bet_id,
            id: b.id,
            title: b.title,
            unit: b.metric_unit,
        })
        .collect())
}

#[get("/report")]
pub async fn report_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, WebError> {
    let bets = choices(&state, &viewer, query.bet_id, query.team_id).await?;
    if bets.is_empty() {
        return Err(WebError::forbidden(
            "you may report only on your own team's open bets",
        ));
    }
    let back = match (query.bet_id, query.team_id) {
        (Some(bet), _) => format!("/bets/{bet}"),
        (None, Some(team)) => format!("/teams/{team}"),
        _ => "/".to_owned(),
    };
    render(
        &state,
        &viewer,
        bets,
        query.bet_id.is_some(),
        Entry::blank(back),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
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

async fn render(
    state: &AppState,
    viewer: &Viewer,
    mut bets: Vec<BetChoice>,
    fixed: bool,
    entry: Entry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let chosen: Option<i64> = entry.bet_id.parse().ok();
    for b in &mut bets {
        b.selected = b.selected || Some(b.id) == chosen;
    }
    let fixed_bet = if fixed && bets.len() == 1 {
        bets.pop()
    } else {
        None
    };
    let heading = match &fixed_bet {
        Some(b) => format!("Report a value for {}", b.title),
        None => "Report a value".to_owned(),
    };
    let page = ReportPage {
        chrome: Chrome::load(state, viewer, "teams", None).await?,
        heading,
        action: "/report".to_owned(),
        bets,
        fixed_bet,
        value: entry.value,
        observed_at: entry.observed_at,
        source: entry.source,
        key: if entry.key.is_empty() {
            form_key()
        } else {
            entry.key
        },
        back: safe_back(&entry.back),
        errors,
        correcting: None,
    };
    html_page(status, &page)
}

/// Only paths on this server.
fn safe_back(back: &str) -> String {
    if back.starts_with('/') && !back.starts_with("//") {
        back.to_owned()
    } else {
        "/".to_owned()
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

#[post("/report")]
pub async fn submit_report(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Entry>,
) -> Result<HttpResponse, WebError> {
    let entry = form.into_inner();
    viewer.check_csrf(&entry.csrf)?;
    let mut errors = FieldErrors::default();
    let Ok(bet_id) = entry.bet_id.parse::<i64>() else {
        return Err(WebError::Page {
            status: StatusCode::BAD_REQUEST,
            message: "choose a bet to report on".into(),
        });
    };
    let bets = choices(&state, &viewer, Some(bet_id), None).await?;
    if bets.is_empty() {
        return Err(WebError::forbidden(
            "you may report only on your own team's open bets",
        ));
    }
    let Some(draft) = draft(&entry, Subject::Bet(bet_id), &mut errors) else {
        return render(
            &state,
            &viewer,
            bets,
            true,
            entry,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    store(&state, &viewer, draft, &entry.back, "report-stored").await
}

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
    let notice = if stored.first().is_some_and(|s| s.replayed) {
        "report-replayed"
    } else {
        notice
    };
    let back = safe_back(back);
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(format!("{back}{separator}notice={notice}")))
}

#[get("/reports/{id}/correct")]
pub async fn correction_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let (report, bet) = load_report(&state, &viewer, path.into_inner()).await?;
    let entry = Entry {
        observed_at: local_value(report.observed_at.and_utc()),
        ..Entry::blank(format!("/bets/{}", bet.id))
    };
    render_correction(
        &state,
        &viewer,
        &report,
        &bet,
        entry,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn load_report(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(Report, Bet), WebError> {
    let actor = viewer.actor.clone();
    let (report, bet) = db::run(&state.pool, move |conn| {
        let report = Report::find(conn, id)?.ok_or_else(|| AppError::not_found("report"))?;
        let bet =
            visible_bet(conn, &actor, report.bet_id).map_err(|_| AppError::not_found("report"))?;
        Ok::<_, AppError>((report, bet))
    })
    .await?;
    if !viewer.can_write_team(bet.team_id) {
        return Err(WebError::forbidden(
            "only the bet's team or the committee may correct its reports",
        ));
    }
    Ok((report, bet))
}

async fn render_correction(
    state: &AppState,
    viewer: &Viewer,
    report: &Report,
    bet: &Bet,
    entry: Entry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let page = ReportPage {
        chrome: Chrome::load(state, viewer, "teams", None).await?,
        heading: format!("Correct report {} of {}", report.id, bet.title),
        action: format!("/reports/{}/correct", report.id),
        bets: Vec::new(),
        fixed_bet: Some(BetChoice {
            id: bet.id,
            title: bet.title.clone(),
            unit: bet.metric_unit.clone(),
            selected: true,
        }),
        value: entry.value,
        observed_at: entry.observed_at,
        source: entry.source,
        key: if entry.key.is_empty() {
            form_key()
        } else {
            entry.key
        },
        back: safe_back(&entry.back),
        errors,
        correcting: Some(format!(
            "It said {} {} on {}. The correction replaces it; both stay in the history.",
            format::full(report.value),
            bet.metric_unit,
            format::datetime(report.observed_at.and_utc())
        )),
    };
    html_page(status, &page)
}

#[post("/reports/{id}/correct")]
pub async fn submit_correction(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<Entry>,
) -> Result<HttpResponse, WebError> {
    let entry = form.into_inner();
    viewer.check_csrf(&entry.csrf)?;
    let (report, bet) = load_report(&state, &viewer, path.into_inner()).await?;
    let mut errors = FieldErrors::default();
    let Some(draft) = draft(&entry, Subject::Correction(report.id), &mut errors) else {
        return render_correction(
            &state,
            &viewer,
            &report,
            &bet,
            entry,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    store(&state, &viewer, draft, &entry.back, "report-corrected").await
}
