//! The engine's inputs and outputs: plain data, serialisable as JSON, with no behaviour beyond
//! the small helpers the database and the reasons need (`Direction::sign`, `as_str`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::policy::Policy;

/// Everything one funding round is decided from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    /// The round's budget B, in minor units.
    pub budget: i64,
    /// The evaluation instant: levels are estimated here.
    pub as_of: DateTime<Utc>,
    /// Exclusive start of the evidence window; `None` means the start of time. The caller
    /// resolves the rules' default (`docs/engine.md`, "How the service builds the input") (the previous committed round's `as_of`).
    #[serde(default)]
    pub window_start: Option<DateTime<Utc>>,
    #[serde(default)]
    pub policy: Policy,
    /// The `as_of` instants of the committed rounds before the one that opened the window
    /// (newest first by convention; any order is accepted): the starts of the earlier windows
    /// a policy with `evidence_windows` k > 1 judges on. Only the k - 1 newest are used; fewer
    /// than k - 1 means the judged evidence reaches back to the start of time. Empty in v1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_window_starts: Vec<DateTime<Utc>>,
    pub bets: Vec<BetEvidence>,
    #[serde(default)]
    pub pins: Vec<Pin>,
    /// How many digits of the currency's minor units the reasons show after the decimal point
    /// (2 for USD: 123456 reads "1,234.56"). Money is still computed in whole minor units; this
    /// changes only how reasons print it. 0, the default, prints minor units. At most 4.
    #[serde(default)]
    pub money_decimals: u32,
}

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    /// Both directions.
    pub const ALL: [Direction; 2] = [Direction::HigherIsBetter, Direction::LowerIsBetter];

    /// d in `docs/engine.md`: +1 when higher is better, -1 when lower is better.
    pub fn sign(self) -> f64 {
        match self {
            Direction::HigherIsBetter => 1.0,
            Direction::LowerIsBetter => -1.0,
        }
    }

    /// The snake_case word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
        }
    }
}

/// One report of a bet's metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// One active bet with its threshold in force and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BetEvidence {
    pub id: i64,
    pub direction: Direction,
    pub baseline: f64,
    /// The threshold T in force at `as_of`.
    pub threshold: f64,
    /// g: the grant of the previous committed round, 0 if none.
    #[serde(default)]
    pub prev_grant: i64,
    /// Consecutive missed rounds so far.
    #[serde(default)]
    pub prev_streak: u32,
    /// Never granted money in any committed round.
    #[serde(default)]
    pub is_new: bool,
    /// Optional cap on the bet's seed grant.
    #[serde(default)]
    pub seed_request: Option<i64>,
    /// Reports, superseded ones excluded. Those outside (window_start, as_of] are ignored.
    #[serde(default)]
    pub observations: Vec<Observation>,
}

/// A committee override, always with a written reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub bet_id: i64,
    /// Fixes the grant to exactly this amount (and so keeps the bet alive).
    #[serde(default)]
    pub grant: Option<i64>,
    /// Keeps the bet alive this round whatever its streak.
    #[serde(default)]
    pub waive_kill: bool,
    pub reason: String,
}

/// What the round decided, for the whole portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundOutcome {
    /// B.
    pub budget: i64,
    /// Sum of the pinned grants.
    pub pinned_total: i64,
    /// B' = B - pinned_total: what the engine allocates.
    pub available: i64,
    /// floor(h * B): the most any unpinned bet can get.
    pub max_grant: i64,
    /// E = floor(e * B'), or 0 without seed candidates.
    pub exploration_pool: i64,
    /// M = B' - the seed targets before the spill (real).
    pub main_pool: f64,
    /// What the main pool could not place and offered to the seed candidates (real).
    pub spilled: f64,
    /// Whole units nobody took; sum(grants) + reserve == budget.
    pub reserve: i64,
    /// One per bet, in ascending bet id.
    pub results: Vec<BetResult>,
}

/// What the round decided for one bet, and why. Open to more fields (unlike the inputs): the
/// service flattens it into a round's line beside the bet's label and evidence quality, and
/// its schema must allow them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetResult {
    pub bet_id: i64,
    /// Observations in the window.
    pub n: u32,
    /// L: the estimated level at `as_of`.
    pub level: Option<f64>,
    /// The fitted line's change per day (0 when every report shares one instant); shown to
    /// people, not used by the rules.
    pub slope: Option<f64>,
    pub se: Option<f64>,
    /// Degrees of freedom of the t test.
    pub nu: Option<u32>,
    pub threshold: f64,
    /// P: the probability that the level beats the threshold.
    pub p_beat: Option<f64>,
    pub outcome: Outcome,
    /// Consecutive missed rounds after this round.
    pub streak: u32,
    /// q = (L - b) / (T - b).
    pub progress: Option<f64>,
    /// f; 0 for bets that are not continuing and alive.
    pub fitness: f64,
    /// w = g * f for main-pool candidates; 0 for everyone else.
    pub weight: f64,
    pub prev_grant: i64,
    /// The real target before whole-unit rounding (the pinned amount for a pinned bet).
    pub target: f64,
    pub grant: i64,
    /// The committee fixed the grant.
    pub pinned: bool,
    /// The bet would have been killed, but a pin kept it alive.
    pub kill_waived: bool,
    pub decision: Decision,
    pub reasons: Vec<String>,
}

/// How the evidence compares with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Beat,
    Miss,
    Uncertain,
    InsufficientData,
}

impl Outcome {
    /// Every outcome. The match in [`Outcome::position`] stops compiling when a variant is
    /// added, so the list is looked at again.
    pub const ALL: [Outcome; 4] = [
        Outcome::Beat,
        Outcome::Miss,
        Outcome::Uncertain,
        Outcome::InsufficientData,
    ];

    /// Where the outcome stands in [`Outcome::ALL`].
    #[cfg(test)]
    pub(crate) fn position(self) -> usize {
        match self {
            Outcome::Beat => 0,
            Outcome::Miss => 1,
            Outcome::Uncertain => 2,
            Outcome::InsufficientData => 3,
        }
    }

    /// The snake_case word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Beat => "beat",
            Outcome::Miss => "miss",
            Outcome::Uncertain => "uncertain",
            Outcome::InsufficientData => "insufficient_data",
        }
    }
}

/// The one decision shown for a bet (`docs/engine.md` step 6, in order of precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Killed,
    Pinned,
    Seed,
    Cut,
    Increase,
    Decrease,
    Hold,
}

impl Decision {
    /// Every decision, in order of precedence. The match in [`Decision::position`] stops
    /// compiling when a variant is added, so the list is looked at again.
    pub const ALL: [Decision; 7] = [
        Decision::Killed,
        Decision::Pinned,
        Decision::Seed,
        Decision::Cut,
        Decision::Increase,
        Decision::Decrease,
        Decision::Hold,
    ];

    /// Where the decision stands in [`Decision::ALL`].
    #[cfg(test)]
    pub(crate) fn position(self) -> usize {
        match self {
            Decision::Killed => 0,
            Decision::Pinned => 1,
            Decision::Seed => 2,
            Decision::Cut => 3,
            Decision::Increase => 4,
            Decision::Decrease => 5,
            Decision::Hold => 6,
        }
    }

    /// The snake_case word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Killed => "killed",
            Decision::Pinned => "pinned",
            Decision::Seed => "seed",
            Decision::Cut => "cut",
            Decision::Increase => "increase",
            Decision::Decrease => "decrease",
            Decision::Hold => "hold",
        }
    }
}
