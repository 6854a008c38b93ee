//! Step 4: which pool each bet draws from, then the exploration pool, the main pool with its
//! cap and minimum, and the spill. The pools work on plain slices of caps and weights in
//! ascending bet id; every amount is real.

use super::judge::Assessment;
use super::money::{count, floor, real};
use super::policy::Policy;
use super::types::{BetEvidence, Outcome};

/// The part a bet played in the pools.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    Killed,
    /// A pinned grant: the amount is fixed by the committee.
    Pinned,
    /// A seed candidate; `cap` = min(seed request, floor(h * B)).
    Seed {
        reseed: bool,
        cap: f64,
    },
    /// A main-pool candidate.
    Main {
        status: MainStatus,
    },
    /// Continuing and alive with no previous grant and no beat: nothing to share from.
    Unfunded,
}

/// Which pool a bet draws from (steps 4.1-4.2), before the pools are computed.
pub(super) fn role(bet: &BetEvidence, a: &Assessment, pinned: bool, max_grant: i64) -> Role {
    if !a.alive {
        Role::Killed
    } else if pinned {
        Role::Pinned
    } else if bet.is_new || (bet.prev_grant == 0 && a.outcome == Outcome::Beat) {
        let cap = bet.seed_request.map_or(max_grant, |r| r.min(max_grant));
        Role::Seed {
            reseed: !bet.is_new,
            cap: real(cap),
        }
    } else if bet.prev_grant > 0 {
        Role::Main {
            status: MainStatus::Free,
        }
    } else {
        Role::Unfunded
    }
}

/// Where a main-pool candidate ended after steps 4.3 and 4.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MainStatus {
    /// Shares in proportion to its weight (0 when the weight is 0).
    Free,
    /// Held at floor(h * B).
    Capped,
    /// Fell below `min_grant` and gets 0.
    Dropped,
}

/// The real targets of step 4, each slice in the order of its input.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pools {
    /// E.
    pub exploration: i64,
    /// M = B' - the seed targets placed from E.
    pub main_pool: f64,
    /// What the main pool could not place, offered to the seed candidates.
    pub spilled: f64,
    pub seed_targets: Vec<f64>,
    pub main_targets: Vec<f64>,
    pub main_status: Vec<MainStatus>,
}

/// Runs step 4. `seed_caps[i]` = min(seed request, floor(h * B)) of each seed candidate;
/// `weights[i]` = g * f of each main candidate.
pub(super) fn allocate(
    available: i64,
    cap: i64,
    policy: &Policy,
    seed_caps: &[f64],
    weights: &[f64],
) -> Pools {
    let exploration = if seed_caps.is_empty() {
        0
    } else {
        floor(policy.exploration_share * real(available)).clamp(0, available)
    };
    let mut seed_targets = water_fill(real(exploration), seed_caps);
    let placed: f64 = seed_targets.iter().sum();
    let main_pool = real(available) - placed;
    let (main_targets, main_status, spilled) =
        main(main_pool, weights, real(cap), real(policy.min_grant));
    if spilled > 0.0 && !seed_caps.is_empty() {
        seed_targets = water_fill(placed + spilled, seed_caps);
    }
    Pools {
        exploration,
        main_pool,
        spilled,
        seed_targets,
        main_targets,
        main_status,
    }
}

/// Splits `amount` equally, each share under its cap: a capped bet takes its cap and the rest
/// is split equally again among the others, until stable. Capped bets are settled in order of
/// increasing cap, which reaches the same fixed point in one pass. What the caps cannot take
/// stays unplaced.
fn water_fill(amount: f64, caps: &[f64]) -> Vec<f64> {
    let mut order: Vec<(f64, usize)> = caps.iter().copied().zip(0..).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut targets = vec![0.0; caps.len()];
    let mut remaining = amount;
    let mut left = order.len();
    // Once one cap is above the equal share, every larger cap is too: they all take it.
    let mut level = None;
    for (cap, i) in order {
        let target = match level {
            Some(share) => share,
            None => {
                let share = remaining / count(left);
                if cap <= share {
                    remaining -= cap;
                    left -= 1;
                    cap
                } else {
                    level = Some(share);
                    share
                }
            }
        };
        if let Some(slot) = targets.get_mut(i) {
            *slot = target;
        }
    }
    targets
}

/// Steps 4.2-4.4 for the main pool `pool`: proportional targets, the cap, the minimum, until
/// nothing changes. Returns the targets, each candidate's status, and the leftover that no
/// free candidate could take (all of it when W == 0 or there are no candidates).
fn main(pool: f64, weights: &[f64], cap: f64, min_grant: f64) -> (Vec<f64>, Vec<MainStatus>, f64) {
    let mut status = vec![MainStatus::Free; weights.len()];
    let mut targets = vec![0.0; weights.len()];
    loop {
        // Step 4.3: share, cap whoever exceeds the cap, share the rest again.
        loop {
            share(pool, weights, cap, &status, &mut targets);
            let mut changed = false;
            for (s, &t) in status.iter_mut().zip(&targets) {
                if *s == MainStatus::Free && t > cap {
                    *s = MainStatus::Capped;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Step 4.4: every target strictly between 0 and the minimum is dropped at once.
        let mut changed = false;
        for (s, &t) in status.iter_mut().zip(&targets) {
            if *s != MainStatus::Dropped && t > 0.0 && t < min_grant {
                *s = MainStatus::Dropped;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // The last pass of step 4.3 left the targets consistent with the final statuses.
    let anyone_free = status
        .iter()
        .zip(weights)
        .any(|(&s, &w)| s == MainStatus::Free && w > 0.0);
    let leftover = if anyone_free {
        0.0
    } else {
        rest(pool, cap, &status)
    };
    (targets, status, leftover)
}

/// Sets every target from the statuses: capped bets hold the cap, dropped bets 0, free bets
/// share what is left in proportion to their weights.
fn share(pool: f64, weights: &[f64], cap: f64, status: &[MainStatus], targets: &mut [f64]) {
    let free_weight: f64 = status
        .iter()
        .zip(weights)
        .filter(|&(&s, _)| s == MainStatus::Free)
        .map(|(_, &w)| w)
        .sum();
    let rest = rest(pool, cap, status);
    for ((t, &s), &w) in targets.iter_mut().zip(status).zip(weights) {
        *t = match s {
            MainStatus::Capped => cap,
            MainStatus::Dropped => 0.0,
            // The share w / W first: it is at most 1, so the product cannot overflow.
            MainStatus::Free if free_weight > 0.0 => rest * (w / free_weight),
            MainStatus::Free => 0.0,
        };
    }
}

/// The pool less what the capped candidates hold.
fn rest(pool: f64, cap: f64, status: &[MainStatus]) -> f64 {
    let capped = status.iter().filter(|&&s| s == MainStatus::Capped).count();
    (pool - count(capped) * cap).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn water_fill_settles_small_caps_and_splits_the_rest_equally() {
        // 10,000 over caps 0, 1,000, 5,000, 5,000: the equal share 2,500 exceeds the cap 0;
        // then 10,000 / 3 = 3,333 exceeds 1,000; then 9,000 / 2 = 4,500 is under 5,000.
        let targets = water_fill(10_000.0, &[5_000.0, 0.0, 5_000.0, 1_000.0]);
        assert_eq!(targets, vec![4_500.0, 0.0, 4_500.0, 1_000.0]);
    }

    #[test]
    fn water_fill_leaves_what_the_caps_cannot_take() {
        assert_eq!(water_fill(10.0, &[1.0, 2.0]), vec![1.0, 2.0]);
        assert_eq!(water_fill(10.0, &[]), Vec::<f64>::new());
    }

    #[test]
    fn main_pool_caps_then_drops_then_reports_the_leftover() {
        // Pool 100, cap 50, minimum 10. Weights 8, 1, 1, 0: 80 is capped at 50; 50 left over
        // weights 1 and 1: 25 each. The weight-0 bet stays free at 0. Nothing left over.
        let (targets, status, leftover) = main(100.0, &[8.0, 1.0, 1.0, 0.0], 50.0, 10.0);
        assert_eq!(targets, vec![50.0, 25.0, 25.0, 0.0]);
        assert_eq!(status[0], MainStatus::Capped);
        assert_eq!(leftover, 0.0);
        // Minimum 30: both 25s are dropped at once; nobody free is left: 50 is left over.
        let (targets, status, leftover) = main(100.0, &[8.0, 1.0, 1.0, 0.0], 50.0, 30.0);
        assert_eq!(targets, vec![50.0, 0.0, 0.0, 0.0]);
        assert_eq!(status[1..3], [MainStatus::Dropped, MainStatus::Dropped]);
        assert_eq!(leftover, 50.0);
    }
}
