//! A request's transitions from the pages, one route for all:
//! `POST /requests/{id}/{action}` where the action is the provider's `quote`, `decline` or
//! `deliver`, the requester's `accept`, `raise` or `withdraw`, or anyone's `cancel` (the
//! committee with a written reason). The services decide who may; the buttons a page shows
//! are only those its viewer may press. A quote, raise or cancellation that does not act is
//! drawn again on the team page it came from, with what was typed.

use actix_web::{HttpResponse, post, web};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::retry::Refused;
use super::{Done, Origin, act, answer, form_key, invalid, money_field};
use crate::domain::{Currency, Reason};
use crate::error::AppError;
use crate::services::market::requests::{self, Quote};
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::session::Viewer;

/// Every field any of the actions reads; each reads only its own.
#[derive(Deserialize, Serialize)]
pub struct ActionForm {
    csrf: String,
    back: String,
    #[serde(default)]
    key: String,
    /// A quote's total, or a raised maximum or offer.
    #[serde(default)]
    amount: String,
    /// How many days a quote stands.
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
}

/// One action, parsed before anything is written.
enum Action {
    /// The total, and the days it stands (the service's default when none).
    Quote(crate::domain::Money, Option<i64>),
    Decline(Option<Reason>),
    Deliver,
    Accept,
    Raise(crate::domain::Money),
    Withdraw,
    Cancel(Option<Reason>),
}

impl Action {
    fn parse(word: &str, f: &ActionForm, c: &Currency) -> Result<(Self, &'static str), Refused> {
        let reason = || match f.reason.trim() {
            "" => Ok(None),
            r => Reason::parse("reason", r)
                .map(Some)
                .map_err(|e| invalid("reason", e.message)),
        };
        Ok(match word {
            "quote" => {
                let days = match f.days.trim() {
                    "" => None,
                    d => Some(super::units_field("days", d)?),
                };
                let total = money_field("amount", &f.amount, c)?;
                (Action::Quote(total, days), "request-quoted")
            }
            "decline" => (Action::Decline(reason()?), "request-declined"),
            "deliver" => (Action::Deliver, "request-delivered"),
            "accept" => (Action::Accept, "request-accepted"),
            "raise" => (
                Action::Raise(money_field("amount", &f.amount, c)?),
                "request-raised",
            ),
            "withdraw" => (Action::Withdraw, "request-withdrawn"),
            "cancel" => (Action::Cancel(reason()?), "request-cancelled"),
            _ => return Err(AppError::not_found("action").into()),
        })
    }
}

#[post("/requests/{id}/{action}")]
pub async fn request_action(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (id, word) = path.into_inner();
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    let acted = act_as_typed(&state, &viewer, id, &word, &f).await;
    // Only the forms with something typed are drawn again; a button's refusal is the error
    // page, which says what to do.
    let origin = match word.as_str() {
        "quote" | "raise" | "cancel" => Origin::team_of(&f.back),
        _ => None,
    };
    answer(&state, &viewer, acted, (origin, format!("{word}-{id}"), &f)).await
}

async fn act_as_typed(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    word: &str,
    f: &ActionForm,
) -> Result<HttpResponse, Refused> {
    let currency = state.currency.clone();
    let (action, notice) = Action::parse(word, f, &currency)?;
    // The keyed actions carry the form's key, so a double click moves money once.
    let key = match action {
        Action::Deliver | Action::Accept | Action::Raise(_) => Some(form_key(&f.key)?),
        _ => None,
    };
    act(state, viewer, &f.back, notice, move |conn, actor, now| {
        let key = key.as_ref();
        let replayed = match action {
            Action::Quote(total, days) => {
                // The service checks the range; here the days only become an instant.
                let expires_at = days.map(|d| now + TimeDelta::days(d.min(100_000)));
                let q = Quote { total, expires_at };
                requests::quote(conn, actor, id, &q, now).map(|_| false)
            }
            Action::Decline(r) => {
                requests::decline(conn, actor, id, r.as_ref(), now).map(|_| false)
            }
            Action::Deliver => requests::deliver(conn, actor, id, key, now).map(|r| r.1),
            Action::Accept => requests::accept(conn, actor, id, key, &currency, now).map(|r| r.1),
            Action::Raise(amount) => {
                requests::raise(conn, actor, id, amount, key, &currency, now).map(|r| r.1)
            }
            Action::Withdraw => requests::withdraw(conn, actor, id, now).map(|_| false),
            Action::Cancel(r) => requests::cancel(conn, actor, id, r.as_ref(), now).map(|_| false),
        }?;
        Ok::<_, AppError>(Done::from(replayed))
    })
    .await
}
