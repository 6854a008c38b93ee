//! The round's policy: its defaults and the ranges the rules allow (`docs/engine.md`, "The policy").

use serde::{Deserialize, Serialize};

use super::error::EngineError;

/// The knobs of a round. A partial JSON object fills the missing fields with the defaults;
/// `validate` (called by `evaluate`) rejects values outside those ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// c: probability needed to call a threshold beaten (or, as 1 - c, missed). 0.5 < c < 1.
    pub confidence: f64,
    /// m: fewer observations than this in the window is insufficient data. >= 3.
    pub min_reports: u32,
    /// beta: exponent on progress; 0 means every survivor keeps its share. 0..=10.
    pub selection_pressure: f64,
    /// q_max: progress above this earns nothing more. > 0, finite.
    pub progress_cap: f64,
    /// K: consecutive missed rounds that kill a bet. >= 1.
    pub kill_after_misses: u32,
    /// e: share of B' reserved for seeding new bets. 0..=1.
    pub exploration_share: f64,
    /// h: no unpinned bet gets more than floor(h * B). 0 < h <= 1.
    pub max_share: f64,
    /// A computed main-pool grant below this becomes 0. >= 0.
    pub min_grant: i64,
    /// k: each bet is judged on the reports of the round's last k evidence windows, not the
    /// last one alone (`docs/engine.md`, "Evidence over several windows"). 1..=20; 1, the
    /// default, is v1, and a policy stored before the field existed reads as 1.
    pub evidence_windows: u32,
}

/// The most evidence windows a round may judge on: five years of quarterly rounds.
pub const MAX_EVIDENCE_WINDOWS: u32 = 20;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            confidence: 0.80,
            min_reports: 3,
            selection_pressure: 1.0,
            progress_cap: 3.0,
            kill_after_misses: 2,
            exploration_share: 0.10,
            max_share: 0.40,
            min_grant: 0,
            evidence_windows: 1,
        }
    }
}

impl Policy {
    /// Checks every field against its range; the error names the first field out of range.
    /// NaN is outside every range.
    pub fn validate(&self) -> Result<(), EngineError> {
        check(
            "confidence",
            self.confidence > 0.5 && self.confidence < 1.0,
            "must be strictly between 0.5 and 1",
        )?;
        check("min_reports", self.min_reports >= 3, "must be at least 3")?;
        check(
            "selection_pressure",
            (0.0..=10.0).contains(&self.selection_pressure),
            "must be between 0 and 10",
        )?;
        check(
            "progress_cap",
            self.progress_cap > 0.0 && self.progress_cap.is_finite(),
            "must be a finite number greater than 0",
        )?;
        check(
            "kill_after_misses",
            self.kill_after_misses >= 1,
            "must be at least 1",
        )?;
        check(
            "exploration_share",
            (0.0..=1.0).contains(&self.exploration_share),
            "must be between 0 and 1",
        )?;
        check(
            "max_share",
            self.max_share > 0.0 && self.max_share <= 1.0,
            "must be greater than 0 and at most 1",
        )?;
        check("min_grant", self.min_grant >= 0, "must not be negative")?;
        check(
            "evidence_windows",
            (1..=MAX_EVIDENCE_WINDOWS).contains(&self.evidence_windows),
            "must be between 1 and 20",
        )
    }
}

fn check(field: &'static str, ok: bool, reason: &'static str) -> Result<(), EngineError> {
    if ok {
        Ok(())
    } else {
        Err(EngineError::InvalidPolicy { field, reason })
    }
}
