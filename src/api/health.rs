//! Liveness and readiness, outside `/api/v1` and without a token.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use crate::db;
use crate::error::AppError;
use crate::startup::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: HealthStatus,
}

/// What a health check found: `ok` (the process is up) or `ready` (the database answers). A
/// word enum, so that a generated client compares it as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Ready,
}

/// The process is up.
#[utoipa::path(tag = "health", operation_id = "get_health", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: HealthStatus::Ok,
    })
}

/// The database answers.
#[utoipa::path(
    tag = "health",
    operation_id = "get_readiness",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody))
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    db::run(&state.pool, |conn| {
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::unavailable(format!("the database does not answer: {e}")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: HealthStatus::Ready,
    }))
}

/// Prometheus metrics: requests and latency by route, reports ingested, rounds committed, the
/// database pool.
#[utoipa::path(
    tag = "health",
    operation_id = "get_metrics",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::metrics::METRICS.render(&state.pool))
}
