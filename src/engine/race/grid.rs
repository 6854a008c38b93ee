//! The quadrature's grid (`docs/engine.md`, "Races"): each spread racer's 54 quantile points
//! m + s * z_k(nu), each point mass's location, and every racer's CDF F and tail-moment
//! function g at the grid points the sweep (`quadrature.rs`) reads.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use statrs::distribution::{Continuous, ContinuousCDF, StudentsT};

use super::standing::Dist;

/// The lower tail's probabilities are 2^-(9 + 3m) for m = 0..TAIL_STEPS (2^-9 down to 2^-39).
const TAIL_STEPS: i32 = 11;
/// The centre's probabilities are the midpoints (2k - 1) / (2 * CENTRE), k = 1..=CENTRE.
const CENTRE: u32 = 32;

/// The grid of one race, and every compared racer's curve on it (in ascending bet id).
#[derive(Debug)]
pub(super) struct Grid {
    /// The grid points x_0 < x_1 < ... < x_{K-1}.
    pub x: Vec<f64>,
    pub curves: Vec<Curve>,
    /// The first cell in which no racer's CDF is still 0 everywhere; no earlier cell can
    /// contribute. Cells are numbered gap 0, jump 0, gap 1, ..., jump K-1, gap K: gap c
    /// (from x_{c-1} to x_c, unbounded for c = 0 and c = K) is 2c, jump c (at x_c) is 2c + 1.
    pub first_cell: usize,
}

/// One racer on the grid.
#[derive(Debug)]
pub(super) enum Curve {
    /// A point mass at grid point `at`: F jumps from 0 to 1 in jump cell `at`.
    Mass { at: usize },
    /// A racer with s > 0: F is 0 at grid points below `lo` (its lowest quantile point), 1
    /// above `hi` (its highest), and statrs's CDF in between; g likewise, 0 outside.
    Spread {
        lo: usize,
        hi: usize,
        /// `values[i - from]` holds (F, g) at grid point i, for from <= i <= hi; the sweep
        /// never reads below `from`.
        from: usize,
        values: Vec<(f64, f64)>,
        s: f64,
    },
}

impl Curve {
    /// (F, g) of a spread racer at grid point i (0 and 0 below `lo`, 1 and 0 above `hi`).
    pub fn at(lo: usize, hi: usize, from: usize, values: &[(f64, f64)], i: usize) -> (f64, f64) {
        if i < lo {
            (0.0, 0.0)
        } else if i > hi {
            (1.0, 0.0)
        } else {
            i.checked_sub(from)
                .and_then(|j| values.get(j))
                .copied()
                .unwrap_or((0.0, 0.0))
        }
    }
}

/// The standard t_nu's quantile points and what F and g need, computed once per nu.
struct Shape {
    /// z_k(nu), ascending (54 values, exactly symmetric: z_{53-k} = -z_k).
    z: Vec<f64>,
    t: StudentsT,
    /// g(z) = g_scale * (1 + z^2 / nu)^(-(nu - 1) / 2); 0 when the loss is unbounded.
    g_scale: f64,
    g_power: f64,
}

impl Shape {
    fn new(nu: u32, bounded: bool) -> Option<Shape> {
        let t = StudentsT::new(0.0, 1.0, f64::from(nu)).ok()?;
        let mut z: Vec<f64> = lower_probabilities()
            .into_iter()
            .map(|u| {
                if nu == 1 {
                    // The Cauchy quantile, exact where statrs's inverse loses accuracy (below
                    // about 2^-27).
                    -1.0 / (PI * u).tan()
                } else {
                    t.inverse_cdf(u)
                }
            })
            .collect();
        let upper: Vec<f64> = z.iter().rev().map(|z| -z).collect();
        z.extend(upper);
        let nu = f64::from(nu);
        let (g_scale, g_power) = if bounded && nu > 1.0 {
            (t.pdf(0.0) * nu / (nu - 1.0), -(nu - 1.0) / 2.0)
        } else {
            (0.0, 0.0)
        };
        Some(Shape {
            z,
            t,
            g_scale,
            g_power,
        })
    }

    /// F(z) and g(z), with F kept within [0, 1].
    fn at(&self, z: f64, nu: u32) -> (f64, f64) {
        if z.is_infinite() {
            return (if z > 0.0 { 1.0 } else { 0.0 }, 0.0);
        }
        let g = if self.g_scale > 0.0 {
            self.g_scale * (1.0 + z * z / f64::from(nu)).powf(self.g_power)
        } else {
            0.0
        };
        (self.t.cdf(z).clamp(0.0, 1.0), g)
    }
}

/// The probabilities of the lower half, ascending: 2^-39, 2^-36, ..., 2^-9, then
/// 1/64, 3/64, ..., 31/64. The upper half is 1 minus these.
fn lower_probabilities() -> Vec<f64> {
    let mut u: Vec<f64> = (0..TAIL_STEPS)
        .rev()
        .map(|m| 2f64.powi(-(9 + 3 * m)))
        .collect();
    u.extend((1..=CENTRE / 2).map(|k| f64::from(2 * k - 1) / f64::from(2 * CENTRE)));
    u
}

/// Builds the grid. `None` when a grid point overflows to infinity.
pub(super) fn build(dists: &[Dist], bounded: bool) -> Option<Grid> {
    let mut shapes: BTreeMap<u32, Shape> = BTreeMap::new();
    for d in dists.iter().filter(|d| d.s > 0.0) {
        if let std::collections::btree_map::Entry::Vacant(entry) = shapes.entry(d.nu) {
            entry.insert(Shape::new(d.nu, bounded)?);
        }
    }
    // Adding 0.0 turns -0.0 into 0.0, so equal points are equal bits.
    let mut x: Vec<f64> = Vec::new();
    for d in dists {
        match shapes.get(&d.nu) {
            Some(shape) if d.s > 0.0 => x.extend(shape.z.iter().map(|z| d.m + d.s * z + 0.0)),
            _ => x.push(d.m + 0.0),
        }
    }
    if x.iter().any(|x| !x.is_finite()) {
        return None;
    }
    x.sort_unstable_by(f64::total_cmp);
    x.dedup();
    let index = |v: f64| x.binary_search_by(|p| p.total_cmp(&(v + 0.0))).unwrap_or(0);

    let mut places = Vec::with_capacity(dists.len());
    for d in dists {
        let place = match shapes.get(&d.nu) {
            Some(shape) if d.s > 0.0 => {
                let first = shape.z.first().copied().unwrap_or(0.0);
                let last = shape.z.last().copied().unwrap_or(0.0);
                (index(d.m + d.s * first), index(d.m + d.s * last), true)
            }
            _ => (index(d.m), index(d.m), false),
        };
        places.push(place);
    }
    let first_cell = places
        .iter()
        .map(|&(lo, _, spread)| if spread { 2 * lo } else { 2 * lo + 1 })
        .max()
        .unwrap_or(0);
    // The lowest grid point the sweep reads: gap c reads x_{c-1} and x_c, jump c reads x_c.
    let from = if first_cell % 2 == 0 {
        (first_cell / 2).saturating_sub(1)
    } else {
        first_cell / 2
    };

    let curves = dists
        .iter()
        .zip(places)
        .map(|(d, (lo, hi, spread))| match shapes.get(&d.nu) {
            Some(shape) if spread => {
                let from = from.max(lo);
                let mut values = Vec::with_capacity((hi + 1).saturating_sub(from));
                let mut floor = 0.0_f64;
                for &xi in x.get(from..=hi).unwrap_or(&[]) {
                    let (f, g) = shape.at((xi - d.m) / d.s, d.nu);
                    // statrs's CDF is monotone up to rounding; the running maximum makes every
                    // cell's dF >= 0 exactly.
                    floor = floor.max(f);
                    values.push((floor, g));
                }
                Curve::Spread {
                    lo,
                    hi,
                    from,
                    values,
                    s: d.s,
                }
            }
            _ => Curve::Mass { at: lo },
        })
        .collect();
    Some(Grid {
        x,
        curves,
        first_cell,
    })
}
