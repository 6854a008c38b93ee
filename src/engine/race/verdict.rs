//! From the compared racers' distributions to their P(best), expected loss and gap, the
//! leader and the call (`docs/engine.md`, "Races: standings, P(best) and expected loss").

use super::error::RaceError;
use super::grid;
use super::quadrature;
use super::standing::Dist;

/// P(best) values this close to the highest count as tied with it: the quadrature's rounding
/// is far below this, and its error far above.
const P_TIE: f64 = 1e-12;

/// The comparison of two or more racers, in their order (ascending bet id).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Comparison {
    pub p_best: Vec<f64>,
    /// `None` when the loss is unbounded (a racer with s > 0 and nu == 1).
    pub expected_loss: Option<Vec<f64>>,
    /// m_leader - m_i: how far racer i's oriented forecast is below the leader's.
    pub gap: Vec<f64>,
    /// Position of the leader.
    pub leader: usize,
}

/// Compares `dists` (at least two, in ascending bet id).
pub(super) fn compare(dists: &[Dist]) -> Result<Comparison, RaceError> {
    let bounded = !dists.iter().any(|d| d.s > 0.0 && d.nu == 1);
    let grid = grid::build(dists, bounded).ok_or(RaceError::ComparisonOverflow)?;
    let sums = quadrature::sweep(&grid);
    let p_best = sums.p_best;
    let expected_loss = bounded.then(|| {
        dists
            .iter()
            .map(|di| {
                let below: f64 = p_best
                    .iter()
                    .zip(dists)
                    .map(|(p, dj)| p * (dj.m - di.m))
                    .sum();
                // E[max] >= E[X_i]; rounding and the quadrature's error can leave a tiny
                // negative for a racer that is almost surely best.
                (below + sums.spread).max(0.0)
            })
            .collect::<Vec<f64>>()
    });
    let leader = leader(&p_best, dists);
    let top = dists.get(leader).map_or(0.0, |d| d.m);
    let gap: Vec<f64> = dists
        .iter()
        .enumerate()
        .map(|(i, d)| if i == leader { 0.0 } else { top - d.m })
        .collect();
    let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
    if !finite(&p_best) || !finite(&gap) || expected_loss.as_deref().is_some_and(|e| !finite(e)) {
        return Err(RaceError::ComparisonOverflow);
    }
    Ok(Comparison {
        p_best,
        expected_loss,
        gap,
        leader,
    })
}

/// The highest P(best) (within [`P_TIE`]), ties to the higher oriented forecast m, then to the
/// lower bet id (the earlier position).
fn leader(p_best: &[f64], dists: &[Dist]) -> usize {
    let highest = p_best.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut best: Option<usize> = None;
    for (i, (&p, d)) in p_best.iter().zip(dists).enumerate() {
        if p < highest - P_TIE {
            continue;
        }
        best = match best {
            Some(b) if dists.get(b).is_some_and(|db| db.m >= d.m) => Some(b),
            _ => Some(i),
        };
    }
    best.unwrap_or(0)
}
