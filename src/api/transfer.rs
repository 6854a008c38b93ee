//! Imports and exports: `POST /reports/import` (CSV), and a round's results, the portfolio, the
//! ledger and the audit log as CSV or JSON.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::auth::Caller;
use super::error::ErrorBody;
use crate::db;
use crate::error::AppError;
use crate::services::export;
use crate::services::import::{ImportSummary, Mode, import_reports};
use crate::startup::AppState;

/// The largest CSV file the API takes in one request; the CLI imports files of any size.
pub const MAX_CSV_BODY: usize = 32 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Keep the good rows when some are bad (default: all or nothing).
    pub partial: Option<bool>,
}

/// Import reports from CSV (`text/csv`, up to 32 MiB): columns `bet_id` (or `bet`, an id or a
/// slug), `value`, `observed_at`, optional `source` and `idempotency_key`. All or nothing unless
/// `partial=true`; every bad row is listed with its line number.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, with a header row"),
    responses(
        (status = 201, description = "Imported (in partial mode, possibly with refused rows)", body = ImportSummary),
        (status = 404, description = "Every bad row names a bet that does not exist or that the caller cannot see", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Bad rows, each listed in error.details with its line number", body = ErrorBody),
    )
)]
#[post("/reports/import")]
#[tracing::instrument(skip(state, payload, req), fields(user = %caller.name))]
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    req: actix_web::HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    caller.require_writer()?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("text/csv") {
        return Err(AppError::unsupported_format("send the file as text/csv"));
    }
    let body = read_limited(payload, MAX_CSV_BODY).await?;
    let mode = if query.partial.unwrap_or(false) {
        Mode::Partial
    } else {
        Mode::AllOrNothing
    };
    let actor = caller.0.clone();
    let now = crate::domain::time::now();
    let summary = db::run(&state.pool, move |conn| {
        import_reports(conn, &actor, body.as_ref(), mode, now, &mut |_| {})
    })
    .await?;
    if !summary.committed {
        return Err(AppError::invalid("file", summary.refusal()).with_details(summary.errors));
    }
    Ok(HttpResponse::Created().json(summary))
}

/// Reads a request body of at most `limit` bytes. A larger one is refused with 413; the rest of
/// it is read and dropped (up to 8 times the limit) so that the client, still sending, gets the
/// answer rather than a reset connection.
async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Bytes, AppError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    let mut seen = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::bad_request(format!("the body could not be read: {e}")))?;
        seen += chunk.len();
        if seen <= limit {
            body.extend_from_slice(&chunk);
        } else {
            body.clear();
            if seen > limit.saturating_mul(8) {
                break;
            }
        }
    }
    if seen > limit {
        return Err(AppError::too_large(format!(
            "the file is larger than {} MiB; import it with the CLI (horserace import reports FILE)",
            limit / 1024 / 1024
        )));
    }
    Ok(body.freeze())
}

/// CSV or JSON, as the path's extension asks.
fn respond<T: Serialize>(format: &str, name: &str, rows: &[T]) -> Result<HttpResponse, AppError> {
    match format {
        "csv" => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(export::to_csv(rows)?)),
        "json" => Ok(HttpResponse::Ok().json(rows)),
        other => Err(AppError::not_found(&format!(
            "the format {other:?} (use csv or json)"
        ))),
    }
}

/// A round's results, one row per bet and a closing reserve row (so the grants add up to the
/// budget), as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id"), ("format" = String, Path, description = "csv or json")),
    responses((status = 200, description = "The results", content_type = "text/csv"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[get("/rounds/{id}/results.{format}")]
pub async fn round_results(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    let rows = db::run(&state.pool, move |conn| {
        export::round_rows(conn, &actor, id, &currency)
    })
    .await?;
    respond(&format, &format!("round-{id}-results"), &rows)
}

/// Every bet with its latest level, threshold, decision and funding, as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    security(("bearer" = [])),
    params(("format" = String, Path, description = "csv or json")),
    responses((status = 200, description = "The portfolio", content_type = "text/csv"), (status = 404, body = ErrorBody))
)]
#[get("/exports/portfolio.{format}")]
pub async fn portfolio(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    let rows = db::run(&state.pool, move |conn| {
        export::portfolio_rows(conn, &actor, &currency)
    })
    .await?;
    respond(&format, "portfolio", &rows)
}

/// Every ledger entry, oldest first, as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    security(("bearer" = [])),
    params(("format" = String, Path, description = "csv or json")),
    responses((status = 200, description = "The ledger", content_type = "text/csv"), (status = 404, body = ErrorBody))
)]
#[get("/exports/ledger.{format}")]
pub async fn ledger(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    let rows = db::run(&state.pool, move |conn| {
        export::ledger_rows(conn, &actor, &currency)
    })
    .await?;
    respond(&format, "ledger", &rows)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// Entries at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// The audit log over a date range, oldest first, as CSV or JSON (committee and executives).
#[utoipa::path(
    tag = "exports",
    security(("bearer" = [])),
    params(("format" = String, Path, description = "csv or json"), RangeQuery),
    responses((status = 200, description = "The audit log", content_type = "text/csv"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/exports/audit.{format}")]
pub async fn audit(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    caller.require_oversight()?;
    let (since, until) = (
        query.since.map(|t| t.naive_utc()),
        query.until.map(|t| t.naive_utc()),
    );
    let rows = db::run(&state.pool, move |conn| {
        export::audit_rows(conn, since, until)
    })
    .await?;
    respond(&format, "audit", &rows)
}
