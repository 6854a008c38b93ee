//! `GET /reports/{id}/correct` draws the form that corrects a report (what it said, the
//! instant it was observed); `POST` stores the correction, which replaces the report and keeps
//! both in the history.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};

use super::{BetChoice, Entry, FormHead, draft, render, store};
use crate::db;
use crate::db::bets::Bet;
use crate::db::reports::Report;
use crate::error::AppError;
use crate::services::bets::visible_bet;
use crate::services::reports::Subject;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{FieldErrors, NoticeQuery, local_value};
use crate::web::see_other;
use crate::web::session::Viewer;

#[get("/reports/{id}/correct")]
pub async fn correction_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    let (report, bet, replaced_by) = load_report(&state, &viewer, path.into_inner()).await?;
    if let Some(newer) = replaced_by {
        // A corrected report is history; its replacement is what a correction would fix.
        return Ok(see_other(format!(
            "/reports/{newer}/correct?notice=already-corrected"
        )));
    }
    let entry = Entry {
        observed_at: local_value(report.observed_at.and_utc()),
        ..Entry::blank(format!("/bets/{}", bet.id))
    };
    let notice = query.into_inner().notice;
    render_correction(
        (&state, &viewer, notice),
        &report,
        &bet,
        entry,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The report, its bet, and the report that replaced it if it was corrected already, if the
/// viewer may correct it.
async fn load_report(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(Report, Bet, Option<i64>), WebError> {
    let actor = viewer.actor.clone();
    let (report, bet, replaced_by) = db::run(&state.pool, move |conn| {
        let report = Report::find(conn, id)?.ok_or_else(|| AppError::not_found("report"))?;
        let bet =
            visible_bet(conn, &actor, report.bet_id).map_err(|_| AppError::not_found("report"))?;
        let replaced_by = Report::superseded_by(conn, id)?;
        Ok::<_, AppError>((report, bet, replaced_by))
    })
    .await?;
    if !viewer.can_write_team(bet.team_id) {
        return Err(WebError::forbidden(
            "only the bet's team or the committee may correct its reports",
        ));
    }
    Ok((report, bet, replaced_by))
}

/// The correction form: the one bet, and what the report said.
async fn render_correction(
    (state, viewer, notice): (&AppState, &Viewer, Option<String>),
    report: &Report,
    bet: &Bet,
    entry: Entry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let head = FormHead {
        heading: format!("Correct report {} of {}", report.id, bet.title),
        action: format!("/reports/{}/correct", report.id),
        bets: Vec::new(),
        fixed_bet: Some(BetChoice {
            id: bet.id,
            title: bet.title.clone(),
            unit: bet.metric_unit.clone(),
            selected: true,
        }),
        correcting: Some(format!(
            "It said {} {} on {}. The correction replaces it; both stay in the history.",
            format::full(report.value),
            bet.metric_unit,
            format::datetime(report.observed_at.and_utc())
        )),
        notice,
    };
    render(state, viewer, head, entry, errors, status).await
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
    // A report corrected already is refused by the service itself (409), whether before this
    // form was sent or while it was on its way: one place decides, and the form says it.
    let (report, bet, _) = load_report(&state, &viewer, path.into_inner()).await?;
    let mut errors = FieldErrors::default();
    let Some(draft) = draft(&entry, Subject::Correction(report.id), &mut errors) else {
        return render_correction(
            (&state, &viewer, None),
            &report,
            &bet,
            entry,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let back = entry.back.clone();
    match store(&state, &viewer, draft, &back, "report-corrected").await {
        Err(WebError::Page {
            status: StatusCode::CONFLICT,
            message,
        }) => {
            errors.add(
                "form",
                format!(
                    "Report {} was corrected meanwhile; nothing was stored ({message}). Correct the report that replaced it, from the bet's page.",
                    report.id
                ),
            );
            render_correction(
                (&state, &viewer, None),
                &report,
                &bet,
                entry,
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
        done => done,
    }
}
