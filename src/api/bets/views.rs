//! What the bet routes answer: a bet, its thresholds, its detail and its grants round by round.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::reports::ReportView;
use crate::api::text_schema::{NameText, UnitText};
use crate::api::utc;
use crate::db::bets::{Bet, Threshold};
use crate::db::rounds::RoundResultRow;
use crate::domain::{BetStatus, Direction, Stage};
use crate::engine::{Decision, Outcome};

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is measured ("weekly active users"). 1 to 100 characters.
    #[schema(value_type = NameText)]
    pub name: String,
    /// Its unit ("users", "%", "ms"). 1 to 32 characters.
    #[schema(value_type = UnitText)]
    pub unit: String,
    pub direction: Direction,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BetView {
    pub id: i64,
    pub slug: String,
    pub arena_id: i64,
    pub team_id: i64,
    pub title: String,
    pub thesis: String,
    pub metric: Metric,
    pub baseline: f64,
    pub seed_request: Option<i64>,
    pub stage: Stage,
    pub status: BetStatus,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<Bet> for BetView {
    fn from(b: Bet) -> Self {
        Self {
            metric: Metric {
                name: b.metric_name,
                unit: b.metric_unit,
                direction: b.direction,
            },
            stage: b.stage,
            status: b.status,
            id: b.id,
            slug: b.slug,
            arena_id: b.arena_id,
            team_id: b.team_id,
            title: b.title,
            thesis: b.thesis,
            baseline: b.baseline,
            seed_request: b.seed_request,
            created_by: b.created_by,
            created_at: utc(b.created_at),
            activated_at: b.activated_at.map(utc),
            closed_at: b.closed_at.map(utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdView {
    pub id: i64,
    pub bet_id: i64,
    pub target: f64,
    pub effective_from: DateTime<Utc>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

impl From<Threshold> for ThresholdView {
    fn from(t: Threshold) -> Self {
        Self {
            id: t.id,
            bet_id: t.bet_id,
            target: t.target,
            effective_from: utc(t.effective_from),
            created_by: t.created_by,
            created_at: utc(t.created_at),
        }
    }
}

/// A bet with its thresholds and its newest reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct BetDetail {
    #[serde(flatten)]
    pub bet: BetView,
    /// Every threshold, in the order they take effect.
    pub thresholds: Vec<ThresholdView>,
    /// The threshold in force now, if any.
    pub threshold_in_force: Option<ThresholdView>,
    /// The newest reports (up to 100), corrected ones included and marked.
    pub reports: Vec<ReportView>,
    /// All reports of the bet; page through `GET /bets/{id}/reports`.
    pub reports_total: i64,
    /// What each committed round decided for the bet, oldest first.
    pub grants: Vec<GrantView>,
    /// Consecutive missed rounds after the latest committed round.
    pub streak: i32,
    /// All grants over all rounds, in minor units.
    pub total_granted: i64,
}

/// One committed round's decision for a bet.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    pub round_id: i64,
    pub as_of: DateTime<Utc>,
    pub outcome: Outcome,
    pub decision: Decision,
    pub level: Option<f64>,
    pub p_beat: Option<f64>,
    pub threshold: f64,
    pub streak: i32,
    pub prev_grant: i64,
    pub granted: i64,
    pub reasons: Vec<String>,
}

impl From<(RoundResultRow, chrono::NaiveDateTime)> for GrantView {
    fn from((r, as_of): (RoundResultRow, chrono::NaiveDateTime)) -> Self {
        Self {
            round_id: r.round_id,
            as_of: utc(as_of),
            reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
            outcome: r.outcome,
            decision: r.decision,
            level: r.level,
            p_beat: r.p_beat,
            threshold: r.threshold,
            streak: r.streak,
            prev_grant: r.prev_grant,
            granted: r.granted,
        }
    }
}
