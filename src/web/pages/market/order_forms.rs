//! A team's orders from the pages: subscribe to a service (`POST /subscriptions`), cancel a
//! subscription (`POST /subscriptions/{id}/cancel`) and file a request for work
//! (`POST /requests`). The subscribing and filing forms carry an idempotency key made when the
//! form was drawn, so a double click orders once; one that does not act is drawn again on the
//! catalogue with what was typed.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};

use super::retry::Refused;
use super::{Done, Origin, act, answer, form_key, invalid, money_field, optional_id, units_field};
use crate::domain::{Name, Reason};
use crate::services::market::requests::{self, RequestDraft};
use crate::services::market::subscriptions::{self, SubscriptionDraft};
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::session::Viewer;

/// The viewer's own team: the market's orders are a team's, placed by its own people.
fn own_team(viewer: &Viewer) -> Result<i64, Refused> {
    viewer
        .team_id
        .filter(|t| viewer.acts_for(*t))
        .ok_or_else(|| {
            Refused::forbidden("a team orders for itself: only its members and partners may")
        })
}

#[derive(Deserialize, Serialize)]
pub struct SubscribeForm {
    csrf: String,
    key: String,
    back: String,
    service_id: String,
    quantity: String,
    bet_id: Option<String>,
}

#[post("/subscriptions")]
pub async fn subscribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<SubscribeForm>,
) -> Result<HttpResponse, WebError> {
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    let acted = subscribe_as_typed(&state, &viewer, &f).await;
    let name = format!("subscribe-{}", f.service_id.trim());
    answer(&state, &viewer, acted, (Some(Origin::Catalogue), name, &f)).await
}

async fn subscribe_as_typed(
    state: &AppState,
    viewer: &Viewer,
    f: &SubscribeForm,
) -> Result<HttpResponse, Refused> {
    let draft = SubscriptionDraft {
        service_id: optional_id("service_id", Some(&f.service_id))?
            .ok_or_else(|| invalid("service_id", "choose a service"))?,
        team_id: own_team(viewer)?,
        bet_id: optional_id("bet_id", f.bet_id.as_deref())?,
        quantity: units_field("quantity", &f.quantity)?,
    };
    let key = form_key(&f.key)?;
    act(
        state,
        viewer,
        &f.back,
        "subscribed",
        move |conn, actor, now| {
            let (_, replayed) = subscriptions::subscribe(conn, actor, &draft, Some(&key), now)?;
            Ok(Done::from(replayed))
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct BackForm {
    csrf: String,
    back: String,
}

#[post("/subscriptions/{id}/cancel")]
pub async fn cancel_subscription(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<BackForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    // A button with nothing typed: a refusal is the error page.
    let done = act(
        &state,
        &viewer,
        &f.back,
        "subscription-cancelled",
        move |conn, actor, now| {
            subscriptions::cancel(conn, actor, id, now)?;
            Ok(Done::Now)
        },
    )
    .await?;
    Ok(done)
}

#[derive(Deserialize, Serialize)]
pub struct FileForm {
    csrf: String,
    key: String,
    back: String,
    service_id: String,
    request_type: String,
    quantity: String,
    max_total: String,
    purpose: String,
    bet_id: Option<String>,
}

#[post("/requests")]
pub async fn file_request(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<FileForm>,
) -> Result<HttpResponse, WebError> {
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    let acted = file_as_typed(&state, &viewer, &f).await;
    let name = format!("request-{}", f.service_id.trim());
    answer(&state, &viewer, acted, (Some(Origin::Catalogue), name, &f)).await
}

async fn file_as_typed(
    state: &AppState,
    viewer: &Viewer,
    f: &FileForm,
) -> Result<HttpResponse, Refused> {
    let draft = RequestDraft {
        service_id: optional_id("service_id", Some(&f.service_id))?
            .ok_or_else(|| invalid("service_id", "choose a service"))?,
        team_id: own_team(viewer)?,
        request_type: Name::parse("request_type", &f.request_type)
            .map_err(|e| invalid("request_type", e.message))?,
        quantity: units_field("quantity", &f.quantity)?,
        purpose: Reason::parse("purpose", &f.purpose).map_err(|e| invalid("purpose", e.message))?,
        bet_id: optional_id("bet_id", f.bet_id.as_deref())?,
        max_total: money_field("max_total", &f.max_total, &state.currency)?,
    };
    let key = form_key(&f.key)?;
    act(
        state,
        viewer,
        &f.back,
        "request-filed",
        move |conn, actor, now| {
            let (_, replayed) = requests::file(conn, actor, &draft, Some(&key), now)?;
            Ok(Done::from(replayed))
        },
    )
    .await
}
