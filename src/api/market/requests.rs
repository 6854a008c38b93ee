//! Requests for extra work: `POST /requests` (the requesting team), `GET /requests`,
//! `GET /requests/{id}`. Their transitions are in [`super::request_actions`].

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::views::{Lookup, RequestView, request_view};
use super::{idempotency_key, keyed};
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::text_schema::{IdempotencyKeyText, NameText, ReasonText};
use crate::db;
use crate::db::DbConnection;
use crate::db::market::plans::RequestType;
use crate::db::market::requests::{Request, RequestFilter};
use crate::domain::{Actor, Money, Name, Reason, RequestStatus};
use crate::error::AppError;
use crate::services::market::requests::{self, RequestDraft};
use crate::services::market::{catalogue, require_party};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    pub service_id: i64,
    /// The requesting team, which pays: the caller's own.
    pub team_id: i64,
    /// One of the request types of the service's plan in force.
    #[schema(value_type = NameText)]
    pub request_type: String,
    /// Units of the request type, 1 to 10^9.
    #[schema(minimum = 1, maximum = 1000000000_i64)]
    pub quantity: i64,
    /// What the work is for.
    #[schema(value_type = ReasonText)]
    pub purpose: String,
    /// One of the team's bets, so that the bet's real cost is known.
    #[serde(default)]
    pub bet_id: Option<i64>,
    /// The most the team will pay for the whole quantity, in minor units (0 to 10^15).
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub max_total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    pub service_id: Option<i64>,
    /// The requesting team.
    pub team_id: Option<i64>,
    /// As stored; `open` also finds requests whose quote expired.
    pub status: Option<RequestStatus>,
}

/// A request as the API shows it, read fresh.
pub fn view_of(
    conn: &mut DbConnection,
    r: &Request,
    now: DateTime<Utc>,
) -> Result<RequestView, AppError> {
    let request_type = RequestType::find(conn, r.request_type_id)?;
    Ok(request_view(
        r,
        request_type.as_ref(),
        &Lookup::load(conn)?,
        now,
    ))
}

/// File a request to a service (the requesting team's members and partners).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<IdempotencyKeyText>, Header, description = "Names this write: a retry with the same key and body answers with the first attempt's request and writes nothing")),
    responses(
        (status = 201, body = RequestView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key"))),
        (status = 403, body = ErrorBody),
        (status = 409, description = "No plan in force, or idempotency conflict", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/requests")]
#[tracing::instrument(skip(state, body, req), fields(user = %caller.name))]
pub async fn create_request(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<CreateRequest>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency_key(&req)?;
    let b = body.into_inner();
    let draft = RequestDraft {
        service_id: b.service_id,
        team_id: b.team_id,
        request_type: Name::parse("request_type", &b.request_type)?,
        quantity: b.quantity,
        purpose: Reason::parse("purpose", &b.purpose)?,
        bet_id: b.bet_id,
        max_total: Money::parse("max_total", b.max_total)?,
    };
    let now = state.clock.now();
    let actor = caller.0.clone();
    let (view, replayed) = db::run(&state.pool, move |conn| {
        let (r, replayed) = requests::file(conn, &actor, &draft, key.as_ref(), now)?;
        Ok::<_, AppError>((view_of(conn, &r, now)?, replayed))
    })
    .await?;
    Ok(keyed(HttpResponse::Created(), replayed, view))
}

/// Requests, oldest first. A partner sees those its team files or serves.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(RequestQuery),
    responses((status = 200, body = Vec<RequestView>), (status = 401, body = ErrorBody))
)]
#[get("/requests")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_requests(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RequestQuery>,
) -> Result<web::Json<Vec<RequestView>>, AppError> {
    let q = query.into_inner();
    let filter = RequestFilter {
        service_id: q.service_id,
        team_id: q.team_id,
        party: (!caller.reads_all_teams()).then_some(caller.team_id.unwrap_or(-1)),
        status: None,
    };
    let now = state.clock.now();
    let views = db::run(&state.pool, move |conn| {
        let lookup = Lookup::load(conn)?;
        let all = Request::list(conn, &filter)?;
        let mut ids: Vec<i64> = all.iter().map(|r| r.request_type_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let types = RequestType::by_ids(conn, &ids)?;
        Ok::<_, AppError>(
            all.iter()
                .map(|r| request_view(r, types.get(&r.request_type_id), &lookup, now))
                .filter(|v| q.status.is_none_or(|s| v.status == s))
                .collect(),
        )
    })
    .await?;
    Ok(web::Json(views))
}

/// A request.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, body = RequestView), (status = 404, body = ErrorBody))
)]
#[get("/requests/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<RequestView>, AppError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let actor: Actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        let r = Request::find(conn, id)?.ok_or_else(|| AppError::not_found("request"))?;
        let provider = catalogue::find(conn, r.service_id)?.provider_team_id;
        require_party(&actor, [r.team_id, provider], "request")?;
        view_of(conn, &r, now)
    })
    .await?;
    Ok(web::Json(view))
}
