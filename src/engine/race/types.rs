//! The race's inputs and outputs: plain data, serialisable as JSON, parsed strictly like the
//! round's (`deny_unknown_fields`, snake_case). The only behaviour here is [`RacerFit::at`],
//! which reads a racer's fitted trend at any instant (`standing.rs` implements it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::{Direction, Observation};

/// One race: two or more bets compared on one measure at the finish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaceInput {
    /// Exclusive start of the evidence window: reports at or before it are ignored.
    pub start: DateTime<Utc>,
    /// The finish instant: each racer's level is forecast here. Reports after it are ignored.
    pub finish: DateTime<Utc>,
    pub measure: RaceMeasure,
    /// Fewer reports than this in (start, finish] leaves a racer without a forecast. >= 3.
    pub min_reports: u32,
    /// The P(best) the leader needs for the race to be called. 0.5 < confidence < 1.
    pub confidence: f64,
    pub racers: Vec<RacerEvidence>,
}

/// What the racers are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RaceMeasure {
    /// The racers' common metric, in its own unit; "best" follows `direction`.
    Metric { direction: Direction },
    /// Each racer's progress q = (L - b) / (T - b) toward its own threshold; higher is better.
    Progress,
}

/// One racer: a bet and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RacerEvidence {
    pub bet_id: i64,
    pub direction: Direction,
    /// b: where the metric started (used by `progress`).
    pub baseline: f64,
    /// T: the bet's threshold (used by `progress`).
    pub threshold: f64,
    /// Reports, superseded ones excluded. Those outside (start, finish] are ignored.
    #[serde(default)]
    pub observations: Vec<Observation>,
}

/// Where every racer stands at the finish, and whether the race can be called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaceStandings {
    /// One per racer, in ascending bet id.
    pub racers: Vec<RacerStanding>,
    /// How many racers have enough reports for a forecast. The comparison (P(best), expected
    /// loss, gap, leader) is made only when this is at least 2.
    pub compared: u32,
    /// The compared racer with the highest P(best); `None` when fewer than two are compared.
    pub leader: Option<i64>,
    pub call: RaceCall,
    /// True when the expected loss does not exist: a compared racer's forecast has one degree
    /// of freedom (a Cauchy tail). Every `expected_loss` is then `None`.
    pub loss_unbounded: bool,
}

/// One racer's standing at the finish. Open to more fields (unlike the inputs), like a
/// round's `BetResult`: a page may flatten it beside the bet's label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RacerStanding {
    pub bet_id: i64,
    /// Reports in (start, finish].
    pub n: u32,
    /// The fitted level at the finish, in the measure's unit (the metric, or q). `None`
    /// without enough reports, as are all the fields below.
    pub forecast: Option<f64>,
    /// Its standard error, in the measure's unit.
    pub se: Option<f64>,
    /// Its degrees of freedom.
    pub nu: Option<u32>,
    /// The fitted trend, to draw it and its band at any instant.
    pub fit: Option<RacerFit>,
    /// The probability that this racer's true level at the finish is the best of the
    /// compared racers. `None` also when fewer than two racers are compared.
    pub p_best: Option<f64>,
    /// E[max_j X_j - X_i]: how much worse than the true best this racer may be, on average, in
    /// the measure's unit. `None` also when the loss is unbounded.
    pub expected_loss: Option<f64>,
    /// How much this racer's forecast must improve, in the measure's unit and in its better
    /// direction, to equal the leader's: 0 for the leader, negative when this racer's forecast
    /// is better than the leader's although its P(best) is lower.
    pub gap_to_leader: Option<f64>,
}

/// The call of the race.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RaceCall {
    /// The leader's P(best) reaches the race's confidence.
    Winner { bet_id: i64 },
    /// At least two racers are compared and none is sure enough.
    TooCloseToCall,
    /// Fewer than two racers have enough reports.
    NotEnoughData,
}

/// A racer's fitted line, read at any instant by [`RacerFit::at`]: the least-squares line of
/// the round's step 1 with x in days from the finish (x <= 0 at every report), mapped to the
/// measure's unit as (metric - offset) / scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RacerFit {
    /// x = 0.
    pub finish: DateTime<Utc>,
    /// Reports in the fit.
    pub n: u32,
    /// Degrees of freedom: n - 2, or n - 1 when every report shares one instant.
    pub nu: u32,
    /// The line's value at the finish, in the metric's unit.
    pub level: f64,
    /// Its change per day, in the metric's unit (0 when every report shares one instant).
    pub slope: f64,
    /// The mean offset of the reports from the finish, in days.
    pub x_bar: f64,
    /// sum((x_k - x_bar)^2), in days squared; 0 when every report shares one instant.
    pub sxx: f64,
    /// The residual variance SSE / nu, in the metric's unit squared.
    pub s2: f64,
    /// The measure's value is (metric - offset) / scale: 0 and 1 for a metric race, b and
    /// T - b for a progress race.
    pub offset: f64,
    pub scale: f64,
}
