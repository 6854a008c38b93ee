//! The replay: the committed rounds again, one after the other, under another policy (or each
//! round's own), with the consequences chained as the rounds would have chained them. Each
//! round's evidence is exactly the reports it used; what changes is what the policy did before:
//! the previous grants, streaks and kills it brings in. Where that leaves a bet with evidence the
//! real history never produced, the round-bet is marked (`docs/lab-backtest.md`, "The replay").

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::{BetEvidence, Decision, Outcome, Policy, RoundInput, evaluate};

use super::error::BacktestError;
use super::history::{History, HistoryRound};
use super::windows;

/// What one bet brought into one round and what the round did with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub prev_grant: i64,
    pub prev_streak: u32,
    pub is_new: bool,
    pub grant: i64,
    pub decision: Decision,
    pub streak: u32,
    pub outcome: Outcome,
}

/// Why a round-bet's figures rest on something the real history did not produce.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Alive in the replay, but the real history had killed it, so the committed round has no
    /// evidence for it: it runs on evidence the real history could not produce (it has none).
    Counterfactual,
    /// In the committed round, but the replay killed it earlier: the real reports it made here
    /// are ones it would never have made.
    KilledEarlier,
    /// The committed round pinned it, but the replay had killed it: the pin was dropped.
    PinDropped,
}

impl Mark {
    /// The snake_case word, as in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Counterfactual => "counterfactual",
            Mark::KilledEarlier => "killed_earlier",
            Mark::PinDropped => "pin_dropped",
        }
    }
}

/// One round of a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayedRound {
    pub round_id: i64,
    pub budget: i64,
    pub reserve: i64,
    /// Every bet the replayed round evaluated.
    pub bets: BTreeMap<i64, Step>,
    /// The marked bets: of the replayed round (counterfactual) or of the committed round only
    /// (killed earlier, pin dropped).
    pub marks: BTreeMap<i64, Vec<Mark>>,
    /// The bets whose committed pin the replayed round went without, ascending.
    pub pins_dropped: Vec<i64>,
}

/// A whole replay, one round per committed round, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub rounds: Vec<ReplayedRound>,
}

/// Replays `history` under `policy` (`None`: each round's committed policy), keeping the
/// committed pins or dropping them. An engine refusal names the round (its `number` is 0; the
/// backtest renumbers it after the policy).
pub fn replay(
    history: &History,
    policy: Option<&Policy>,
    keep_pins: bool,
) -> Result<Replay, BacktestError> {
    replay_with(history, policy, keep_pins, &mut || {})
}

/// [`replay`], calling `progress` after each round.
pub(super) fn replay_with(
    history: &History,
    policy: Option<&Policy>,
    keep_pins: bool,
    progress: &mut dyn FnMut(),
) -> Result<Replay, BacktestError> {
    history.check()?;
    let mut chain = Chain::default();
    let mut rounds = Vec::with_capacity(history.rounds.len());
    for (i, round) in history.rounds.iter().enumerate() {
        let (mut input, marks, pins_dropped) = chain.input(round, policy, keep_pins);
        windows::widen(
            &mut input,
            round,
            history.rounds.get(..i).unwrap_or_default(),
        );
        let outcome = evaluate(&input).map_err(|source| BacktestError::Engine {
            number: 0,
            round_id: round.round_id,
            source,
        })?;
        if outcome.results.len() != input.bets.len() {
            return Err(BacktestError::History(format!(
                "round {}: the engine answered for {} of {} bets",
                round.round_id,
                outcome.results.len(),
                input.bets.len()
            )));
        }
        // Both in ascending bet id: `input` sorts its bets, the engine answers in that order.
        let bets: BTreeMap<i64, Step> = input
            .bets
            .iter()
            .zip(&outcome.results)
            .map(|(bet, r)| {
                let step = Step {
                    prev_grant: bet.prev_grant,
                    prev_streak: bet.prev_streak,
                    is_new: bet.is_new,
                    grant: r.grant,
                    decision: r.decision,
                    streak: r.streak,
                    outcome: r.outcome,
                };
                (bet.id, step)
            })
            .collect();
        chain.advance(round, &bets);
        rounds.push(ReplayedRound {
            round_id: round.round_id,
            budget: outcome.budget,
            reserve: outcome.reserve,
            bets,
            marks,
            pins_dropped,
        });
        progress();
    }
    Ok(Replay { rounds })
}

/// Where the replay stands with one bet after the rounds replayed so far.
#[derive(Debug, Clone, Copy)]
struct Standing {
    streak: u32,
    ever_funded: bool,
    killed: bool,
}

/// The replay's memory between rounds: what its own previous rounds did.
#[derive(Debug, Default)]
struct Chain {
    standings: BTreeMap<i64, Standing>,
    /// The grants of the previous replayed round.
    last_grants: BTreeMap<i64, i64>,
    /// The bets the real history killed, as the round that killed them had them (without
    /// evidence): what a replay that keeps one alive judges it on afterwards.
    really_killed: BTreeMap<i64, BetEvidence>,
}

type Prepared = (RoundInput, BTreeMap<i64, Vec<Mark>>, Vec<i64>);

impl Chain {
    /// The replayed round's input: the committed one, without the bets this replay killed,
    /// with the bets it keeps alive that the real history killed (and no evidence for them),
    /// each bet's previous grant, streak and newness from this replay, and its pins.
    fn input(&self, round: &HistoryRound, policy: Option<&Policy>, keep_pins: bool) -> Prepared {
        let mut marks: BTreeMap<i64, Vec<Mark>> = BTreeMap::new();
        let killed = |id: i64| self.standings.get(&id).is_some_and(|s| s.killed);
        let mut input = round.input.clone();
        if let Some(policy) = policy {
            input.policy = policy.clone();
        }
        input.bets.retain(|bet| {
            let gone = killed(bet.id);
            if gone {
                marks.entry(bet.id).or_default().push(Mark::KilledEarlier);
            }
            !gone
        });
        for bet in &mut input.bets {
            // A bet seen for the first time comes in as the real history had it.
            if let Some(s) = self.standings.get(&bet.id) {
                self.bring_in(bet, s);
            }
        }
        let committed: BTreeSet<i64> = round.input.bets.iter().map(|b| b.id).collect();
        for (&id, s) in &self.standings {
            if s.killed || committed.contains(&id) {
                continue;
            }
            // A bet that left without a round killing it (a race's decision, a merge, a
            // graduation) leaves the replay too: that was not the policy's doing.
            let Some(mut bet) = self.really_killed.get(&id).cloned() else {
                continue;
            };
            self.bring_in(&mut bet, s);
            input.bets.push(bet);
            marks.entry(id).or_default().push(Mark::Counterfactual);
        }
        input.bets.sort_by_key(|b| b.id);
        let mut pins_dropped = Vec::new();
        input.pins.retain(|pin| {
            let keep = keep_pins && !killed(pin.bet_id);
            if !keep {
                pins_dropped.push(pin.bet_id);
                if keep_pins {
                    marks.entry(pin.bet_id).or_default().push(Mark::PinDropped);
                }
            }
            keep
        });
        pins_dropped.sort_unstable();
        (input, marks, pins_dropped)
    }

    fn bring_in(&self, bet: &mut BetEvidence, s: &Standing) {
        bet.prev_grant = self.last_grants.get(&bet.id).copied().unwrap_or(0);
        bet.prev_streak = s.streak;
        bet.is_new = !s.ever_funded;
    }

    /// Takes in what the replayed round did and what the committed one killed.
    fn advance(&mut self, round: &HistoryRound, bets: &BTreeMap<i64, Step>) {
        for (&id, step) in bets {
            let s = self.standings.entry(id).or_insert(Standing {
                streak: 0,
                ever_funded: !step.is_new,
                killed: false,
            });
            s.streak = step.streak;
            s.ever_funded |= step.grant > 0;
            s.killed = step.decision == Decision::Killed;
        }
        self.last_grants = bets.iter().map(|(&id, s)| (id, s.grant)).collect();
        let killed: BTreeSet<i64> = round
            .stored
            .iter()
            .filter(|s| s.decision == Decision::Killed)
            .map(|s| s.bet_id)
            .collect();
        for bet in round.input.bets.iter().filter(|b| killed.contains(&b.id)) {
            self.really_killed.insert(bet.id, without_evidence(bet));
        }
    }
}

/// A bet as a round had it, its evidence left out.
fn without_evidence(bet: &BetEvidence) -> BetEvidence {
    BetEvidence {
        id: bet.id,
        direction: bet.direction,
        baseline: bet.baseline,
        threshold: bet.threshold,
        prev_grant: 0,
        prev_streak: 0,
        is_new: false,
        seed_request: bet.seed_request,
        observations: Vec::new(),
    }
}
