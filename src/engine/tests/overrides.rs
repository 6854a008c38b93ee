//! Kills, pins, waivers and re-seeding. A `flat` bet at level L has progress q = L / 100
//! and (beta = 1) fitness min(q, 3).

use super::*;

#[test]
fn kill_after_k_misses_gets_zero() {
    // K = 2. Bet 1 (g = 1,000, streak 1) reads 50 < 100: a miss, streak 2 >= K: killed.
    // Bet 2 (g = 1,000) reads 200: beat, f = 2, the only main candidate: M = 10,000 all to it.
    let killed = BetEvidence {
        prev_streak: 1,
        ..flat(1, 1_000, 50.0)
    };
    let out = run(&round(
        10_000,
        uncapped(),
        vec![killed, flat(2, 1_000, 200.0)],
    ));
    assert_eq!(grants(&out), vec![0, 10_000]);
    let r = result(&out, 1);
    assert_eq!((r.streak, r.decision, r.weight), (2, Decision::Killed, 0.0));
    assert!(has_reason(r, "killed after 2 missed rounds"));
    assert_eq!(result(&out, 2).decision, Decision::Increase);
}

#[test]
fn pin_takes_its_grant_out_first() {
    // B = 10,000, bet 1 pinned at 3,000: B' = 7,000, all to bet 2. Bet 1's evidence is still
    // judged (beat, f = 2) but it shares nothing: weight 0.
    let mut input = round(
        10_000,
        uncapped(),
        vec![flat(1, 1_000, 200.0), flat(2, 1_000, 200.0)],
    );
    input.pins = vec![pin(1, Some(3_000), false, "flagship launch")];
    let out = run(&input);
    assert_eq!((out.pinned_total, out.available), (3_000, 7_000));
    assert_eq!(grants(&out), vec![3_000, 7_000]);
    let r = result(&out, 1);
    assert!(r.pinned);
    assert_eq!(
        (r.outcome, r.decision, r.weight),
        (Outcome::Beat, Decision::Pinned, 0.0)
    );
    assert_eq!(r.target, 3_000.0);
    assert!(has_reason(r, "pinned by the committee: flagship launch"));
}

#[test]
fn pinned_grant_keeps_a_due_bet_alive() {
    // Bet 1 misses with streak 1 -> 2 = K, but its grant is pinned: alive, kill_waived.
    let due = BetEvidence {
        prev_streak: 1,
        ..flat(1, 1_000, 50.0)
    };
    let mut input = round(10_000, uncapped(), vec![due, flat(2, 1_000, 200.0)]);
    input.pins = vec![pin(1, Some(500), false, "contract runs to June")];
    let out = run(&input);
    let r = result(&out, 1);
    assert_eq!(
        (r.streak, r.kill_waived, r.decision, r.grant),
        (2, true, Decision::Pinned, 500)
    );
    assert!(has_reason(
        r,
        "kept alive by its pinned grant despite 2 missed rounds"
    ));
    assert_eq!(result(&out, 2).grant, 9_500);
}

#[test]
fn waived_kill_stays_in_the_pools() {
    // Bet 1 (g = 1,000, streak 1) reads 50: a miss, streak 2 = K, but the kill is waived: it
    // stays a main candidate with q = 0.5, f = 0.5, w = 500. Bet 2: w = 2,000. W = 2,500:
    // targets 10,000 * 500 / 2,500 = 2,000 and 8,000.
    let due = BetEvidence {
        prev_streak: 1,
        ..flat(1, 1_000, 50.0)
    };
    let mut input = round(10_000, uncapped(), vec![due, flat(2, 1_000, 200.0)]);
    input.pins = vec![pin(1, None, true, "new pricing launched last week")];
    let out = run(&input);
    assert_eq!(grants(&out), vec![2_000, 8_000]);
    let r = result(&out, 1);
    assert_eq!((r.streak, r.kill_waived, r.pinned), (2, true, false));
    assert_eq!(r.decision, Decision::Increase);
    assert!(has_reason(
        r,
        "kill waived by the committee: new pricing launched last week"
    ));
}

#[test]
fn reseed_a_continuing_bet_with_no_grant_that_beats() {
    // B = 10,000, e = 0.1, h = 1. Bet 1: continuing, g = 0, beat: re-seeded from E = 1,000.
    // Bet 2: continuing, g = 0, miss: not a candidate anywhere, cut. Bet 3: g = 9,000, beat:
    // M = 9,000, all of it.
    let policy = Policy {
        max_share: 1.0,
        ..Policy::default()
    };
    let bets = vec![flat(1, 0, 200.0), flat(2, 0, 50.0), flat(3, 9_000, 200.0)];
    let out = run(&round(10_000, policy, bets));
    assert_eq!(grants(&out), vec![1_000, 0, 9_000]);
    assert_eq!(
        decisions(&out),
        vec![Decision::Seed, Decision::Cut, Decision::Hold]
    );
    assert!(has_reason(result(&out, 1), "re-seeded"));
    assert!(has_reason(result(&out, 2), "not funded"));
}
