//! Why the lab cannot run what it was asked to: each error names the field, the policy or the
//! seed at fault, in words a person can act on. The command line prints them as written.

use crate::engine::EngineError;

/// A refused scenario, policy, grid or seed list, or a round the engine refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabError {
    /// The scenario's text is not the scenario format (serde's message names the field).
    #[error("the scenario is not valid: {0}")]
    ScenarioFormat(String),

    /// A scenario field outside its range. `field` is its path, such as `noise.sd`.
    #[error("the scenario's {field} {reason}")]
    Scenario { field: &'static str, reason: String },

    /// No built-in scenario has this name.
    #[error("there is no built-in scenario named {0:?} (built in: {1})")]
    UnknownScenario(String, String),

    /// A policy the engine would refuse; `number` counts from 1 in the order given.
    #[error("policy {number}: {source}")]
    Policy { number: usize, source: EngineError },

    /// A list of seeds that cannot be used; `field` is `seeds`, `train` or `test`.
    #[error("the {field} seeds {reason}")]
    Seeds { field: &'static str, reason: String },

    /// Too many or too few policies to compare.
    #[error("the policies {0}")]
    Policies(String),

    /// A grid knob whose list is empty, too long, or holds a value the policy refuses.
    #[error("the grid's {field} {reason}")]
    Grid { field: &'static str, reason: String },

    /// The engine refused a round of a run: a scenario whose numbers it cannot compute.
    #[error("seed {seed}, round {round}: the engine refused the round: {source}")]
    Engine {
        seed: u64,
        round: u32,
        source: EngineError,
    },
}
