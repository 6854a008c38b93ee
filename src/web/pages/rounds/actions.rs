//! The committee's actions on a draft round: preview it from the evidence as it stands, look at
//! a fresh preview before committing, commit it (the money moves, the round is frozen), delete it.

use actix_web::{HttpResponse, get, post, web};

use super::show::round_page;
use super::{act, require_committee};
use crate::domain::time;
use crate::services::rounds::{self as service, lifecycle};
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::forms::CsrfForm;
use crate::web::session::Viewer;

#[post("/rounds/{id}/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, _| service::preview(conn, id, now).map(drop),
        format!("/rounds/{id}?notice=round-previewed"),
    )
    .await
}

/// The confirmation before a commit: a fresh preview, the totals, and the button.
#[get("/rounds/{id}/commit")]
pub async fn confirm_commit(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    require_committee(&viewer)?;
    round_page(&state, &viewer, path.into_inner(), None, true).await
}

#[post("/rounds/{id}/commit")]
pub async fn commit(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, actor| service::commit(conn, actor, id, now).map(drop),
        format!("/rounds/{id}?notice=round-committed"),
    )
    .await
}

#[post("/rounds/{id}/delete")]
pub async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, actor| lifecycle::delete(conn, actor, id, now),
        "/rounds?notice=round-deleted".to_owned(),
    )
    .await
}
