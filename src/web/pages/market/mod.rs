//! The internal market on the pages: the Services catalogue (`catalogue`), a team's books,
//! subscriptions and requests on its page (`team_books`, `orders`), what a bet cost beyond its
//! grants (`bet_cost`), the market at a glance on the portfolio (`glance`), billing runs
//! (`billing`), and the forms that act (`catalogue_forms`, `order_forms`, `request_actions`).
//! What they share is here: how a market form acts, how it reads what was typed, and where it is
//! drawn again when it did not act (`retry`).

pub mod bet_cost;
pub mod billing;
pub mod catalogue;
pub mod catalogue_forms;
pub mod glance;
pub mod limits;
pub mod order_forms;
mod orders;
pub mod request_actions;
pub mod retry;
pub mod team_books;

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};

use crate::db::{self, DbConnection};
use crate::domain::{Actor, Currency, IdempotencyKey, Money};
use crate::error::AppError;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::forms::{self, local_path};
use crate::web::see_other;
use crate::web::session::Viewer;
use retry::{Refused, Retry};

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

/// Runs one market action (the caller has checked the form's CSRF token), then sends the
/// browser back to the page it came from (on this server) with the action's notice. The
/// services decide who may; a refusal comes back as [`Refused`], for the caller to draw the
/// form again or show the error page.
pub(crate) async fn act<F>(
    state: &AppState,
    viewer: &Viewer,
    back: &str,
    notice: &'static str,
    work: F,
) -> Result<HttpResponse, Refused>
where
    F: FnOnce(&mut DbConnection, &Actor, DateTime<Utc>) -> Result<Done, AppError> + Send + 'static,
{
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

/// The page a market form is drawn on, to draw it again when it did not act.
pub(crate) enum Origin {
    Catalogue,
    Plan(i64),
    Team(i64),
}

impl Origin {
    /// The team page a `back` path names (`/teams/7#requests`), if any.
    pub fn team_of(back: &str) -> Option<Origin> {
        let rest = local_path(back).strip_prefix("/teams/")?;
        let id = rest.split(['#', '?', '/']).next()?.parse().ok()?;
        Some(Origin::Team(id))
    }
}

/// What a market form answers: its redirect when it acted; else, for a refusal of the form's
/// own (a field typed wrong, not allowed, a wrong state), its page drawn again with what was
/// typed (named `form`) and the reason; the error page for anything else.
pub(crate) async fn answer(
    state: &AppState,
    viewer: &Viewer,
    acted: Result<HttpResponse, Refused>,
    (origin, form, typed): (Option<Origin>, String, &impl serde::Serialize),
) -> Result<HttpResponse, WebError> {
    let refused = match acted {
        Ok(response) => return Ok(response),
        Err(refused) => refused,
    };
    let Some(origin) = origin.filter(|_| refused.is_the_forms()) else {
        return Err(refused.into());
    };
    let status = refused.status;
    let retry = Retry::of(form, typed, refused);
    match origin {
        Origin::Catalogue => catalogue::render(state, viewer, None, retry, status).await,
        Origin::Plan(id) => catalogue_forms::render_plan(state, viewer, id, retry, status).await,
        Origin::Team(id) => super::teams::render(state, viewer, id, retry, status).await,
    }
}

/// A form field that was typed wrong: 422 with the input named.
pub(crate) fn invalid(name: &str, message: impl std::fmt::Display) -> Refused {
    Refused::field(name, message)
}

/// An amount typed in major units, exact in the currency's decimals.
pub(crate) fn money_field(field: &str, text: &str, c: &Currency) -> Result<Money, Refused> {
    let minor = forms::money(text, c).map_err(|e| invalid(field, e))?;
    Money::parse(field, minor).map_err(|e| invalid(field, e.message))
}

/// A whole number of units ("2", "1,000").
pub(crate) fn units_field(field: &str, text: &str) -> Result<i64, Refused> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    cleaned
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| invalid(field, "must be a whole number of at least 1"))
}

/// An optional id chosen in a select ("" for none).
pub(crate) fn optional_id(field: &str, text: Option<&str>) -> Result<Option<i64>, Refused> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| invalid(field, "is not one of the choices")),
    }
}

/// The form's idempotency key, made when the form was drawn.
pub(crate) fn form_key(text: &str) -> Result<IdempotencyKey, Refused> {
    IdempotencyKey::parse("key", text).map_err(|e| invalid("key", e.message))
}

/// "USD 1,200.00 per seat" or "USD 1,200.00", per period.
pub(crate) fn price_text(c: &Currency, price: i64, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{} per {unit} per period", c.format(price)),
        None => format!("{} per period", c.format(price)),
    }
}
