//! `GET /audit`: the audit log, newest first, filterable (committee and executives).

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::error::ErrorBody;
use super::pagination::{Page, Paging};
use super::utc;
use crate::db;
use crate::db::audit::{AuditEntry, AuditFilter};
use crate::domain::Filter;
use crate::error::AppError;
use crate::startup::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The user who acted; none for the system (first start).
    pub actor_id: Option<i64>,
    /// What happened, e.g. `report.create`, `round.commit`.
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            at: utc(e.at),
            actor_id: e.actor_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::String(e.detail)),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
    /// Entries at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub until: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// The audit log (committee and executives).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, body = Page<AuditView>), (status = 403, body = ErrorBody))
)]
#[get("/audit")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Page<AuditView>>, AppError> {
    caller.require_oversight()?;
    let q = query.into_inner();
    let paging = Paging::parse(q.page, q.per_page)?;
    let filter = AuditFilter {
        actor_id: q.actor_id,
        action: q
            .action
            .map(|a| Filter::optional("action", &a))
            .transpose()?
            .flatten(),
        object_type: q
            .object_type
            .map(|o| Filter::optional("object_type", &o))
            .transpose()?
            .flatten(),
        object_id: q.object_id,
        since: crate::domain::time::filter_instant("since", q.since)?,
        until: crate::domain::time::filter_instant("until", q.until)?,
    };
    let (rows, total) = db::run(&state.pool, move |conn| {
        AuditEntry::page(conn, &filter, paging.offset(), paging.limit()).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(paging.wrap(
        rows.into_iter().map(AuditView::from).collect(),
        total,
    )))
}
