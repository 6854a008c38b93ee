//! Filing a request: a team asks a service for work of one of the request types of the plan in
//! force, a quantity of it, what it is for, and the most it will pay.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::catalogue::{self, MAX_UNITS, plan_at};
use super::super::idempotency::Keyed;
use super::super::{check_bet, require_acts_for};
use super::found;
use crate::db::DbConnection;
use crate::db::market::plans::Plan;
use crate::db::market::requests::{NewRequest, Request};
use crate::domain::{Actor, IdempotencyKey, Money, Name, Reason, RequestStatus};
use crate::error::AppError;
use crate::services::audit;

/// A request as a team files it, parsed.
#[derive(Debug, Clone)]
pub struct RequestDraft {
    pub service_id: i64,
    pub team_id: i64,
    pub request_type: Name,
    pub quantity: i64,
    pub purpose: Reason,
    pub bet_id: Option<i64>,
    pub max_total: Money,
}

pub fn file(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: &RequestDraft,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<(Request, bool), AppError> {
    if !(1..=MAX_UNITS).contains(&draft.quantity) {
        return Err(AppError::invalid(
            "quantity",
            "must be between 1 and 1,000,000,000 units",
        ));
    }
    require_acts_for(actor, draft.team_id, "team")?;
    let keyed = Keyed {
        key,
        operation: "request.file".into(),
        content: json!([
            draft.service_id,
            draft.team_id,
            draft.request_type.as_str(),
            draft.quantity,
            draft.purpose.as_str(),
            draft.bet_id,
            draft.max_total.minor_units()
        ]),
    };
    let written = keyed.write(conn, actor, now, |conn| create(conn, actor, draft, now))?;
    Ok((found(conn, written.id())?, written.replayed()))
}

fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: &RequestDraft,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let service = catalogue::find(conn, draft.service_id)
        .map_err(|_| AppError::invalid("service_id", "no service has this id"))?;
    if service.provider_team_id == draft.team_id {
        return Err(AppError::invalid(
            "service_id",
            "a team cannot file a request to its own service",
        ));
    }
    check_bet(conn, draft.bet_id, draft.team_id)?;
    let plans = Plan::of_services(conn, &[service.id])?;
    let plan = plan_at(&plans, now).ok_or_else(|| {
        AppError::conflict(
            "no_plan",
            format!(
                "{} has no plan in force: it takes no requests yet",
                service.name
            ),
        )
    })?;
    let request_type = plan
        .request_types
        .iter()
        .find(|t| t.name == draft.request_type.as_str())
        .ok_or_else(|| {
            let names: Vec<&str> = plan.request_types.iter().map(|t| t.name.as_str()).collect();
            AppError::invalid(
                "request_type",
                if names.is_empty() {
                    format!("{} lists no request types", service.name)
                } else {
                    format!(
                        "{} offers no request type {:?}; it offers: {}",
                        service.name,
                        draft.request_type.as_str(),
                        names.join(", ")
                    )
                },
            )
        })?;
    let request = Request::create(
        conn,
        &NewRequest {
            service_id: service.id,
            team_id: draft.team_id,
            request_type_id: request_type.id,
            quantity: draft.quantity,
            purpose: draft.purpose.as_str(),
            bet_id: draft.bet_id,
            max_total: draft.max_total.minor_units(),
            status: RequestStatus::Open,
            created_by: actor.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    audit::record(
        conn,
        Some(actor),
        "request.file",
        ("request", Some(request.id)),
        json!({
            "service_id": service.id, "team_id": draft.team_id,
            "request_type": request_type.name, "quantity": draft.quantity,
            "max_total": draft.max_total.minor_units(), "bet_id": draft.bet_id,
        }),
        now,
    )?;
    Ok(request.id)
}
