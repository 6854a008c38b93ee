//! Billing runs as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::utc;
use crate::db::market::billing::BillingRun;
use crate::domain::{BillingPeriod, BillingRunStatus};
use crate::services::market::billing::Billing;

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingRunView {
    pub id: i64,
    /// `2026-11`.
    pub period: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub status: BillingRunStatus,
    pub created_at: DateTime<Utc>,
    pub previewed_at: Option<DateTime<Utc>>,
    pub committed_at: Option<DateTime<Utc>>,
    /// Committed: the sum of the paid charges; null for a draft.
    pub charged: Option<i64>,
    /// Committed: the sum of the charges that could not be paid; null for a draft.
    pub unpaid: Option<i64>,
}

impl From<&BillingRun> for BillingRunView {
    fn from(r: &BillingRun) -> Self {
        let start = utc(r.period_start);
        Self {
            id: r.id,
            period: BillingPeriod::spanning(start, utc(r.period_end))
                .map_or_else(|| start.format("%Y-%m").to_string(), BillingPeriod::label),
            period_start: start,
            period_end: utc(r.period_end),
            status: r.status,
            created_at: utc(r.created_at),
            previewed_at: r.previewed_at.map(utc),
            committed_at: r.committed_at.map(utc),
            charged: r.charged,
            unpaid: r.unpaid,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingRunDetail {
    #[serde(flatten)]
    pub run: BillingRunView,
    /// What it charged (committed) or would charge as last previewed (a draft); null for a
    /// draft never previewed.
    pub billing: Option<Billing>,
}
