//! The rounds: `GET /rounds` (the list, and for the committee a form to open one),
//! `GET /rounds/{id}` (every bet's result, outcome, decision and reasons, the evidence flags,
//! the pins), and the committee's actions on a draft: preview, pin or waive, delete, and commit
//! after a confirmation that shows what will move. One file per purpose; what they share is here.

pub mod actions;
mod create_form;
pub mod list;
mod pin_context;
pub mod pins;
mod policy_source;
mod readiness_view;
mod rows;
pub mod show;

use actix_web::HttpResponse;

use crate::db;
use crate::domain::Actor;
use crate::error::AppError;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::see_other;
use crate::web::session::Viewer;

/// Every page that changes a round is the committee's; the service checks again, this check
/// gives the page its words.
fn require_committee(viewer: &Viewer) -> Result<(), WebError> {
    if viewer.is_committee() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "only the portfolio committee runs rounds",
        ))
    }
}

/// Runs a committee action on a round after the CSRF check, then shows the round again.
async fn act<F>(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    work: F,
    done: String,
) -> Result<HttpResponse, WebError>
where
    F: FnOnce(&mut db::DbConnection, &Actor) -> Result<(), AppError> + Send + 'static,
{
    viewer.check_csrf(csrf)?;
    require_committee(viewer)?;
    let actor = viewer.actor.clone();
    db::run(&state.pool, move |conn| work(conn, &actor)).await?;
    Ok(see_other(done))
}
