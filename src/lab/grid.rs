//! The grid the recommendation searches: a list of values per policy knob, every combination
//! a policy, the knobs it does not list at the engine's defaults. A data structure rather than
//! nested loops, so that a knob is added in one place; `Grid::policies` enumerates it in one
//! fixed order, which is also the order that breaks ties.

use serde::{Deserialize, Serialize};

use super::error::LabError;
use crate::engine::Policy;

/// The most policies one grid may hold.
pub const MAX_GRID_POLICIES: usize = 5_000;

/// The values tried for each knob. A knob missing from a grid file keeps the default grid's
/// values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grid {
    /// The evidence rule beyond v1 (`evidence_windows`); 1 is v1.
    pub evidence_windows: Vec<u32>,
    pub confidence: Vec<f64>,
    pub kill_after_misses: Vec<u32>,
    pub selection_pressure: Vec<f64>,
    pub exploration_share: Vec<f64>,
}

impl Default for Grid {
    fn default() -> Self {
        Grid {
            evidence_windows: vec![1, 2, 3, 4],
            confidence: vec![0.6, 0.7, 0.8, 0.9, 0.95],
            kill_after_misses: vec![1, 2, 3, 4, 6],
            selection_pressure: vec![0.0, 0.5, 1.0, 2.0, 4.0, 8.0],
            exploration_share: vec![0.0, 0.1],
        }
    }
}

impl Grid {
    /// Parses a grid strictly and checks it.
    pub fn from_json(text: &str) -> Result<Grid, LabError> {
        let grid: Grid = serde_json::from_str(text).map_err(|e| LabError::Grid {
            field: "file",
            reason: format!("is not valid: {e}"),
        })?;
        grid.validate()?;
        Ok(grid)
    }

    /// How many policies the grid holds (saturating, so a huge grid cannot overflow it).
    pub fn len(&self) -> usize {
        [
            self.evidence_windows.len(),
            self.confidence.len(),
            self.kill_after_misses.len(),
            self.selection_pressure.len(),
            self.exploration_share.len(),
        ]
        .into_iter()
        .fold(1, usize::saturating_mul)
    }

    /// Whether some knob has no value, so the grid holds no policy.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every combination, `Policy::default()` with the knobs overridden: evidence_windows
    /// outermost (so v1 policies come first and win ties), then confidence, kill_after_misses,
    /// selection_pressure, and exploration_share innermost, each in the order listed.
    pub fn policies(&self) -> Vec<Policy> {
        let mut out = Vec::with_capacity(self.len());
        for &evidence_windows in &self.evidence_windows {
            self.push_v1_knobs(evidence_windows, &mut out);
        }
        out
    }

    /// The combinations of the v1 knobs, with `evidence_windows` fixed.
    fn push_v1_knobs(&self, evidence_windows: u32, out: &mut Vec<Policy>) {
        for &confidence in &self.confidence {
            for &kill_after_misses in &self.kill_after_misses {
                for &selection_pressure in &self.selection_pressure {
                    for &exploration_share in &self.exploration_share {
                        out.push(Policy {
                            evidence_windows,
                            confidence,
                            kill_after_misses,
                            selection_pressure,
                            exploration_share,
                            ..Policy::default()
                        });
                    }
                }
            }
        }
    }

    /// Every knob lists at least one value, each one the engine accepts, and the grid holds
    /// at most `MAX_GRID_POLICIES` policies.
    pub fn validate(&self) -> Result<(), LabError> {
        knob("evidence_windows", &self.evidence_windows, |p, &v| {
            p.evidence_windows = v;
        })?;
        knob("confidence", &self.confidence, |p, &v| p.confidence = v)?;
        knob("kill_after_misses", &self.kill_after_misses, |p, &v| {
            p.kill_after_misses = v;
        })?;
        knob("selection_pressure", &self.selection_pressure, |p, &v| {
            p.selection_pressure = v;
        })?;
        knob("exploration_share", &self.exploration_share, |p, &v| {
            p.exploration_share = v;
        })?;
        let size = self.len();
        if size > MAX_GRID_POLICIES {
            return Err(LabError::Grid {
                field: "size",
                reason: format!("is {size} policies: at most {MAX_GRID_POLICIES}"),
            });
        }
        Ok(())
    }
}

fn knob<T: std::fmt::Debug>(
    field: &'static str,
    values: &[T],
    set: impl Fn(&mut Policy, &T),
) -> Result<(), LabError> {
    if values.is_empty() {
        return Err(LabError::Grid {
            field,
            reason: "lists no value: give at least one".to_owned(),
        });
    }
    for v in values {
        let mut policy = Policy::default();
        set(&mut policy, v);
        if let Err(e) = policy.validate() {
            return Err(LabError::Grid {
                field,
                reason: format!("holds {v:?}, which the engine refuses: {e}"),
            });
        }
    }
    Ok(())
}
