//! `GET /report` draws the form for a value of one of the viewer's team's open bets (one bet,
//! or any of a team's); `POST /report` stores it, or draws the form again with its errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use super::{BetChoice, Entry, FormHead, draft, render, store};
use crate::db;
use crate::db::bets::{Bet, BetFilter};
use crate::error::AppError;
use crate::services::bets::visible_bet;
use crate::services::reports::Subject;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::forms::FieldErrors;
use crate::web::session::Viewer;

#[derive(Deserialize)]
pub struct ReportQuery {
    bet_id: Option<i64>,
    team_id: Option<i64>,
}

/// The open bets of a team the viewer writes for, or the one bet asked for; none is forbidden.
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
    let choices: Vec<BetChoice> = bets
        .into_iter()
        .filter(|b| viewer.can_write_team(b.team_id) && !b.status.is_closed())
        .map(|b| BetChoice {
            selected: Some(b.id) == bet_id,
            id: b.id,
            title: b.title,
            unit: b.metric_unit,
        })
        .collect();
    if choices.is_empty() {
        return Err(WebError::forbidden(
            "you may report only on your own team's open bets",
        ));
    }
    Ok(choices)
}

#[get("/report")]
pub async fn report_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, WebError> {
    let bets = choices(&state, &viewer, query.bet_id, query.team_id).await?;
    let back = match (query.bet_id, query.team_id) {
        (Some(bet), _) => format!("/bets/{bet}"),
        (None, Some(team)) => format!("/teams/{team}"),
        _ => "/".to_owned(),
    };
    render_report(
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

/// The report form: a choice of bets, or the one bet asked for (`fixed`).
async fn render_report(
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
    let head = FormHead {
        heading,
        action: "/report".to_owned(),
        bets,
        fixed_bet,
        correcting: None,
        notice: None,
    };
    render(state, viewer, head, entry, errors, status).await
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
    let Some(draft) = draft(&entry, Subject::Bet(bet_id), &mut errors) else {
        return render_report(
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
