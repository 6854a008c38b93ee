//! Steps 2 and 3: a bet's outcome, streak and kill, then its progress and fitness. Nothing
//! here looks at other bets.

use super::error::EngineError;
use super::estimate::Estimate;
use super::policy::Policy;
use super::types::{BetEvidence, Outcome, Pin};

/// One bet's evidence judged against its threshold.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Assessment {
    pub n: u32,
    pub estimate: Option<Estimate>,
    pub outcome: Outcome,
    pub streak: u32,
    /// The streak reached K: killed unless a pin keeps the bet alive.
    pub due_for_kill: bool,
    pub alive: bool,
    pub progress: Option<f64>,
    /// f; 0 unless the bet is continuing and alive.
    pub fitness: f64,
}

impl Assessment {
    /// A pin kept a bet alive that its streak would have killed.
    pub fn kill_waived(&self) -> bool {
        self.due_for_kill && self.alive
    }
}

pub(super) fn assess(
    bet: &BetEvidence,
    n: u32,
    estimate: Option<Estimate>,
    pin: Option<&Pin>,
    policy: &Policy,
) -> Result<Assessment, EngineError> {
    let outcome = match estimate {
        None => Outcome::InsufficientData,
        Some(e) if e.p_beat >= policy.confidence => Outcome::Beat,
        Some(e) if e.p_beat <= 1.0 - policy.confidence => Outcome::Miss,
        Some(_) => Outcome::Uncertain,
    };
    let streak = if bet.is_new {
        0
    } else {
        match outcome {
            Outcome::Beat => 0,
            Outcome::Miss | Outcome::InsufficientData => bet.prev_streak.saturating_add(1),
            Outcome::Uncertain => bet.prev_streak,
        }
    };
    let due_for_kill = streak >= policy.kill_after_misses;
    // A pinned grant keeps a bet alive as surely as a waiver does (`docs/engine.md`, "Pins").
    let kept_alive = pin.is_some_and(|p| p.waive_kill || p.grant.is_some());
    let alive = !due_for_kill || kept_alive;

    // Registration guarantees d * (T - b) > 0, so the direction is inside the ratio.
    let progress = match estimate {
        Some(e) => {
            let q = (e.level - bet.baseline) / (bet.threshold - bet.baseline);
            if !q.is_finite() {
                return Err(EngineError::EstimateOverflow { bet_id: bet.id });
            }
            Some(q)
        }
        None => None,
    };
    let fitness = match progress {
        Some(q) if !bet.is_new && alive && q > 0.0 => {
            q.min(policy.progress_cap).powf(policy.selection_pressure)
        }
        _ => 0.0,
    };
    if !fitness.is_finite() {
        return Err(EngineError::WeightOverflow {
            bet_id: Some(bet.id),
        });
    }
    Ok(Assessment {
        n,
        estimate,
        outcome,
        streak,
        due_for_kill,
        alive,
        progress,
        fitness,
    })
}
