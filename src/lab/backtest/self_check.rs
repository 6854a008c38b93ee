//! The self-check every backtest starts with: the committed policies, with their pins, replayed
//! over the history must give back every round as it was stored (each bet's inputs, grant,
//! decision, streak and outcome, and the reserve). If they do not, the history is no baseline to
//! compare an alternative with, and the backtest stops naming the first round and bet that
//! differ, rather than report figures that rest on it.

use std::collections::BTreeSet;

use super::error::BacktestError;
use super::history::{History, HistoryRound};
use super::replay::{Replay, ReplayedRound, Step, replay_with};

/// Replays the committed policies with their pins and compares every round with what it
/// stored; the replay, which is then the real history, when they all agree.
pub fn self_check(history: &History, progress: &mut dyn FnMut()) -> Result<Replay, BacktestError> {
    let replay = replay_with(history, None, true, progress)?;
    for (round, replayed) in history.rounds.iter().zip(&replay.rounds) {
        compare_round(round, replayed)?;
    }
    Ok(replay)
}

fn compare_round(round: &HistoryRound, replayed: &ReplayedRound) -> Result<(), BacktestError> {
    let fail = |bet_id: Option<i64>, what: String| BacktestError::SelfCheck {
        round_id: round.round_id,
        bet_id,
        what,
    };
    for bet in &round.input.bets {
        let Some(stored) = round.stored_bet(bet.id) else {
            return Err(fail(
                Some(bet.id),
                "the round stored no result for it".into(),
            ));
        };
        let Some(step) = replayed.bets.get(&bet.id) else {
            return Err(fail(Some(bet.id), "the replay left it out".into()));
        };
        let brought = Step {
            prev_grant: bet.prev_grant,
            prev_streak: bet.prev_streak,
            is_new: bet.is_new,
            grant: stored.grant,
            decision: stored.decision,
            streak: stored.streak,
            outcome: stored.outcome,
        };
        if let Some(what) = difference(step, &brought) {
            return Err(fail(Some(bet.id), what));
        }
    }
    let taking_part: BTreeSet<i64> = round.input.bets.iter().map(|b| b.id).collect();
    if let Some(s) = round
        .stored
        .iter()
        .find(|s| !taking_part.contains(&s.bet_id))
    {
        return Err(fail(
            Some(s.bet_id),
            "the round stored a result for it, but its input does not hold it".into(),
        ));
    }
    if let Some(&id) = replayed
        .bets
        .keys()
        .find(|&&id| round.stored_bet(id).is_none())
    {
        return Err(fail(
            Some(id),
            "the replay brings it in, but the round did not have it".into(),
        ));
    }
    if replayed.reserve != round.reserve {
        return Err(fail(
            None,
            format!(
                "the replay keeps {} in reserve, the round stored {}",
                replayed.reserve, round.reserve
            ),
        ));
    }
    Ok(())
}

/// The first way the replayed step differs from the stored one, in words.
fn difference(replayed: &Step, stored: &Step) -> Option<String> {
    let pairs = [
        (
            "prev_grant",
            replayed.prev_grant.to_string(),
            stored.prev_grant.to_string(),
        ),
        (
            "prev_streak",
            replayed.prev_streak.to_string(),
            stored.prev_streak.to_string(),
        ),
        (
            "is_new",
            replayed.is_new.to_string(),
            stored.is_new.to_string(),
        ),
        (
            "grant",
            replayed.grant.to_string(),
            stored.grant.to_string(),
        ),
        (
            "decision",
            replayed.decision.as_str().to_owned(),
            stored.decision.as_str().to_owned(),
        ),
        (
            "streak",
            replayed.streak.to_string(),
            stored.streak.to_string(),
        ),
        (
            "outcome",
            replayed.outcome.as_str().to_owned(),
            stored.outcome.as_str().to_owned(),
        ),
    ];
    pairs
        .into_iter()
        .find(|(_, a, b)| a != b)
        .map(|(what, a, b)| format!("{what}: the replay gives {a}, the round stored {b}"))
}
