//! Adopting a policy as the portfolio's default for new drafts: the committee's decision,
//! with a written reason and the lab run it came from, audited. A new draft starts from the
//! latest adoption when it came after the last committed round (`rounds::starting_policy`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::db::policy_adoptions::{NewPolicyAdoption, PolicyAdoption};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Reason, SourceNote};
use crate::engine::Policy;
use crate::error::AppError;
use crate::services::audit;

/// An adoption as it is shown.
#[derive(Debug, Clone, Serialize)]
pub struct Adoption {
    pub id: i64,
    pub policy: Policy,
    pub reason: String,
    /// What the lab ran to find it; null for a policy of the committee's own.
    pub lab_run: Option<String>,
    pub adopted_by: i64,
    pub adopted_at: DateTime<Utc>,
}

impl Adoption {
    fn of(row: PolicyAdoption) -> Result<Adoption, AppError> {
        Ok(Adoption {
            id: row.id,
            policy: serde_json::from_str(&row.policy).map_err(|e| AppError::internal(&e))?,
            reason: row.reason,
            lab_run: row.lab_run,
            adopted_by: row.adopted_by,
            adopted_at: row.adopted_at.and_utc(),
        })
    }
}

/// Adopts `policy` (committee only): checked against the engine's ranges, with a reason.
pub fn adopt(
    conn: &mut DbConnection,
    actor: &Actor,
    (policy, reason, lab_run): (&Policy, &str, Option<&str>),
    now: DateTime<Utc>,
) -> Result<Adoption, AppError> {
    if !actor.is_committee() {
        return Err(AppError::forbidden(
            "only the portfolio committee adopts a default policy",
        ));
    }
    if let Err(crate::engine::EngineError::InvalidPolicy { field, reason }) = policy.validate() {
        return Err(AppError::invalid(field, reason));
    }
    let reason = Reason::parse("reason", reason)?;
    let lab_run = lab_run
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| SourceNote::parse("lab_run", r))
        .transpose()?;
    let text = serde_json::to_string(policy).map_err(|e| AppError::internal(&e))?;
    write_transaction(conn, |conn| {
        let row = PolicyAdoption::insert(
            conn,
            &NewPolicyAdoption {
                policy: &text,
                reason: reason.as_str(),
                lab_run: lab_run.as_ref().map(SourceNote::as_str),
                adopted_by: actor.user_id,
                adopted_at: now.naive_utc(),
            },
        )?;
        audit::record(
            conn,
            Some(actor),
            "policy.adopt",
            ("policy_adoption", Some(row.id)),
            json!({"policy": policy, "reason": row.reason, "lab_run": row.lab_run}),
            now,
        )?;
        Adoption::of(row)
    })
}

/// Every adoption, the one in force first (committee and execs).
pub fn adoptions(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<Adoption>, AppError> {
    if !actor.can_oversee() {
        return Err(AppError::forbidden(
            "only the committee and executives read the adopted policies",
        ));
    }
    PolicyAdoption::list(conn)?
        .into_iter()
        .map(Adoption::of)
        .collect()
}
