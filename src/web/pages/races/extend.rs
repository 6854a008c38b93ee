//! `POST /races/{id}/extend` (committee): moves a running race's finish later, the way out of a
//! race too close to call. A finish typed wrong, or not after the current one, draws the race
//! page again with what was typed and the field marked; done, the race page says where the
//! finish is now.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::panel::EXTEND;
use super::{Draw, render};
use crate::db;
use crate::services::races::decide as service;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::forms::instant;
use crate::web::pages::market::retry::Refused;
use crate::web::see_other;
use crate::web::session::Viewer;

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    finish_at: String,
}

#[post("/races/{id}/extend")]
pub async fn extend_race(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<ExtendForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    if !viewer.is_committee() {
        return Err(WebError::forbidden(
            "only the portfolio committee moves a race's finish",
        ));
    }
    let acted = match instant(f.finish_at.trim()) {
        Ok(finish_at) => {
            let actor = viewer.actor.clone();
            let now = state.clock.now();
            db::run(&state.pool, move |conn| {
                service::extend(conn, &actor, id, finish_at, now).map(drop)
            })
            .await
            .map_err(Refused::from)
        }
        Err(message) => Err(Refused::field("finish_at", message)),
    };
    match acted {
        Ok(()) => Ok(see_other(format!("/races/{id}?notice=race-extended"))),
        Err(refused) if refused.is_the_forms() => {
            let typed = BTreeMap::from([("finish_at".to_owned(), f.finish_at)]);
            render(&state, &viewer, id, Draw::refused(EXTEND, &typed, refused)).await
        }
        Err(refused) => Err(refused.into()),
    }
}
