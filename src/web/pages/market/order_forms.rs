//! A team's orders from the pages: subscribe to a service (`POST /subscriptions`), cancel a
//! subscription (`POST /subscriptions/{id}/cancel`) and file a request for work
//! (`POST /requests`). The subscribing and filing forms carry an idempotency key made when the
//! form was drawn, so a double click orders once.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::{Done, act, form_key, invalid, money_field, optional_id, units_field};
use crate::domain::{Name, Reason};
use crate::services::market::requests::{self, RequestDraft};
use crate::services::market::subscriptions::{self, SubscriptionDraft};
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::session::Viewer;

/// The viewer's own team: the market's orders are a team's, placed by its own people.
fn own_team(viewer: &Viewer) -> Result<i64, WebError> {
    viewer
        .team_id
        .filter(|t| viewer.acts_for(*t))
        .ok_or_else(|| {
            WebError::forbidden("a team orders for itself: only its members and partners may")
        })
}

#[derive(Deserialize)]
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
    let draft = SubscriptionDraft {
        service_id: optional_id("service", Some(&f.service_id))?
            .ok_or_else(|| invalid("service", "choose a service"))?,
        team_id: own_team(&viewer)?,
        bet_id: optional_id("bet", f.bet_id.as_deref())?,
        quantity: units_field("quantity", &f.quantity)?,
    };
    let key = form_key(&f.key)?;
    act(
        &state,
        &viewer,
        (&f.csrf, &f.back),
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
    act(
        &state,
        &viewer,
        (&f.csrf, &f.back),
        "subscription-cancelled",
        move |conn, actor, now| {
            subscriptions::cancel(conn, actor, id, now)?;
            Ok(Done::Now)
        },
    )
    .await
}

#[derive(Deserialize)]
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
    let draft = RequestDraft {
        service_id: optional_id("service", Some(&f.service_id))?
            .ok_or_else(|| invalid("service", "choose a service"))?,
        team_id: own_team(&viewer)?,
        request_type: Name::parse("request_type", &f.request_type)
            .map_err(|e| invalid("kind of work", e.message))?,
        quantity: units_field("units", &f.quantity)?,
        purpose: Reason::parse("purpose", &f.purpose)
            .map_err(|e| invalid("what it is for", e.message))?,
        bet_id: optional_id("bet", f.bet_id.as_deref())?,
        max_total: money_field("the most you will pay", &f.max_total, &state.currency)?,
    };
    let key = form_key(&f.key)?;
    act(
        &state,
        &viewer,
        (&f.csrf, &f.back),
        "request-filed",
        move |conn, actor, now| {
            let (_, replayed) = requests::file(conn, actor, &draft, Some(&key), now)?;
            Ok(Done::from(replayed))
        },
    )
    .await
}
