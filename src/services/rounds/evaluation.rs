//! A round's evaluation: the engine's outcome with the committee's context (names, changes,
//! evidence quality). A preview stores one on the draft; a commit stores the final one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evidence::{BetLabel, EvidenceQuality, Gathered, SittingOut};
use crate::engine::{BetResult, EngineError, RoundOutcome, evaluate};
use crate::error::{AppError, ErrorKind};

/// One bet's line in a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundLine {
    #[serde(flatten)]
    pub result: BetResult,
    /// grant - prev_grant.
    pub change: i64,
    pub bet: BetLabel,
    pub quality: EvidenceQuality,
}

/// Where a round's money went as a whole. Portfolio-wide figures: a partner, who sees only its
/// own team's lines, does not see these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundMoney {
    pub pinned_total: i64,
    /// B' = budget - pinned_total.
    pub available: i64,
    pub exploration_pool: i64,
    pub main_pool: f64,
    pub spilled: f64,
    pub total_granted: i64,
    pub reserve: i64,
}

/// What a round decided (or would decide, for a preview), with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub evaluated_at: DateTime<Utc>,
    /// The window actually used: (window_start, as_of].
    pub window_start: Option<DateTime<Utc>>,
    pub reports_used: usize,
    pub budget: i64,
    /// floor(max_share * budget): the most an unpinned bet can get.
    pub max_grant: i64,
    /// The round's totals; absent in a partner's view.
    pub money: Option<RoundMoney>,
    pub killed: usize,
    pub seeded: usize,
    pub results: Vec<RoundLine>,
    /// Active bets that take no part in this round, and why.
    #[serde(default)]
    pub sitting_out: Vec<SittingOut>,
}

impl Evaluation {
    /// The round as `actor` may see it: partners only their own team's lines and bets sitting
    /// out, and none of the portfolio-wide totals.
    pub fn for_viewer(mut self, actor: &crate::domain::Actor) -> Self {
        if !actor.reads_all_teams() {
            self.results
                .retain(|l| Some(l.bet.team_id) == actor.team_id);
            self.sitting_out
                .retain(|s| Some(s.bet.team_id) == actor.team_id);
            self.money = None;
            self.killed = 0;
            self.seeded = 0;
        }
        self
    }
}

/// Runs the engine on gathered evidence.
pub fn run(gathered: &Gathered, at: DateTime<Utc>) -> Result<(RoundOutcome, Evaluation), AppError> {
    let outcome = evaluate(&gathered.input).map_err(engine_error)?;
    let results = outcome
        .results
        .iter()
        .map(|r| {
            Ok(RoundLine {
                change: r.grant - r.prev_grant,
                bet: gathered
                    .labels
                    .get(&r.bet_id)
                    .cloned()
                    .ok_or_else(|| AppError::internal(&"label missing"))?,
                quality: gathered
                    .quality
                    .get(&r.bet_id)
                    .cloned()
                    .ok_or_else(|| AppError::internal(&"quality missing"))?,
                result: r.clone(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let count =
        |d: crate::engine::Decision| results.iter().filter(|l| l.result.decision == d).count();
    let evaluation = Evaluation {
        evaluated_at: at,
        window_start: gathered.input.window_start,
        reports_used: gathered.report_ids.len(),
        budget: outcome.budget,
        max_grant: outcome.max_grant,
        money: Some(RoundMoney {
            pinned_total: outcome.pinned_total,
            available: outcome.available,
            exploration_pool: outcome.exploration_pool,
            main_pool: outcome.main_pool,
            spilled: outcome.spilled,
            total_granted: outcome.results.iter().map(|r| r.grant).sum(),
            reserve: outcome.reserve,
        }),
        killed: count(crate::engine::Decision::Killed),
        seeded: count(crate::engine::Decision::Seed),
        results,
        sitting_out: gathered.sitting_out.clone(),
    };
    Ok((outcome, evaluation))
}

/// An input the engine refuses is the committee's to fix: 422, the policy field named.
pub fn engine_error(e: EngineError) -> AppError {
    match &e {
        EngineError::InvalidPolicy { field, .. } => {
            AppError::invalid(format!("policy.{field}"), e.to_string())
        }
        EngineError::PinsExceedBudget { .. } => {
            AppError::new(ErrorKind::Invalid, "pins_exceed_budget", e.to_string())
        }
        _ => AppError::new(ErrorKind::Invalid, "invalid_round", e.to_string()),
    }
}
