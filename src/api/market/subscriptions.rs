//! Subscriptions: `POST /subscriptions` (the subscribing team), `GET /subscriptions`,
//! `GET /subscriptions/{id}`, `POST /subscriptions/{id}/cancel`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::views::{Lookup, SubscriptionView, subscription_view};
use super::{idempotency_key, keyed};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::IdempotencyKeyText;
use crate::db;
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::error::AppError;
use crate::services::market::catalogue;
use crate::services::market::require_party;
use crate::services::market::subscriptions::{self, SubscriptionDraft};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubscription {
    pub service_id: i64,
    /// The subscribing team: the caller's own.
    pub team_id: i64,
    /// One of the team's bets, so that the bet's real cost is known.
    #[serde(default)]
    pub bet_id: Option<i64>,
    /// Units of the plan's quantity (seats), 1 to 1,000,000; 1 for a flat plan.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000000)]
    pub quantity: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionQuery {
    pub service_id: Option<i64>,
    /// The subscribing team.
    pub team_id: Option<i64>,
}

/// Subscribe the caller's team to a service, from the next billing period on.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<IdempotencyKeyText>, Header, description = "Names this write: a retry with the same key and body answers with the first attempt's subscription and writes nothing")),
    responses(
        (status = 201, body = SubscriptionView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key"))),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Already subscribed, no plan yet, or idempotency conflict", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/subscriptions")]
#[tracing::instrument(skip(state, body, req), fields(user = %caller.name))]
pub async fn create_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<CreateSubscription>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency_key(&req)?;
    let body = body.into_inner();
    let draft = SubscriptionDraft {
        service_id: body.service_id,
        team_id: body.team_id,
        bet_id: body.bet_id,
        quantity: body.quantity.unwrap_or(1),
    };
    let now = state.clock.now();
    let actor = caller.0.clone();
    let (view, replayed) = db::run(&state.pool, move |conn| {
        let (s, replayed) = subscriptions::subscribe(conn, &actor, &draft, key.as_ref(), now)?;
        Ok::<_, AppError>((subscription_view(&s, &Lookup::load(conn)?, now), replayed))
    })
    .await?;
    Ok(keyed(HttpResponse::Created(), replayed, view))
}

/// Subscriptions, oldest first. A partner sees those its team takes or provides.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(SubscriptionQuery),
    responses((status = 200, body = Vec<SubscriptionView>), (status = 401, body = ErrorBody))
)]
#[get("/subscriptions")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<SubscriptionQuery>,
) -> Result<web::Json<Vec<SubscriptionView>>, AppError> {
    let q = query.into_inner();
    let filter = SubscriptionFilter {
        service_id: q.service_id,
        team_id: q.team_id,
        party: (!caller.reads_all_teams()).then_some(caller.team_id.unwrap_or(-1)),
    };
    let now = state.clock.now();
    let views = db::run(&state.pool, move |conn| {
        let lookup = Lookup::load(conn)?;
        Ok::<_, AppError>(
            Subscription::list(conn, &filter)?
                .iter()
                .map(|s| subscription_view(s, &lookup, now))
                .collect(),
        )
    })
    .await?;
    Ok(web::Json(views))
}

/// A subscription.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Subscription id")),
    responses((status = 200, body = SubscriptionView), (status = 404, body = ErrorBody))
)]
#[get("/subscriptions/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<SubscriptionView>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        let s = Subscription::find(conn, id)?.ok_or_else(|| AppError::not_found("subscription"))?;
        let provider = catalogue::find(conn, s.service_id)?.provider_team_id;
        require_party(&actor, [s.team_id, provider], "subscription")?;
        Ok::<_, AppError>(subscription_view(&s, &Lookup::load(conn)?, now))
    })
    .await?;
    Ok(web::Json(view))
}

/// Cancel a subscription: it is billed until the end of the current period (not at all if it
/// has not started).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 200, body = SubscriptionView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already cancelled", body = ErrorBody),
    )
)]
#[post("/subscriptions/{id}/cancel")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn cancel_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<SubscriptionView>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        let s = subscriptions::cancel(conn, &actor, id, now)?;
        Ok::<_, AppError>(subscription_view(&s, &Lookup::load(conn)?, now))
    })
    .await?;
    Ok(web::Json(view))
}
