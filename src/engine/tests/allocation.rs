//! Steps 3-5: seeds, the main pool, cap, minimum, spill, rounding. In these portfolios a `flat` bet at
//! level L has progress q = L / 100 and (beta = 1) fitness min(q, 3).

use super::*;

#[test]
fn seed_split_water_fills_a_capped_seed_request() {
    // B = 100,000, e = 0.1, h = 1: E = 10,000 for the new bets 1, 2, 3. Equal split 3,333.33,
    // but bet 2 asked for at most 1,000: it takes 1,000 and 9,000 is split between 1 and 3:
    // 4,500 each. M = 100,000 - 10,000 = 90,000, all to bet 4 (the only main candidate).
    let policy = Policy {
        max_share: 1.0,
        ..Policy::default()
    };
    let capped_seed = BetEvidence {
        seed_request: Some(1_000),
        ..new_bet(2)
    };
    let bets = vec![new_bet(1), capped_seed, new_bet(3), flat(4, 50_000, 200.0)];
    let out = run(&round(100_000, policy, bets));
    assert_eq!(out.exploration_pool, 10_000);
    assert_eq!(out.main_pool, 90_000.0);
    assert_eq!(grants(&out), vec![4_500, 1_000, 4_500, 90_000]);
    assert_eq!(decisions(&out)[..3], [Decision::Seed; 3]);
    assert!(has_reason(
        result(&out, 2),
        "seed capped at its request of 1,000"
    ));
    assert!(has_reason(
        result(&out, 1),
        "seeded from the exploration pool"
    ));
}

#[test]
fn main_pool_spill_refills_the_seeds() {
    // As above with h = 0.4 (cap 40,000): bet 4's 90,000 is capped at 40,000 and nobody else
    // is in the main pool: 50,000 spills to the seeds, which now split 10,000 + 50,000:
    // bet 2 keeps its 1,000, bets 1 and 3 get 59,000 / 2 = 29,500 each (under the cap).
    let capped_seed = BetEvidence {
        seed_request: Some(1_000),
        ..new_bet(2)
    };
    let bets = vec![new_bet(1), capped_seed, new_bet(3), flat(4, 50_000, 200.0)];
    let out = run(&round(100_000, Policy::default(), bets));
    assert_eq!(out.spilled, 50_000.0);
    assert_eq!(grants(&out), vec![29_500, 1_000, 29_500, 40_000]);
    assert_eq!(out.reserve, 0);
    assert!(has_reason(
        result(&out, 4),
        "capped at the 40% maximum share (40,000)"
    ));
}

#[test]
fn spill_beyond_the_seed_caps_goes_to_the_reserve() {
    // B = 10,000, h = 0.4 (cap 4,000), E = 1,000. Bet 1 is new and asks for 500: it takes
    // 500 and the other 500 of E joins M = 9,500. Bet 2 alone would get 9,500: capped at
    // 4,000, 5,500 spills, but bet 1 is already at its request: reserve 5,500.
    let seed = BetEvidence {
        seed_request: Some(500),
        ..new_bet(1)
    };
    let out = run(&round(
        10_000,
        Policy::default(),
        vec![seed, flat(2, 1_000, 200.0)],
    ));
    assert_eq!(out.main_pool, 9_500.0);
    assert_eq!(grants(&out), vec![500, 4_000]);
    assert_eq!(out.reserve, 5_500);
}

#[test]
fn max_share_cap_redistributes_the_excess_until_stable() {
    // B = 10,000, h = 0.4: cap 4,000. All beat with f = 2: w = 12,000, 6,000, 2,000,
    // W = 20,000, first targets 6,000, 3,000, 1,000. Bet 1 is capped at 4,000; the other
    // 6,000 is shared 6,000 : 2,000: bet 2 would get 4,500 > 4,000, capped too; bet 3 takes
    // the remaining 2,000.
    let policy = Policy {
        exploration_share: 0.0,
        ..Policy::default()
    };
    let bets = vec![
        flat(1, 6_000, 200.0),
        flat(2, 3_000, 200.0),
        flat(3, 1_000, 200.0),
    ];
    let out = run(&round(10_000, policy, bets));
    assert_eq!(out.max_grant, 4_000);
    assert_eq!(grants(&out), vec![4_000, 4_000, 2_000]);
    assert_eq!(
        decisions(&out),
        vec![Decision::Decrease, Decision::Increase, Decision::Increase]
    );
    assert!(has_reason(
        result(&out, 2),
        "capped at the 40% maximum share"
    ));
    assert!(!has_reason(result(&out, 3), "capped"));
}

#[test]
fn min_grant_drops_small_targets_and_redistributes() {
    // B = 10,000, min_grant 1,000, g = 1,000 each. Bet 1 reads 600: q = 6, counted as
    // q_max = 3, f = 3. Bet 2 reads 300: f = 3. Bet 3 reads 30: a miss (streak 1, alive),
    // f = 0.3. W = 3,000 + 3,000 + 300 = 6,300; bet 3's target 10,000 * 300 / 6,300 = 476
    // is below 1,000: dropped, and bets 1 and 2 share everything: 5,000 each.
    let policy = Policy {
        min_grant: 1_000,
        ..uncapped()
    };
    let bets = vec![
        flat(1, 1_000, 600.0),
        flat(2, 1_000, 300.0),
        flat(3, 1_000, 30.0),
    ];
    let out = run(&round(10_000, policy, bets));
    assert_eq!(grants(&out), vec![5_000, 5_000, 0]);
    assert_eq!(result(&out, 1).fitness, 3.0);
    assert!(has_reason(result(&out, 1), "(counted as 3)"));
    assert_eq!(result(&out, 3).decision, Decision::Cut);
    assert!(has_reason(
        result(&out, 3),
        "dropped: below the minimum grant of 1,000"
    ));
}

#[test]
fn zero_total_weight_sends_everything_to_the_reserve() {
    // Bet 1 reads -10: progress < 0, f = 0. Bet 2 has no reports: f = 0. W = 0, so M = 10,000
    // cannot be placed, there are no seed candidates: reserve 10,000.
    let bets = vec![
        flat(1, 1_000, -10.0),
        BetEvidence {
            prev_grant: 1_000,
            ..bet(2)
        },
    ];
    let out = run(&round(10_000, Policy::default(), bets));
    assert_eq!(grants(&out), vec![0, 0]);
    assert_eq!(out.reserve, 10_000);
    assert_eq!(out.spilled, 10_000.0);
    assert_eq!(decisions(&out), vec![Decision::Cut, Decision::Cut]);
    assert!(has_reason(result(&out, 1), "at or below its baseline"));
}

#[test]
fn first_round_of_a_new_portfolio_spills_the_whole_budget_to_the_seeds() {
    // All new: E = 1,000 split 333.33 each, M = 9,000 has no candidates and spills: the seeds
    // split 10,000 under the 4,000 cap: 3,333.33 each. Floors 3,333 x 3 leave one unit, which
    // goes to the largest fraction, all equal: the lowest id, bet 1.
    let out = run(&round(
        10_000,
        Policy::default(),
        vec![new_bet(1), new_bet(2), new_bet(3)],
    ));
    assert_eq!(out.exploration_pool, 1_000);
    assert_eq!(grants(&out), vec![3_334, 3_333, 3_333]);
    assert_eq!(out.reserve, 0);
    assert_eq!(decisions(&out), vec![Decision::Seed; 3]);
}

#[test]
fn largest_remainder_ties_go_to_the_lower_bet_id_whatever_the_input_order() {
    // Same as above with ids 7, 3, 5 given in that order: bet 3 (the lowest id) gets the unit.
    let bets = vec![new_bet(7), new_bet(3), new_bet(5)];
    let out = run(&round(10, Policy::default(), bets));
    let ids: Vec<i64> = out.results.iter().map(|r| r.bet_id).collect();
    assert_eq!(ids, vec![3, 5, 7]);
    // E = 1 -> 0.33 each; M = 9 spills; 10 / 3 each under the cap of 4: floors 3, one unit.
    assert_eq!(grants(&out), vec![4, 3, 3]);
}
