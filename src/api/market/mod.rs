//! The internal market's routes: the catalogue of services and their plans, subscriptions,
//! requests and their transitions, queues, billing runs, and each team's account and
//! statement, and their exports as CSV or JSON ([`exports`]). Handlers parse, call
//! `services::market`, and answer with the views of [`views`]; who may do what is decided in
//! the services, where the objects are read.

pub mod billing;
pub mod books;
pub mod catalogue;
pub mod exports;
pub mod request_actions;
pub mod requests;
pub mod subscriptions;
pub mod views;

use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::domain::IdempotencyKey;
use crate::error::AppError;

/// The header a client names one intended write with.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The `Idempotency-Key` header, if sent; one that is not printable ASCII of 1 to 255
/// characters is refused (422) before anything is read or written.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<IdempotencyKey>, AppError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| {
        AppError::invalid(IDEMPOTENCY_HEADER, "must be printable ASCII without spaces")
    })?;
    Ok(Some(IdempotencyKey::parse(IDEMPOTENCY_HEADER, text)?))
}

/// An answer that says whether it replays an earlier request with the same key.
pub fn keyed(
    mut response: HttpResponseBuilder,
    replayed: bool,
    body: impl serde::Serialize,
) -> HttpResponse {
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.json(body)
}
