//! The exports a committee takes to a spreadsheet: a round's results, the portfolio, the ledger
//! and the audit log, each as CSV or JSON as the path's extension asks (`results.csv`,
//! `portfolio.json`). `services::export` builds the rows; this module only picks the format, so
//! both formats always carry the same rows. The market's exports ([`super::market::exports`])
//! answer through the same [`export`].

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::error::ErrorBody;
use super::import::CSV_MEDIA_TYPE;
use crate::db::{self, DbConnection};
use crate::error::AppError;
use crate::services::export::{self, AuditRow, LedgerRow, PortfolioRow, RoundRow};
use crate::startup::AppState;

/// The formats an export comes in, named by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// `text/csv`, with a header row; cells that would start a formula are quoted.
    Csv,
    /// `application/json`: an array of the rows.
    Json,
}

impl ExportFormat {
    /// The extension as the path spells it. Any other word names no resource (404), as an
    /// unknown path would.
    fn parse(word: &str) -> Result<Self, AppError> {
        match word {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            other => Err(AppError::not_found(&format!(
                "the format {other:?} (use csv or json)"
            ))),
        }
    }
}

// The JSON rows are declared before the CSV text in each answer: a generated client types an
// answer by its first media type, and the rows are what it can type.

/// Reads the rows on the pool, then answers them in the path's format. The format is checked
/// after the rows, so a missing round or a draft that was never previewed is reported as such
/// whatever the extension.
pub(crate) async fn export<T, F>(
    state: &AppState,
    format: &str,
    name: &str,
    rows: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<Vec<T>, AppError> + Send + 'static,
{
    let rows = db::run(&state.pool, rows).await?;
    match ExportFormat::parse(format)? {
        ExportFormat::Csv => Ok(HttpResponse::Ok()
            .content_type(format!("{CSV_MEDIA_TYPE}; charset=utf-8"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(export::to_csv(&rows)?)),
        ExportFormat::Json => Ok(HttpResponse::Ok().json(rows)),
    }
}

/// A round's results, one row per bet and a closing reserve row (so the grants add up to the
/// budget), as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_round_results",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Round id"),
        ("format" = ExportFormat, Path, description = "csv or json"),
    ),
    responses(
        (status = 200, description = "The results", content(
            (Vec<RoundRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The round has not been previewed yet", body = ErrorBody),
    )
)]
#[get("/rounds/{id}/results.{format}")]
pub async fn export_round_results(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    export(
        &state,
        &format,
        &format!("round-{id}-results"),
        move |conn| export::round_rows(conn, &actor, id, &currency),
    )
    .await
}

/// Every bet with its latest level, threshold, decision and funding, as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_portfolio",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json")),
    responses(
        (status = 200, description = "The portfolio", content(
            (Vec<PortfolioRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/portfolio.{format}")]
pub async fn export_portfolio(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    export(&state, &format, "portfolio", move |conn| {
        export::portfolio_rows(conn, &actor, &currency)
    })
    .await
}

/// Every ledger entry, oldest first, as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_ledger",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json")),
    responses(
        (status = 200, description = "The ledger", content(
            (Vec<LedgerRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/ledger.{format}")]
pub async fn export_ledger(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    export(&state, &format, "ledger", move |conn| {
        export::ledger_rows(conn, &actor, &currency)
    })
    .await
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
    operation_id = "export_audit",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json"), RangeQuery),
    responses(
        (status = 200, description = "The audit log", content(
            (Vec<AuditRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/audit.{format}")]
pub async fn export_audit(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    caller.require_oversight()?;
    let (since, until) = (
        crate::domain::time::filter_instant("since", query.since)?,
        crate::domain::time::filter_instant("until", query.until)?,
    );
    export(&state, &format, "audit", move |conn| {
        export::audit_rows(conn, since, until)
    })
    .await
}
