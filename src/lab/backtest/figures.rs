//! The figures a backtest reports for a round under one policy, and over the whole history:
//! money granted and moved between bets, bets killed, concentration, hindsight, money that went
//! to bets the same policy later killed, and the distance from the actual grants. The formulas
//! are `docs/lab-backtest.md`'s, "The figures"; the sums and means over the history too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::{Decision, Outcome};

use super::history::History;
use super::replay::{Replay, ReplayedRound};

/// A round's figures under one policy, over a set of its round-bets; or the whole history's.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    /// Rounds counted: 1 for a round.
    pub rounds: usize,
    /// Round-bets counted.
    pub bets: usize,
    /// Money granted, minor units.
    pub granted: i64,
    /// Money moved between bets: the sum over bets of |grant - previous grant| / 2, minor units
    /// (it can end in half a unit). Summed over the history.
    pub turnover: f64,
    /// Bets the rounds killed.
    pub killed: usize,
    /// The Herfindahl-Hirschman index of the grants, sum of (grant / granted)^2; 0 when nothing
    /// is granted. Over the history, the mean of the rounds' weighted by the money granted.
    pub concentration: f64,
    /// The share of `hindsight_money` that went to bets whose outcome in the next committed
    /// round, as really recorded, was `beat` (over the history: the sums' ratio). Null for the
    /// last round, and when no money went to a bet with a recorded next outcome.
    pub hindsight: Option<f64>,
    /// Money granted to bets with a recorded outcome in the next committed round.
    pub hindsight_money: i64,
    /// Of it, the money granted to those whose next outcome was `beat`.
    pub hindsight_beat: i64,
    /// Bets granted money that have no recorded outcome in the next committed round, left out
    /// of the hindsight (not counted in the last round, which has none).
    pub hindsight_left_out: usize,
    /// Money granted to bets the same policy killed in a later round.
    pub later_killed: i64,
    /// The sum over bets of |grant - actual grant| (a bet missing from a round counts 0).
    pub distance: i64,
}

/// What a round's figures are computed from.
pub(super) struct RoundView<'a> {
    pub history: &'a History,
    /// The policy's replay and the actual history, as a replay.
    pub replay: &'a Replay,
    pub actual: &'a Replay,
    /// The round in all three.
    pub index: usize,
    /// Each bet the replay killed, with the index of the round that killed it.
    pub kills: &'a BTreeMap<i64, usize>,
}

/// Each bet the replay killed, with the index of the round that did.
pub(super) fn kills(replay: &Replay) -> BTreeMap<i64, usize> {
    let mut kills = BTreeMap::new();
    for (index, round) in replay.rounds.iter().enumerate() {
        for (&id, step) in &round.bets {
            if step.decision == Decision::Killed {
                kills.entry(id).or_insert(index);
            }
        }
    }
    kills
}

impl RoundView<'_> {
    fn this(&self) -> Option<&ReplayedRound> {
        self.replay.rounds.get(self.index)
    }

    /// The round's figures over the round-bets `counted` accepts (by bet id).
    pub fn figures(&self, counted: &dyn Fn(i64) -> bool) -> Figures {
        let Some(this) = self.this() else {
            return Figures::default();
        };
        let bets: Vec<(i64, i64, Decision)> = this
            .bets
            .iter()
            .filter(|&(&id, _)| counted(id))
            .map(|(&id, s)| (id, s.grant, s.decision))
            .collect();
        let granted: i64 = bets.iter().map(|b| b.1).sum();
        let (hindsight_money, hindsight_beat, hindsight_left_out) = self.hindsight(&bets);
        Figures {
            rounds: 1,
            bets: bets.len(),
            granted,
            turnover: self.turnover(this, counted),
            killed: bets.iter().filter(|b| b.2 == Decision::Killed).count(),
            concentration: bets
                .iter()
                .map(|b| crate::domain::approx::share(b.1, granted).powi(2))
                .sum(),
            hindsight: self
                .has_next()
                .then(|| ratio(hindsight_beat, hindsight_money))
                .flatten(),
            hindsight_money,
            hindsight_beat,
            hindsight_left_out,
            later_killed: bets
                .iter()
                .filter(|b| b.1 > 0 && self.kills.get(&b.0).is_some_and(|&k| k > self.index))
                .map(|b| b.1)
                .sum(),
            distance: self.distance(this, counted),
        }
    }

    fn has_next(&self) -> bool {
        self.index + 1 < self.history.rounds.len()
    }

    /// Money moved: each bet's change from its previous grant (the one the replay brought into
    /// the round), and the whole previous grant of a bet of the previous round that is not in
    /// this one; halved, as each unit moved leaves one bet and reaches another.
    fn turnover(&self, this: &ReplayedRound, counted: &dyn Fn(i64) -> bool) -> f64 {
        let mut moved: i64 = this
            .bets
            .iter()
            .filter(|&(&id, _)| counted(id))
            .map(|(_, s)| (s.grant - s.prev_grant).abs())
            .sum();
        if let Some(previous) = self
            .index
            .checked_sub(1)
            .and_then(|i| self.replay.rounds.get(i))
        {
            moved += previous
                .bets
                .iter()
                .filter(|&(&id, _)| counted(id) && !this.bets.contains_key(&id))
                .map(|(_, s)| s.grant)
                .sum::<i64>();
        }
        real(moved) / 2.0
    }

    /// (money to bets with a recorded next outcome, of it to those that beat, funded bets
    /// without one).
    fn hindsight(&self, bets: &[(i64, i64, Decision)]) -> (i64, i64, usize) {
        let Some(next) = self.history.rounds.get(self.index + 1) else {
            return (0, 0, 0);
        };
        let (mut money, mut beat, mut left_out) = (0, 0, 0);
        for &(id, grant, _) in bets.iter().filter(|b| b.1 > 0) {
            match next.stored_bet(id) {
                Some(s) => {
                    money += grant;
                    if s.outcome == Outcome::Beat {
                        beat += grant;
                    }
                }
                None => left_out += 1,
            }
        }
        (money, beat, left_out)
    }

    fn distance(&self, this: &ReplayedRound, counted: &dyn Fn(i64) -> bool) -> i64 {
        let Some(actual) = self.actual.rounds.get(self.index) else {
            return 0;
        };
        let grant = |round: &ReplayedRound, id: i64| round.bets.get(&id).map_or(0, |s| s.grant);
        let mut ids: Vec<i64> = this
            .bets
            .keys()
            .chain(actual.bets.keys())
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter(|&id| counted(id))
            .map(|id| (grant(this, id) - grant(actual, id)).abs())
            .sum()
    }
}

/// The figures over several rounds: sums, the concentration weighted by the money granted, and
/// the hindsight as the ratio of the summed money.
pub(super) fn over_rounds<'a>(rounds: impl IntoIterator<Item = &'a Figures>) -> Figures {
    let mut total = Figures::default();
    let mut weighted = 0.0;
    for f in rounds {
        total.rounds += f.rounds;
        total.bets += f.bets;
        total.granted += f.granted;
        total.turnover += f.turnover;
        total.killed += f.killed;
        weighted += f.concentration * real(f.granted);
        total.hindsight_money += f.hindsight_money;
        total.hindsight_beat += f.hindsight_beat;
        total.hindsight_left_out += f.hindsight_left_out;
        total.later_killed += f.later_killed;
        total.distance += f.distance;
    }
    total.concentration = if total.granted > 0 {
        weighted / real(total.granted)
    } else {
        0.0
    };
    total.hindsight = ratio(total.hindsight_beat, total.hindsight_money);
    total
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| crate::domain::approx::share(part, whole))
}

/// An amount of money as a real.
#[expect(
    clippy::cast_precision_loss,
    reason = "a round's amounts are at most the engine's MAX_AMOUNT (10^15), below 2^53, and a \
              history's sums of them stay far below 2^63: exact, or off in the 16th digit"
)]
fn real(amount: i64) -> f64 {
    amount as f64
}
