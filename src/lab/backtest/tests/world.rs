//! A committed history made by hand for the backtest's tests: each round is "committed" the way
//! the service commits one (`services::rounds::evidence`): the previous grant from the round
//! before, the streak from the latest round the bet took part in, new until a round funds it,
//! killed bets gone from every later round, pins only on bets that take part.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::json;

use crate::engine::{BetEvidence, Direction, Observation, Pin, Policy, RoundInput, evaluate};
use crate::lab::backtest::{History, HistoryRound, StoredBet};

/// One round as the committee ran it.
pub struct Plan {
    pub budget: i64,
    pub policy: Policy,
    /// The bets that would take part unless an earlier round killed them, each with the values
    /// of its three reports in the round's window.
    pub bets: Vec<(i64, [f64; 3])>,
    pub pins: Vec<Pin>,
}

pub const BEAT: [f64; 3] = [139.0, 141.0, 140.0];
pub const MISS: [f64; 3] = [101.0, 99.0, 100.0];
pub const SLIGHT_BEAT: [f64; 3] = [131.0, 129.0, 130.0];

pub fn round_id(index: usize) -> i64 {
    10 + i64::try_from(index).unwrap()
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn day(n: usize) -> TimeDelta {
    TimeDelta::days(i64::try_from(n).unwrap())
}

pub fn pin(bet_id: i64, grant: Option<i64>) -> Pin {
    Pin {
        bet_id,
        grant,
        waive_kill: false,
        reason: "the committee's call".into(),
    }
}

/// Commits the plans one after the other, as the service would.
pub fn commit(plans: &[Plan]) -> History {
    let mut last_grants: BTreeMap<i64, i64> = BTreeMap::new();
    let mut streaks: BTreeMap<i64, u32> = BTreeMap::new();
    let mut funded: BTreeSet<i64> = BTreeSet::new();
    let mut killed: BTreeSet<i64> = BTreeSet::new();
    let mut rounds = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let as_of = start() + day(30 * (i + 1));
        let window_start = (i > 0).then(|| start() + day(30 * i));
        let bets: Vec<BetEvidence> = plan
            .bets
            .iter()
            .filter(|(id, _)| !killed.contains(id))
            .map(|&(id, values)| BetEvidence {
                id,
                direction: Direction::HigherIsBetter,
                baseline: 100.0,
                threshold: 120.0,
                prev_grant: last_grants.get(&id).copied().unwrap_or(0),
                prev_streak: streaks.get(&id).copied().unwrap_or(0),
                is_new: !funded.contains(&id),
                seed_request: None,
                observations: values
                    .iter()
                    .zip([21, 14, 7])
                    .map(|(&value, back)| Observation {
                        at: as_of - day(back),
                        value,
                    })
                    .collect(),
            })
            .collect();
        let mut input: RoundInput = serde_json::from_value(json!({
            "budget": plan.budget, "as_of": as_of, "window_start": window_start,
            "policy": plan.policy, "bets": [], "money_decimals": 2,
        }))
        .unwrap();
        input.pins = plan
            .pins
            .iter()
            .filter(|p| bets.iter().any(|b| b.id == p.bet_id))
            .cloned()
            .collect();
        input.bets = bets;
        let outcome = evaluate(&input).unwrap();
        let stored: Vec<StoredBet> = outcome
            .results
            .iter()
            .map(|r| StoredBet {
                bet_id: r.bet_id,
                grant: r.grant,
                decision: r.decision,
                streak: r.streak,
                outcome: r.outcome,
            })
            .collect();
        last_grants = stored.iter().map(|s| (s.bet_id, s.grant)).collect();
        for s in &stored {
            streaks.insert(s.bet_id, s.streak);
            if s.grant > 0 {
                funded.insert(s.bet_id);
            }
            if s.decision == crate::engine::Decision::Killed {
                killed.insert(s.bet_id);
            }
        }
        rounds.push(HistoryRound {
            round_id: round_id(i),
            input,
            stored,
            reserve: outcome.reserve,
        });
    }
    History {
        currency: "USD".into(),
        rounds,
    }
}

/// Five rounds of 100,000.00 under the default policy. Bet 1 beats throughout; bet 2 misses
/// throughout (killed in the third round); bet 3 beats a little and is pinned at 7,000.00 in the
/// fourth; bet 4 misses once, in the second; bet 5 joins in the third; bet 6 leaves after the
/// second without a round killing it (a merge); bet 4 is pinned in the fifth.
pub fn five_rounds() -> History {
    let plans: Vec<Plan> = (0..5)
        .map(|i| {
            let mut bets = vec![(1, BEAT), (2, MISS), (3, SLIGHT_BEAT)];
            bets.push((4, if i == 1 { MISS } else { BEAT }));
            if i >= 2 {
                bets.push((5, BEAT));
            }
            if i < 2 {
                bets.push((6, SLIGHT_BEAT));
            }
            let pins = match i {
                3 => vec![pin(3, Some(700_000))],
                4 => vec![pin(4, Some(500_000))],
                _ => Vec::new(),
            };
            Plan {
                budget: 10_000_000,
                policy: Policy::default(),
                bets,
                pins,
            }
        })
        .collect();
    commit(&plans)
}
