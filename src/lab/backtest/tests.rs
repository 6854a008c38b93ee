//! The backtest on histories made by hand (`world`): the committed policies give the history
//! back; a tampered history is caught by name; an alternative's kills, counterfactual rounds,
//! dropped pins and figures are what `docs/lab-backtest.md` says.

mod world;

use crate::engine::{Decision, Outcome, Policy};

use super::*;
use world::{five_rounds, round_id};

fn policy(json: &str) -> Policy {
    serde_json::from_str(json).unwrap()
}

/// Amounts of these histories fit an i32, so the conversion is exact.
fn real(amount: i64) -> f64 {
    f64::from(i32::try_from(amount).unwrap())
}

fn run(history: &History, policies: &[Option<Policy>], keep_pins: bool) -> BacktestReport {
    backtest(history, policies, keep_pins, &mut |_, _| {}).unwrap()
}

/// The history holds a kill, a seed round, pins, a bet that joins late and one that leaves
/// without a kill: the test is about something.
#[test]
fn the_hand_made_history_has_what_the_tests_need() {
    let h = five_rounds();
    let decision = |round: usize, bet: i64| h.rounds[round].stored_bet(bet).map(|s| s.decision);
    assert_eq!(decision(2, 2), Some(Decision::Killed));
    assert_eq!(decision(3, 2), None);
    assert_eq!(decision(0, 1), Some(Decision::Seed));
    assert_eq!(decision(3, 3), Some(Decision::Pinned));
    assert_eq!(decision(4, 4), Some(Decision::Pinned));
    assert_eq!(decision(1, 5), None);
    assert_eq!(decision(2, 5), Some(Decision::Seed));
    assert_ne!(decision(1, 6), Some(Decision::Killed));
    assert_eq!(decision(2, 6), None);
    assert_eq!(h.rounds[1].stored_bet(4).map(|s| s.streak), Some(1));
}

#[test]
fn the_committed_policies_give_every_round_back() {
    let h = five_rounds();
    let report = run(&h, &[None], true);
    let alt = &report.alternatives[0];
    for round in &alt.rounds {
        assert_eq!(round.marked, 0);
        assert_eq!(round.all, round.unmarked);
        assert_eq!(round.all.distance, 0);
        for line in &round.bets {
            assert_eq!(line.grant, line.actual_grant, "{line:?}");
            assert_eq!(line.decision, line.actual_decision, "{line:?}");
        }
    }
    assert_eq!(alt.all, report.actual.all);
    assert_eq!(alt.unmarked.rounds, 5);
    let replay = replay(&h, None, true).unwrap();
    for (round, replayed) in h.rounds.iter().zip(&replay.rounds) {
        assert_eq!(replayed.reserve, round.reserve);
        for s in &round.stored {
            assert_eq!(replayed.bets[&s.bet_id].grant, s.grant);
        }
    }
}

#[test]
fn a_tampered_grant_stops_the_backtest_naming_its_round_and_bet() {
    let mut h = five_rounds();
    let bet = h.rounds[3].stored[0].bet_id;
    h.rounds[3].stored[0].grant += 1;
    let err = backtest(&h, &[None], true, &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(err, BacktestError::SelfCheck { round_id: 13, bet_id: Some(b), .. } if b == bet),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("round 13") && text.contains(&format!("bet {bet}")) && text.contains("grant"),
        "{text}"
    );

    let mut h = five_rounds();
    h.rounds[1].reserve += 1;
    let err = backtest(&h, &[None], true, &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(
            err,
            BacktestError::SelfCheck {
                round_id: 11,
                bet_id: None,
                ..
            }
        ),
        "{err:?}"
    );

    // A streak the history stored differently changes the next round's input: caught there.
    let mut h = five_rounds();
    h.rounds[2].input.bets[0].prev_streak += 1;
    let err = backtest(&h, &[None], true, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("prev_streak"), "{err}");
}

#[test]
fn killing_after_one_miss_kills_more_and_a_killed_bet_gets_nothing_later() {
    let h = five_rounds();
    let report = run(&h, &[Some(policy(r#"{"kill_after_misses":1}"#))], true);
    let alt = &report.alternatives[0];
    assert!(alt.all.killed >= report.actual.all.killed);
    assert!(alt.all.killed > report.actual.all.killed, "bet 4 dies too");
    let mut killed_in: Vec<(i64, usize)> = Vec::new();
    for (index, round) in alt.rounds.iter().enumerate() {
        for line in &round.bets {
            if let Some(&(_, at)) = killed_in.iter().find(|(b, _)| *b == line.bet_id) {
                assert!(index > at);
                assert_eq!(line.grant, 0, "{line:?}");
                assert_eq!(line.decision, None, "{line:?}");
                if line.actual_decision.is_some() {
                    assert!(line.marks.contains(&Mark::KilledEarlier), "{line:?}");
                }
            }
            if line.decision == Some(Decision::Killed) {
                assert_eq!(line.grant, 0);
                killed_in.push((line.bet_id, index));
            }
        }
    }
    // Bet 4 missed once, in the second round: killed there, though the real history kept it,
    // and its pin in the fifth round is dropped and marked.
    assert!(killed_in.contains(&(4, 1)), "{killed_in:?}");
    let fifth = &alt.rounds[4];
    assert_eq!(fifth.pins_dropped, vec![4]);
    let line = fifth.bets.iter().find(|l| l.bet_id == 4).unwrap();
    assert_eq!(line.marks, vec![Mark::KilledEarlier, Mark::PinDropped]);
    assert_eq!(line.actual_decision, Some(Decision::Pinned));
    assert!(alt.unmarked.rounds < alt.all.rounds);

    // Each round starts from the replay's own previous round, not from the real one.
    let strict = policy(r#"{"kill_after_misses":1}"#);
    let replayed = replay(&h, Some(&strict), true).unwrap();
    let mut differs = false;
    for (index, pair) in replayed.rounds.windows(2).enumerate() {
        for (id, step) in &pair[1].bets {
            let own = pair[0].bets.get(id).map_or(0, |s| s.grant);
            assert_eq!(step.prev_grant, own, "round {}, bet {id}", pair[1].round_id);
            let real = h.rounds[index + 1].input.bets.iter().find(|b| b.id == *id);
            differs |= real.is_some_and(|b| b.prev_grant != step.prev_grant);
        }
    }
    assert!(
        differs,
        "the alternative's grants differ from the real ones somewhere"
    );
}

#[test]
fn a_bet_kept_alive_that_the_real_history_killed_runs_on_no_evidence_and_is_marked() {
    let h = five_rounds();
    let lenient = policy(r#"{"kill_after_misses":4}"#);
    let replayed = replay(&h, Some(&lenient), true).unwrap();
    assert_ne!(replayed.rounds[2].bets[&2].decision, Decision::Killed);
    for index in [3, 4] {
        let round = &replayed.rounds[index];
        let step = round.bets[&2];
        assert_eq!(step.outcome, Outcome::InsufficientData);
        assert_eq!(round.marks[&2], vec![Mark::Counterfactual]);
        assert!(h.rounds[index].stored_bet(2).is_none());
    }
    // The streak counts on through the rounds without evidence, 3 then 4, and kills it.
    assert_eq!(replayed.rounds[3].bets[&2].streak, 3);
    assert_eq!(replayed.rounds[4].bets[&2].streak, 4);
    assert_eq!(replayed.rounds[4].bets[&2].decision, Decision::Killed);
    // Bet 6 left without a round killing it: it leaves the replay too, unmarked.
    assert!(
        replayed.rounds[2..]
            .iter()
            .all(|r| !r.bets.contains_key(&6))
    );
    assert!(replayed.rounds.iter().all(|r| !r.marks.contains_key(&6)));

    let report = run(&h, &[Some(lenient)], true);
    let fourth = &report.alternatives[0].rounds[3];
    assert_eq!(fourth.marked, 1);
    assert_eq!(fourth.unmarked.bets + 1, fourth.all.bets);
    let line = fourth.bets.iter().find(|l| l.bet_id == 2).unwrap();
    assert_eq!((line.actual_grant, line.actual_decision), (0, None));
}

#[test]
fn dropping_the_pins_changes_the_pinned_round_and_every_round_adds_up() {
    let h = five_rounds();
    let kept = replay(&h, None, true).unwrap();
    let dropped = replay(&h, None, false).unwrap();
    assert_eq!(kept.rounds[3].bets[&3].decision, Decision::Pinned);
    assert_ne!(dropped.rounds[3].bets[&3].decision, Decision::Pinned);
    assert_ne!(
        dropped.rounds[3].bets[&3].grant,
        kept.rounds[3].bets[&3].grant
    );
    assert_eq!(dropped.rounds[3].pins_dropped, vec![3]);
    assert!(
        dropped.rounds[3].marks.is_empty(),
        "dropping every pin is asked, not marked"
    );
    let policies = [
        None,
        Some(policy(r#"{"kill_after_misses":1}"#)),
        Some(policy(
            r#"{"kill_after_misses":5,"max_share":0.2,"exploration_share":0.3}"#,
        )),
    ];
    for keep_pins in [true, false] {
        for p in &policies {
            for round in replay(&h, p.as_ref(), keep_pins).unwrap().rounds {
                let granted: i64 = round.bets.values().map(|s| s.grant).sum();
                assert_eq!(
                    granted + round.reserve,
                    round.budget,
                    "round {}",
                    round.round_id
                );
            }
        }
    }
}

/// The figures of the first round, whose bets are all new, computed here from the stored grants.
#[test]
fn the_figures_are_the_formulas() {
    let h = five_rounds();
    let report = run(&h, &[Some(policy(r#"{"kill_after_misses":1}"#))], true);
    let first = &report.actual.rounds[0].all;
    let grants: Vec<(i64, i64)> = h.rounds[0]
        .stored
        .iter()
        .map(|s| (s.bet_id, s.grant))
        .collect();
    let total: i64 = grants.iter().map(|g| g.1).sum();
    assert_eq!(first.granted, total);
    assert_eq!(first.turnover, real(total) / 2.0);
    let hhi: f64 = grants
        .iter()
        .map(|g| (real(g.1) / real(total)).powi(2))
        .sum();
    assert!((first.concentration - hhi).abs() < 1e-12);
    let next = &h.rounds[1];
    let beat: i64 = grants
        .iter()
        .filter(|g| {
            next.stored_bet(g.0)
                .is_some_and(|s| s.outcome == Outcome::Beat)
        })
        .map(|g| g.1)
        .sum();
    assert_eq!(
        first.hindsight_money, total,
        "every bet of the first round is in the second"
    );
    assert_eq!(first.hindsight, Some(real(beat) / real(total)));
    let bet2 = grants.iter().find(|g| g.0 == 2).unwrap().1;
    assert!(bet2 > 0);
    assert_eq!(first.later_killed, bet2, "bet 2 dies in the third round");
    assert_eq!(
        report.actual.rounds[4].all.hindsight, None,
        "the last round has none"
    );
    // Round 3 funds bet 5, which is in round 4: nothing left out; round 2 funds bet 6, gone
    // from round 3: left out and counted.
    assert_eq!(report.actual.rounds[1].all.hindsight_left_out, 1);
    // The distance is the lines' differences, and 0 for the actual history.
    let alt = &report.alternatives[0];
    for round in &alt.rounds {
        let sum: i64 = round
            .bets
            .iter()
            .map(|l| (l.grant - l.actual_grant).abs())
            .sum();
        assert_eq!(round.all.distance, sum);
    }
    assert!(alt.all.distance > 0);
    assert_eq!(report.actual.all.distance, 0);
    // Over the history: sums, and the concentration weighted by the money granted.
    let rounds = &report.actual.rounds;
    assert_eq!(
        report.actual.all.turnover,
        rounds.iter().map(|r| r.all.turnover).sum::<f64>()
    );
    let weighted: f64 = rounds
        .iter()
        .map(|r| r.all.concentration * real(r.all.granted))
        .sum::<f64>()
        / rounds.iter().map(|r| real(r.all.granted)).sum::<f64>();
    assert!((report.actual.all.concentration - weighted).abs() < 1e-12);
}

#[test]
fn policies_are_checked_before_anything_runs() {
    let h = five_rounds();
    let too_many = vec![None; MAX_POLICIES + 1];
    let err = backtest(&h, &too_many, true, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("at most 50"), "{err}");
    assert!(matches!(
        backtest(&h, &[], true, &mut |_, _| {}),
        Err(BacktestError::Policies(_))
    ));
    let bad = policy(r#"{"confidence":0.4}"#);
    let err = backtest(&h, &[None, Some(bad)], true, &mut |_, _| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "policy 2: the policy's confidence must be strictly between 0.5 and 1"
    );
    let fifty = vec![None; MAX_POLICIES];
    let mut calls = 0;
    backtest(&h, &fifty, true, &mut |done, total| {
        calls += 1;
        assert_eq!(total, 5 * 51);
        assert_eq!(done, calls);
    })
    .unwrap();
    assert_eq!(calls, 5 * 51);
}

#[test]
fn a_history_out_of_order_is_refused() {
    let mut h = five_rounds();
    h.rounds.swap(1, 2);
    assert!(matches!(h.check(), Err(BacktestError::History(_))));
    let mut h = five_rounds();
    h.rounds[2].round_id = round_id(0);
    assert!(h.check().is_err());
    let empty = History {
        currency: "USD".into(),
        rounds: Vec::new(),
    };
    assert_eq!(empty.check(), Err(BacktestError::NoRounds));
}

#[test]
fn a_policy_judging_two_windows_gets_the_previous_rounds_stored_reports_once() {
    let h = five_rounds();
    let round = &h.rounds[2];
    let mut input = round.input.clone();
    input.policy = policy(r#"{"evidence_windows": 2}"#);
    windows::widen(&mut input, round, &h.rounds[..2]);
    // The earlier start is round 1's as_of; bet 1 has round 2's three reports and its own.
    assert_eq!(input.earlier_window_starts, vec![h.rounds[0].input.as_of]);
    let seen = |input: &crate::engine::RoundInput, id: i64| {
        input
            .bets
            .iter()
            .find(|b| b.id == id)
            .unwrap()
            .observations
            .clone()
    };
    assert_eq!(seen(&input, 1).len(), 6);
    assert!(
        seen(&input, 1).windows(2).all(|p| p[0].at < p[1].at),
        "in time order, none twice"
    );
    // Bet 5 joined in this round: nothing earlier to add.
    assert_eq!(seen(&input, 5).len(), 3);
    // Three windows reach back to the start of time: round 1's reports too.
    input.policy = policy(r#"{"evidence_windows": 3}"#);
    input.bets = round.input.bets.clone();
    windows::widen(&mut input, round, &h.rounds[..2]);
    assert_eq!(seen(&input, 1).len(), 9);
    // And the replay under it runs and adds up in every round.
    let report = run(&h, &[Some(policy(r#"{"evidence_windows": 3}"#))], true);
    assert_eq!(report.alternatives[0].rounds.len(), 5);
}
