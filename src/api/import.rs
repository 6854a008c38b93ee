//! `POST /reports/import`: reports from a CSV file, all or nothing unless the caller asks to
//! keep the good rows. The body is read here, up to a limit, because it is not JSON; the rows
//! are checked and stored by `services::import`, as for the command line.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::error::ErrorBody;
use crate::db;
use crate::error::AppError;
use crate::services::import::{ImportSummary, Mode, import_reports as import_rows};
use crate::startup::AppState;

/// The largest CSV file the API takes in one request; the CLI imports files of any size.
pub const MAX_CSV_BODY: usize = 32 * 1024 * 1024;

/// The media type a CSV file is sent (and, by the exports, answered) as.
pub const CSV_MEDIA_TYPE: &str = "text/csv";

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
    operation_id = "import_reports",
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
pub async fn import_reports(
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
    if !content_type.starts_with(CSV_MEDIA_TYPE) {
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
        import_rows(conn, &actor, body.as_ref(), mode, now, &mut |_| {})
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
