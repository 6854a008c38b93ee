//! A request's transitions, each a `POST /requests/{id}/...`: the provider quotes, declines
//! and delivers; the requester accepts, raises and withdraws; either side, or the committee
//! with a written reason, cancels. Accepting, raising and delivering take an idempotency key.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::requests::view_of;
use super::views::RequestView;
use super::{idempotency_key, keyed};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::{IdempotencyKeyText, ReasonText};
use crate::db;
use crate::db::DbConnection;
use crate::db::market::requests::Request;
use crate::domain::{Money, Reason};
use crate::error::AppError;
use crate::services::market::requests::{self, Quote};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    /// The total for the whole quantity, in minor units (0 to 10^15).
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub total: i64,
    /// Until when the quote stands: in the future, at most 365 days ahead; default 7 days.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `{}` when there is nothing to say.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why; the committee must give one to cancel.
    #[serde(default)]
    #[schema(value_type = Option<ReasonText>)]
    pub reason: Option<String>,
}

impl ReasonBody {
    fn parse(body: web::Json<ReasonBody>) -> Result<Option<Reason>, AppError> {
        Ok(body
            .into_inner()
            .reason
            .map(|r| Reason::parse("reason", &r))
            .transpose()?)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseBody {
    /// The new total, in minor units (to 10^15), above the current: before acceptance the
    /// maximum, after acceptance the offer (the hold grows by the difference).
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub amount: i64,
}

type Transition = Box<dyn FnOnce(&mut DbConnection) -> Result<(Request, bool), AppError> + Send>;

/// Runs a transition and answers with the request as it stands.
async fn answer(state: &AppState, transition: Transition) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (view, replayed) = db::run(&state.pool, move |conn| {
        let (r, replayed) = transition(conn)?;
        Ok::<_, AppError>((view_of(conn, &r, now)?, replayed))
    })
    .await?;
    Ok(keyed(HttpResponse::Ok(), replayed, view))
}

/// Quote a total for the request (the provider's members and partners).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not open or quoted", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/requests/{id}/quote")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn quote_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<QuoteBody>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let quote = Quote {
        total: Money::parse("total", body.total)?,
        expires_at: body
            .expires_at
            .map(|t| crate::domain::time::schedule_instant("expires_at", t))
            .transpose()?,
    };
    let actor = caller.0.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| Ok((requests::quote(conn, &actor, id, &quote, now)?, false))),
    )
    .await
}

/// Decline the request (the provider's members and partners), before it is accepted.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not open or quoted", body = ErrorBody),
    )
)]
#[post("/requests/{id}/decline")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn decline_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let reason = ReasonBody::parse(body)?;
    let actor = caller.0.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| {
            Ok((
                requests::decline(conn, &actor, id, reason.as_ref(), now)?,
                false,
            ))
        }),
    )
    .await
}

/// Accept the standing quote (the requesting team): the total is held from the team's account.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Request id"),
        ("Idempotency-Key" = Option<IdempotencyKeyText>, Header, description = "Names this write: a retry answers with the request and moves no money again"),
    ),
    responses(
        (status = 200, body = RequestView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key"))),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not quoted, quote expired or above the maximum, or the team cannot pay (the shortfall is named)", body = ErrorBody),
    )
)]
#[post("/requests/{id}/accept")]
#[tracing::instrument(skip(state, req), fields(user = %caller.name))]
pub async fn accept_request(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let key = idempotency_key(&req)?;
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| requests::accept(conn, &actor, id, key.as_ref(), &currency, now)),
    )
    .await
}

/// Raise what the requesting team will pay: its maximum, or once accepted its offer.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Request id"),
        ("Idempotency-Key" = Option<IdempotencyKeyText>, Header, description = "Names this write: a retry answers with the request and moves no money again"),
    ),
    responses(
        (status = 200, body = RequestView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key"))),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Closed, or the team cannot pay the difference", body = ErrorBody),
        (status = 422, description = "Not above the current amount", body = ErrorBody),
    )
)]
#[post("/requests/{id}/raise")]
#[tracing::instrument(skip(state, req, body), fields(user = %caller.name))]
pub async fn raise_request(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<i64>,
    body: web::Json<RaiseBody>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let key = idempotency_key(&req)?;
    let amount = Money::parse("amount", body.into_inner().amount)?;
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| {
            requests::raise(conn, &actor, id, amount, key.as_ref(), &currency, now)
        }),
    )
    .await
}

/// Withdraw the request (the requesting team), before it is accepted.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Accepted or closed", body = ErrorBody),
    )
)]
#[post("/requests/{id}/withdraw")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn withdraw_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = caller.0.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| Ok((requests::withdraw(conn, &actor, id, now)?, false))),
    )
    .await
}

/// Cancel a request that is not delivered: either team, or the committee with a reason. What
/// was held goes back to the requester.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Delivered or closed", body = ErrorBody),
        (status = 422, description = "The committee gave no reason", body = ErrorBody),
    )
)]
#[post("/requests/{id}/cancel")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn cancel_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let reason = ReasonBody::parse(body)?;
    let actor = caller.0.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| {
            Ok((
                requests::cancel(conn, &actor, id, reason.as_ref(), now)?,
                false,
            ))
        }),
    )
    .await
}

/// Deliver the request (the provider): the held offer is paid to the provider. Only a request
/// the queue schedules within this period's capacity can be delivered.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Request id"),
        ("Idempotency-Key" = Option<IdempotencyKeyText>, Header, description = "Names this write: a retry answers with the request and pays nothing again"),
    ),
    responses(
        (status = 200, body = RequestView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key"))),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not accepted, or waiting in the queue", body = ErrorBody),
    )
)]
#[post("/requests/{id}/deliver")]
#[tracing::instrument(skip(state, req), fields(user = %caller.name))]
pub async fn deliver_request(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let key = idempotency_key(&req)?;
    let actor = caller.0.clone();
    let now = state.clock.now();
    answer(
        &state,
        Box::new(move |conn| requests::deliver(conn, &actor, id, key.as_ref(), now)),
    )
    .await
}
