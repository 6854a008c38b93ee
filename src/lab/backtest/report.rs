//! What a backtest answers, as JSON (format 1, `docs/lab-backtest.md`, "The report"): the
//! rounds replayed, the actual history's figures, and for each alternative its figures round by
//! round beside each bet's actual and replayed grant and decision, with the marks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::{Decision, Policy};

use super::figures::{Figures, RoundView, kills, over_rounds};
use super::history::History;
use super::replay::{Mark, Replay};

/// The version of the report's JSON; a change that breaks a reader raises it.
pub const FORMAT_VERSION: u32 = 1;

/// A whole backtest. Made only once the self-check passed: every committed round replayed
/// under its own policy and pins gave back what it stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BacktestReport {
    pub format: u32,
    /// The portfolio's currency; every amount is in its minor units.
    pub currency: String,
    /// The alternatives were replayed without the committee's pins.
    pub drop_pins: bool,
    /// The committed rounds replayed, oldest first.
    pub rounds: Vec<RoundHeader>,
    /// The real history's figures (its `number` is 0 and its rounds list no bets: their actual
    /// grants are in every alternative's lines).
    pub actual: PolicyRun,
    /// One per policy, in the order given (numbered from 1).
    pub alternatives: Vec<PolicyRun>,
}

/// A committed round as the history holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundHeader {
    pub round_id: i64,
    pub as_of: DateTime<Utc>,
    pub budget: i64,
    /// Bets in the committed round.
    pub bets: usize,
    /// Reports the round used.
    pub reports: usize,
    /// The committee's pins on it.
    pub pins: usize,
}

/// The history under one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyRun {
    /// 0 for the actual history; 1, 2, ... for the policies in the order given.
    pub number: usize,
    /// Null: each round's own committed policy.
    pub policy: Option<Policy>,
    /// One per round of the history, in its order.
    pub rounds: Vec<PolicyRound>,
    /// Over every round and round-bet.
    pub all: Figures,
    /// Over the rounds without a mark only (`all.rounds` minus the marked rounds).
    pub unmarked: Figures,
}

/// One round under one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyRound {
    pub round_id: i64,
    pub reserve: i64,
    /// How many of its round-bets are marked.
    pub marked: usize,
    /// The bets whose committed pin the round went without.
    pub pins_dropped: Vec<i64>,
    /// Over all its round-bets.
    pub all: Figures,
    /// Over its unmarked round-bets only.
    pub unmarked: Figures,
    /// Every bet of the committed or the replayed round, ascending id (none for the actual).
    pub bets: Vec<BetLine>,
}

/// One bet in one round: actual and alternative side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BetLine {
    pub bet_id: i64,
    /// 0 when the bet is not in the committed round.
    pub actual_grant: i64,
    /// Null when the bet is not in the committed round.
    pub actual_decision: Option<Decision>,
    /// 0 when the bet is not in the replayed round.
    pub grant: i64,
    /// Null when the bet is not in the replayed round.
    pub decision: Option<Decision>,
    pub marks: Vec<Mark>,
}

/// The headers of the history's rounds.
pub(super) fn headers(history: &History) -> Vec<RoundHeader> {
    history
        .rounds
        .iter()
        .map(|r| RoundHeader {
            round_id: r.round_id,
            as_of: r.input.as_of,
            budget: r.input.budget,
            bets: r.input.bets.len(),
            reports: r.input.bets.iter().map(|b| b.observations.len()).sum(),
            pins: r.input.pins.len(),
        })
        .collect()
}

/// A policy's run: its figures round by round and over the history, and (for an alternative)
/// its lines beside the actual ones.
pub(super) fn policy_run(
    number: usize,
    policy: Option<Policy>,
    replay: &Replay,
    actual: &Replay,
    history: &History,
) -> PolicyRun {
    let kills = kills(replay);
    let rounds: Vec<PolicyRound> = replay
        .rounds
        .iter()
        .enumerate()
        .map(|(index, round)| {
            let view = RoundView {
                history,
                replay,
                actual,
                index,
                kills: &kills,
            };
            PolicyRound {
                round_id: round.round_id,
                reserve: round.reserve,
                marked: round.marks.len(),
                pins_dropped: round.pins_dropped.clone(),
                all: view.figures(&|_| true),
                unmarked: view.figures(&|id| !round.marks.contains_key(&id)),
                bets: if number == 0 {
                    Vec::new()
                } else {
                    lines(replay, actual, index)
                },
            }
        })
        .collect();
    PolicyRun {
        number,
        policy,
        all: over_rounds(rounds.iter().map(|r| &r.all)),
        unmarked: over_rounds(rounds.iter().filter(|r| r.marked == 0).map(|r| &r.all)),
        rounds,
    }
}

fn lines(replay: &Replay, actual: &Replay, index: usize) -> Vec<BetLine> {
    let (Some(this), Some(real)) = (replay.rounds.get(index), actual.rounds.get(index)) else {
        return Vec::new();
    };
    let mut ids: Vec<i64> = this.bets.keys().chain(real.bets.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let alt = this.bets.get(&id);
            let act = real.bets.get(&id);
            BetLine {
                bet_id: id,
                actual_grant: act.map_or(0, |s| s.grant),
                actual_decision: act.map(|s| s.decision),
                grant: alt.map_or(0, |s| s.grant),
                decision: alt.map(|s| s.decision),
                marks: this.marks.get(&id).cloned().unwrap_or_default(),
            }
        })
        .collect()
}
