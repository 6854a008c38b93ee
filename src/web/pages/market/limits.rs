//! `POST /teams/{id}/limit`: the committee sets how far below zero a team's account may go. A
//! limit that is refused is drawn again on the team page with what was typed.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};

use super::{Done, Origin, act, answer, money_field};
use crate::services::market::accounts::set_overdraft_limit;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::session::Viewer;

#[derive(Deserialize, Serialize)]
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
    viewer.check_csrf(&f.csrf)?;
    let acted = match money_field("limit", &f.limit, &state.currency) {
        Ok(limit) => {
            let back = format!("/teams/{team}#statement");
            act(
                &state,
                &viewer,
                &back,
                "limit-set",
                move |conn, actor, now| {
                    set_overdraft_limit(conn, actor, team, limit, now)?;
                    Ok(Done::Now)
                },
            )
            .await
        }
        Err(refused) => Err(refused),
    };
    let origin = Some(Origin::Team(team));
    answer(&state, &viewer, acted, (origin, "limit".to_owned(), &f)).await
}
