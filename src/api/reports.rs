//! Reports: one value, a batch, a correction, and the history of a bet.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{Bearer, Caller};
use super::error::ErrorBody;
use super::pagination::{Page, Paging};
use super::text_schema::{IdempotencyKeyText, SourceText};
use super::utc;
use crate::db;
use crate::db::reports::Report;
use crate::domain::{DomainError, IdempotencyKey, ObservedAt, SourceNote, metric_value};
use crate::error::AppError;
use crate::services::bets::visible_bet;
use crate::services::reports::{self as service, ReportDraft, Stored, Subject};
use crate::startup::AppState;

/// A report as a client sends it for one bet.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReport {
    /// The metric's value; any finite number.
    pub value: f64,
    /// When it was observed (UTC, RFC 3339). Default: now. At most 5 minutes in the future.
    #[serde(default)]
    pub observed_at: Option<DateTime<Utc>>,
    /// Where the value came from. Up to 500 characters.
    #[serde(default)]
    #[schema(value_type = Option<SourceText>)]
    pub source: Option<String>,
    /// A retry with the same key and content stores nothing new and returns the first result;
    /// the same key with different content is refused (409). Scoped to the bet.
    #[serde(default)]
    #[schema(value_type = Option<IdempotencyKeyText>)]
    pub idempotency_key: Option<String>,
}

/// One row of a batch: a report and the bet it is for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchReport {
    pub bet_id: i64,
    pub value: f64,
    #[serde(default)]
    pub observed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<SourceText>)]
    pub source: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<IdempotencyKeyText>)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBatch {
    /// 1 to 10,000 reports, stored all together or not at all.
    #[schema(min_items = 1, max_items = 10000)]
    pub reports: Vec<BatchReport>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub bet_id: i64,
    pub value: f64,
    pub observed_at: DateTime<Utc>,
    pub reported_by: i64,
    pub received_at: DateTime<Utc>,
    pub source: Option<String>,
    pub idempotency_key: Option<String>,
    /// The report this one corrects.
    pub supersedes: Option<i64>,
    /// The correction that replaced this report; a superseded report counts no more.
    pub superseded_by: Option<i64>,
}

impl From<(Report, Option<i64>)> for ReportView {
    fn from((r, superseded_by): (Report, Option<i64>)) -> Self {
        Self {
            id: r.id,
            bet_id: r.bet_id,
            value: r.value,
            observed_at: utc(r.observed_at),
            reported_by: r.reported_by,
            received_at: utc(r.received_at),
            source: r.source,
            idempotency_key: r.idempotency_key,
            supersedes: r.supersedes,
            superseded_by,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// Reports newly stored by this request.
    pub stored: usize,
    /// Rows that repeated an earlier request (same idempotency key and content).
    pub replayed: usize,
    /// One report per row, in the order sent.
    pub reports: Vec<ReportView>,
}

impl CreateReport {
    /// The report as the service takes it, about `subject` (a bet, or a report it corrects).
    fn draft(self, subject: Subject, now: DateTime<Utc>) -> Result<ReportDraft, DomainError> {
        draft(
            subject,
            self.value,
            self.observed_at,
            self.source.as_deref(),
            self.idempotency_key.as_deref(),
            now,
        )
    }
}

/// A report's values parsed: what a single report, a correction and a batch row share.
fn draft(
    subject: Subject,
    value: f64,
    observed_at: Option<DateTime<Utc>>,
    source: Option<&str>,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportDraft, DomainError> {
    Ok(ReportDraft {
        subject,
        value: metric_value("value", value)?,
        observed_at: observed_at
            .map(|at| ObservedAt::parse("observed_at", at, now))
            .transpose()?,
        source: source.map(|s| SourceNote::parse("source", s)).transpose()?,
        idempotency_key: key
            .map(|k| IdempotencyKey::parse("idempotency_key", k))
            .transpose()?,
    })
}

/// A single stored report answers 201; a replay answers the same with `Idempotent-Replayed`.
fn single_response(stored: Stored) -> HttpResponse {
    let mut response = HttpResponse::Created();
    if stored.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.json(ReportView::from((stored.report, None)))
}

async fn store_one(
    state: &AppState,
    token: Bearer,
    draft: ReportDraft,
    now: DateTime<Utc>,
) -> Result<HttpResponse, AppError> {
    // Through the group-commit writer: many clients' single reports share one commit, and the
    // writer checks the token (401, 429) before anything else about the report.
    let written = state.reports.store(token.0, draft, now).await?;
    tracing::Span::current().record("user", written.by.name.as_str());
    Ok(single_response(written.stored))
}

/// Report a value for a bet (its team or the committee).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id")),
    responses(
        (status = 201, description = "Stored, or an earlier identical request replayed", body = ReportView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key; absent otherwise"))),
        (status = 403, description = "Another team's bet, or a closed one", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Idempotency key reused with other content", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/bets/{id}/reports")]
#[tracing::instrument(skip_all, fields(user))]
pub async fn create_report(
    state: web::Data<AppState>,
    token: Bearer,
    path: web::Path<i64>,
    body: web::Json<CreateReport>,
) -> Result<HttpResponse, AppError> {
    let now = crate::domain::time::now();
    let draft = body
        .into_inner()
        .draft(Subject::Bet(path.into_inner()), now)?;
    store_one(&state, token, draft, now).await
}

/// Correct a report: a new report supersedes it; both stay in the history.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the report to correct")),
    responses(
        (status = 201, description = "The correction, or an earlier identical request replayed", body = ReportView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same idempotency key; absent otherwise"))),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already corrected, or idempotency conflict", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/reports/{id}/corrections")]
#[tracing::instrument(skip_all, fields(user))]
pub async fn correct_report(
    state: web::Data<AppState>,
    token: Bearer,
    path: web::Path<i64>,
    body: web::Json<CreateReport>,
) -> Result<HttpResponse, AppError> {
    let now = crate::domain::time::now();
    let draft = body
        .into_inner()
        .draft(Subject::Correction(path.into_inner()), now)?;
    store_one(&state, token, draft, now).await
}

/// Report many values at once: up to 10,000, all stored or none. Every bad row is listed.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    responses(
        (status = 201, body = BatchResult),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 404, description = "Every bad row names a bet that does not exist or that the caller cannot see", body = ErrorBody),
        (status = 413, description = "Body over 2 MiB", body = ErrorBody),
        (status = 422, description = "Bad rows, each listed in error.details", body = ErrorBody),
    )
)]
#[post("/reports/batch")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name, rows = body.reports.len()))]
pub async fn create_batch(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateBatch>,
) -> Result<HttpResponse, AppError> {
    let rows = body.into_inner().reports;
    if rows.is_empty() {
        return Err(AppError::invalid("reports", "send at least one report"));
    }
    let now = crate::domain::time::now();
    let drafts: Vec<service::Row> = rows
        .iter()
        .map(|r| {
            draft(
                Subject::Bet(r.bet_id),
                r.value,
                r.observed_at,
                r.source.as_deref(),
                r.idempotency_key.as_deref(),
                now,
            )
        })
        .collect();
    let actor = caller.0;
    let stored = db::run(&state.pool, move |conn| {
        crate::services::retry::on_duplicate(|| service::store(conn, &actor, &drafts, now))
    })
    .await?;
    let replayed = stored.iter().filter(|s| s.replayed).count();
    Ok(HttpResponse::Created().json(BatchResult {
        stored: stored.len() - replayed,
        replayed,
        reports: stored
            .into_iter()
            .map(|s| ReportView::from((s.report, None)))
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// A bet's report history, newest observation first, corrections and the reports they replaced
/// both included.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bet id"), ReportQuery),
    responses((status = 200, body = Page<ReportView>), (status = 404, body = ErrorBody))
)]
#[get("/bets/{id}/reports")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_reports(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<ReportQuery>,
) -> Result<web::Json<Page<ReportView>>, AppError> {
    let id = path.into_inner();
    let paging = Paging::parse(query.page, query.per_page)?;
    let actor = caller.0.clone();
    let (rows, total) = db::run(&state.pool, move |conn| {
        visible_bet(conn, &actor, id)?;
        Report::page_for_bet(conn, id, paging.offset(), paging.limit()).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(paging.wrap(
        rows.into_iter().map(ReportView::from).collect(),
        total,
    )))
}

/// One report.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, body = ReportView), (status = 404, body = ErrorBody))
)]
// Digits only, so that `/reports/batch` and `/reports/import` are never read as a report id:
// a GET there is answered 405 with `Allow: POST`, not 404.
#[get("/reports/{id:\\d+}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_report(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<ReportView>, AppError> {
    let id = path.into_inner();
    let actor = caller.0.clone();
    let view = db::run(&state.pool, move |conn| {
        let report = Report::find(conn, id)?.ok_or_else(|| AppError::not_found("report"))?;
        visible_bet(conn, &actor, report.bet_id).map_err(|_| AppError::not_found("report"))?;
        let superseded_by = Report::superseded_by(conn, id)?;
        Ok::<_, AppError>(ReportView::from((report, superseded_by)))
    })
    .await?;
    Ok(web::Json(view))
}
