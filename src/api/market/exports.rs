//! The market's exports, each as CSV or JSON as the path's extension asks:
//! `GET /exports/services.{format}`, `GET /exports/subscriptions.{format}`,
//! `GET /exports/requests.{format}`, `GET /billing-runs/{id}/charges.{format}` and
//! `GET /teams/{id}/statement.{format}`. Each takes the query of the JSON route it mirrors and
//! lets through exactly whom that route lets through; `services::market::export` builds the
//! rows and [`crate::api::exports`] picks the format.

use actix_web::{HttpResponse, get, web};

use super::books::StatementQuery;
use super::requests::RequestQuery;
use super::subscriptions::SubscriptionQuery;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::exports::{ExportFormat, export};
use crate::domain::time::parse_text;
use crate::error::AppError;
use crate::services::market::export::{
    self, ChargeRow, RequestRow, ServiceRow, StatementRow, SubscriptionRow,
};
use crate::services::market::require_books;
use crate::startup::AppState;

// As in the other exports, the JSON rows are declared before the CSV text: a generated client
// types an answer by its first media type.

/// The catalogue, one row per service with its plan in force, subscribers and this period's
/// capacity used and waiting, as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_services",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json")),
    responses(
        (status = 200, description = "The catalogue", content(
            (Vec<ServiceRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/services.{format}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn export_services(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let currency = state.currency.clone();
    export(&state, &format, "services", move |conn| {
        export::service_rows(conn, now, &currency)
    })
    .await
}

/// Subscriptions, oldest first, as `GET /subscriptions` lists them (a partner: those its team
/// takes or provides), as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_subscriptions",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json"), SubscriptionQuery),
    responses(
        (status = 200, description = "The subscriptions", content(
            (Vec<SubscriptionRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/subscriptions.{format}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn export_subscriptions(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
    query: web::Query<SubscriptionQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let now = state.clock.now();
    let actor = caller.0.clone();
    export(&state, &format, "subscriptions", move |conn| {
        export::subscription_rows(conn, &actor, (q.service_id, q.team_id), now)
    })
    .await
}

/// Requests, oldest first, with their status as of now, as `GET /requests` lists them (a
/// partner: those its team files or serves), as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_requests",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json"), RequestQuery),
    responses(
        (status = 200, description = "The requests", content(
            (Vec<RequestRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/requests.{format}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn export_requests(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
    query: web::Query<RequestQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let now = state.clock.now();
    let currency = state.currency.clone();
    let actor = caller.0.clone();
    export(&state, &format, "requests", move |conn| {
        let filter = (q.service_id, q.team_id, q.status);
        export::request_rows(conn, &actor, filter, (now, &currency))
    })
    .await
}

/// A billing run's charges, in the order it charged them: who paid whom how much, and what
/// could not be paid (committee and execs), as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_billing_run_charges",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Billing run id"),
        ("format" = ExportFormat, Path, description = "csv or json"),
    ),
    responses(
        (status = 200, description = "The charges", content(
            (Vec<ChargeRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "A draft run that has not been previewed yet", body = ErrorBody),
    )
)]
#[get("/billing-runs/{id}/charges.{format}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn export_billing_run_charges(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    caller.require_oversight()?;
    let (id, format) = path.into_inner();
    let currency = state.currency.clone();
    let actor = caller.0.clone();
    export(
        &state,
        &format,
        &format!("billing-run-{id}-charges"),
        move |conn| export::charge_rows(conn, &actor, id, &currency),
    )
    .await
}

/// A team's statement over a range, one row per billing period and line (opening, each kind of
/// money in and out, holds, closing), so that per period `opening + in - out = closing` (the
/// team, committee, execs), as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_team_statement",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Team id"),
        ("format" = ExportFormat, Path, description = "csv or json"),
        StatementQuery,
    ),
    responses(
        (status = 200, description = "The statement's lines", content(
            (Vec<StatementRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/teams/{id}/statement.{format}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn export_team_statement(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, String)>,
    query: web::Query<StatementQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    // As the JSON statement: another team's books are refused before the range is read.
    require_books(&caller, id)?;
    let q = query.into_inner();
    let from = q.from.map(|t| parse_text("from", &t)).transpose()?;
    let to = q.to.map(|t| parse_text("to", &t)).transpose()?;
    let now = state.clock.now();
    let currency = state.currency.clone();
    let actor = caller.0.clone();
    export(
        &state,
        &format,
        &format!("team-{id}-statement"),
        move |conn| {
            let range = export::statement_range(conn, (from, to), now)?;
            export::statement_rows(conn, &actor, id, range, &currency)
        },
    )
    .await
}
