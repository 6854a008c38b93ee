//! `POST /teams/{id}/limit`: the committee sets how far below zero a team's account may go.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::{Done, act, money_field};
use crate::services::market::accounts::set_overdraft_limit;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::session::Viewer;

#[derive(Deserialize)]
pub struct LimitForm {
    csrf: String,
    limit: String,
}

#[post("/teams/{id}/limit")]
pub async fn set_limit(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<LimitForm>,
) -> Result<HttpResponse, WebError> {
    let team = path.into_inner();
    let f = form.into_inner();
    let limit = money_field("overdraft limit", &f.limit, &state.currency)?;
    act(
        &state,
        &viewer,
        (&f.csrf, &format!("/teams/{team}#statement")),
        "limit-set",
        move |conn, actor, now| {
            set_overdraft_limit(conn, actor, team, limit, now)?;
            Ok(Done::Now)
        },
    )
    .await
}
