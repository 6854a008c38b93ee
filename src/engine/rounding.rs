//! Step 5: real targets to whole minor units by largest remainder, so that the grants and the
//! reserve add up to B' exactly, in integers.

use super::money::{floor, real};

/// The whole grants of the unpinned bets (in the order given) and the whole reserve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rounded {
    pub grants: Vec<i64>,
    pub reserve: i64,
}

/// An entry of the largest-remainder sort: a bet (by position, which is ascending bet id) or
/// the reserve, which ranks after every bet of equal fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Bet(usize),
    Reserve,
}

/// Rounds the real `targets` of the unpinned bets, in ascending bet id, to whole units that,
/// with the reserve, add up to `available` (B') exactly. No grant exceeds `cap`.
///
/// Mathematically the units missing after flooring equal the sum of the fractional parts, so
/// there are never more of them than entries with a fraction. Float error in the real targets
/// can break that by a unit or so; the fix-ups below absorb it in the reserve (extra units) or
/// take it back from the reserve first, then from the smallest fractions (excess units).
pub(super) fn whole_units(available: i64, cap: i64, targets: &[f64]) -> Rounded {
    let mut grants: Vec<i64> = targets
        .iter()
        .map(|&t| if t > 0.0 { floor(t).max(0) } else { 0 })
        .collect();
    let placed: f64 = targets.iter().filter(|&&t| t > 0.0).sum();
    let reserve_real = (real(available) - placed).max(0.0);
    let mut reserve = floor(reserve_real).max(0);

    let mut order: Vec<(f64, Slot)> = targets
        .iter()
        .enumerate()
        .filter(|&(_, &t)| t > 0.0)
        .map(|(i, &t)| (t - t.floor(), Slot::Bet(i)))
        .collect();
    order.push((reserve_real - reserve_real.floor(), Slot::Reserve));
    // Largest fraction first; ties: bets by ascending id, then the reserve.
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));

    let floors = grants.iter().fold(reserve, |sum, &g| sum.saturating_add(g));
    let mut missing = available.saturating_sub(floors);
    if missing > 0 {
        for &(_, slot) in &order {
            if missing == 0 {
                break;
            }
            match slot {
                Slot::Bet(i) => {
                    if let Some(g) = grants.get_mut(i).filter(|g| **g < cap) {
                        *g += 1;
                        missing -= 1;
                    }
                }
                Slot::Reserve => {
                    reserve += 1;
                    missing -= 1;
                }
            }
        }
        reserve += missing;
    } else if missing < 0 {
        let from_reserve = reserve.min(-missing);
        reserve -= from_reserve;
        missing += from_reserve;
        while missing < 0 {
            let mut took = false;
            for &(_, slot) in order.iter().rev() {
                if missing == 0 {
                    break;
                }
                if let Slot::Bet(i) = slot
                    && let Some(g) = grants.get_mut(i).filter(|g| **g > 0)
                {
                    *g -= 1;
                    missing += 1;
                    took = true;
                }
            }
            if !took {
                break;
            }
        }
    }
    Rounded { grants, reserve }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_gives_units_to_the_largest_fractions() {
        // B' = 9, targets 1.3, 2.6, 3.7, 1.4 (sum 9, reserve 0). Floors 1 + 2 + 3 + 1 = 7: two
        // units missing, for the two largest fractions, 0.7 (bet 2) and 0.6 (bet 1).
        let r = whole_units(9, 10, &[1.3, 2.6, 3.7, 1.4]);
        assert_eq!(r.grants, vec![1, 3, 4, 1]);
        assert_eq!(r.reserve, 0);
    }

    #[test]
    fn largest_remainder_puts_the_reserve_after_bets_of_equal_fraction() {
        // B' = 10, targets 2.5, 2.5, 0.5: the reserve is 4.5. Floors 2 + 2 + 0 + 4 = 8, two
        // units missing, and all four fractions are 0.5: bets 0 and 1 (lower ids) take them,
        // bet 2 and the reserve (always last among equal fractions) do not. (End to end the
        // reserve is a whole number in exact arithmetic, so this tie needs the unit level.)
        let r = whole_units(10, 10, &[2.5, 2.5, 0.5]);
        assert_eq!(r.grants, vec![3, 3, 0]);
        assert_eq!(r.reserve, 4);
    }

    #[test]
    fn largest_remainder_gives_the_reserve_a_unit_when_its_fraction_is_largest() {
        // B' = 10, targets 2.2 and 3.3: reserve 4.5. Floors 2 + 3 + 4 = 9, one unit missing,
        // and the reserve has the largest fraction (0.5 > 0.3 > 0.2).
        let r = whole_units(10, 10, &[2.2, 3.3]);
        assert_eq!(r.grants, vec![2, 3]);
        assert_eq!(r.reserve, 5);
    }

    #[test]
    fn float_excess_is_taken_back_from_the_reserve_first() {
        // Targets that add up to a hair more than B' (float error): floors 5 + 5 = 10 > 9.
        let r = whole_units(9, 10, &[5.0, 5.0]);
        assert_eq!(r.grants.iter().sum::<i64>() + r.reserve, 9);
        assert!(r.grants.iter().all(|&g| g >= 0) && r.reserve >= 0);
    }

    #[test]
    fn no_unit_pushes_a_grant_over_the_cap() {
        // Float residue asking for more units than there are fractions goes to the reserve.
        let r = whole_units(12, 5, &[5.0, 5.0]);
        assert_eq!(r.grants, vec![5, 5]);
        assert_eq!(r.reserve, 2);
    }
}
