//! The internal market on the pages: the Services catalogue (`catalogue`), a team's books,
//! subscriptions and requests on its page (`team_books`, `orders`), what a bet cost beyond its
//! grants (`bet_cost`), the market at a glance on the portfolio (`glance`), billing runs
//! (`billing`), and the forms that act (`catalogue_forms`, `order_forms`, `request_actions`).
//! What they share is here: how a market form acts and how it reads what was typed.

pub mod bet_cost;
pub mod billing;
pub mod catalogue;
pub mod catalogue_forms;
pub mod glance;
pub mod limits;
pub mod order_forms;
mod orders;
pub mod request_actions;
pub mod team_books;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::db::{self, DbConnection};
use crate::domain::{Actor, Currency, IdempotencyKey, Money};
use crate::error::AppError;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::forms::{self, local_path};
use crate::web::see_other;
use crate::web::session::Viewer;

/// What a market action reports: done, or a replay of one already done (same form key).
pub(crate) enum Done {
    Now,
    Replayed,
}

impl From<bool> for Done {
    fn from(replayed: bool) -> Self {
        if replayed { Done::Replayed } else { Done::Now }
    }
}

/// Runs one market action after the CSRF check, then sends the browser back to the page it
/// came from (on this server) with the action's notice. The services decide who may; a refusal
/// becomes the error page in the service's words.
pub(crate) async fn act<F>(
    state: &AppState,
    viewer: &Viewer,
    (csrf, back): (&str, &str),
    notice: &'static str,
    work: F,
) -> Result<HttpResponse, WebError>
where
    F: FnOnce(&mut DbConnection, &Actor, DateTime<Utc>) -> Result<Done, AppError> + Send + 'static,
{
    viewer.check_csrf(csrf)?;
    let back = local_path(back);
    let (path, anchor) = back.split_once('#').unwrap_or((back, ""));
    let path = path.split('?').next().unwrap_or("/").to_owned();
    let actor = viewer.actor.clone();
    let now = state.clock.now();
    let done = db::run(&state.pool, move |conn| work(conn, &actor, now)).await?;
    let code = match done {
        Done::Now => notice,
        Done::Replayed => "market-replayed",
    };
    let anchor = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    Ok(see_other(format!("{path}?notice={code}{anchor}")))
}

/// A form field that was typed wrong: 422 with the field named.
pub(crate) fn invalid(field: &str, message: impl std::fmt::Display) -> WebError {
    WebError::Page {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: format!("{field}: {message}. Nothing was changed; go back and fix it."),
    }
}

/// An amount typed in major units, exact in the currency's decimals.
pub(crate) fn money_field(field: &str, text: &str, c: &Currency) -> Result<Money, WebError> {
    let minor = forms::money(text, c).map_err(|e| invalid(field, e))?;
    Money::parse(field, minor).map_err(|e| invalid(field, e.message))
}

/// A whole number of units ("2", "1,000").
pub(crate) fn units_field(field: &str, text: &str) -> Result<i64, WebError> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    cleaned
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| invalid(field, "must be a whole number of at least 1"))
}

/// An optional id chosen in a select ("" for none).
pub(crate) fn optional_id(field: &str, text: Option<&str>) -> Result<Option<i64>, WebError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| invalid(field, "is not one of the choices")),
    }
}

/// The form's idempotency key, made when the form was drawn.
pub(crate) fn form_key(text: &str) -> Result<IdempotencyKey, WebError> {
    IdempotencyKey::parse("key", text).map_err(|e| invalid("key", e.message))
}

/// "USD 1,200.00 per seat" or "USD 1,200.00", per period.
pub(crate) fn price_text(c: &Currency, price: i64, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{} per {unit} per period", c.format(price)),
        None => format!("{} per period", c.format(price)),
    }
}
