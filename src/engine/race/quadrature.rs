//! The sweep over the grid's cells (`docs/engine.md`, "Races"). In every cell each racer's CDF
//! is linear in one common parameter tau in [0, 1] between its values at the cell's two ends;
//! each racer's part of P(best), dF_i * prod_{j != i} F_j(tau), and the cell's part of E[max]
//! are then polynomials in tau, integrated exactly by a Gauss-Legendre rule.

use super::gauss::Rules;
use super::grid::{Curve, Grid};

/// What the sweep adds up.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sums {
    /// Each racer's raw P(best), not normalised, in the grid's racer order.
    pub p_best: Vec<f64>,
    /// A = E[max_j X_j] - sum_j P_j * m_j: with it, EL_i = sum_j P_j * (m_j - m_i) + A. Only
    /// meaningful when the loss is bounded.
    pub spread: f64,
}

/// A racer whose CDF moves in the current cell: from a to b, g from ga to gb.
#[derive(Debug, Clone, Copy)]
struct Moving {
    racer: usize,
    a: f64,
    b: f64,
    ga: f64,
    gb: f64,
    s: f64,
}

/// One cell: the racers that move in it, the product of the others' (constant) CDFs, and its
/// width when it is a finite gap between two grid points.
#[derive(Debug, Default)]
struct Cell {
    moving: Vec<Moving>,
    still: f64,
    width: Option<f64>,
    // Scratch, reused from cell to cell: F at a node, prefix and suffix products, and each
    // moving racer's integral of prod_{j != i} F_j.
    values: Vec<f64>,
    prefix: Vec<f64>,
    suffix: Vec<f64>,
    others: Vec<f64>,
}

/// Sweeps every cell from `grid.first_cell` on, in order.
pub(super) fn sweep(grid: &Grid) -> Sums {
    let mut sums = Sums {
        p_best: vec![0.0; grid.curves.len()],
        spread: 0.0,
    };
    let mut rules = Rules::default();
    let mut cell = Cell::default();
    for number in grid.first_cell..=2 * grid.x.len() {
        if number % 2 == 0 {
            cell.load_gap(grid, number / 2);
        } else {
            cell.load_jump(grid, number / 2);
        }
        if cell.moving.is_empty() || cell.still == 0.0 {
            continue;
        }
        // prod_j F_j(tau) has degree m (m racers move): m/2 + 1 nodes are exact for it and for
        // each racer's product of the others (degree m - 1).
        let rule = rules.get(cell.moving.len() / 2 + 1);
        cell.integrate(&rule.nodes, &rule.weights, &mut sums);
    }
    sums
}

impl Cell {
    /// Gap c: from x_{c-1} to x_c (from -infinity for c = 0, to +infinity for c = K). Every
    /// spread racer with lo <= c <= hi + 1 moves; every other racer's CDF is 1 here, because the
    /// sweep starts where no racer's CDF is still 0.
    fn load_gap(&mut self, grid: &Grid, c: usize) {
        let k = grid.x.len();
        self.moving.clear();
        self.still = 1.0;
        self.width = match (c.checked_sub(1).and_then(|i| grid.x.get(i)), grid.x.get(c)) {
            (Some(left), Some(right)) => Some(right - left),
            _ => None,
        };
        for (racer, curve) in grid.curves.iter().enumerate() {
            if let Curve::Spread {
                lo,
                hi,
                from,
                values,
                s,
            } = curve
                && *lo <= c
                && c <= hi + 1
            {
                let (a, ga) = match c.checked_sub(1) {
                    Some(i) => Curve::at(*lo, *hi, *from, values, i),
                    None => (0.0, 0.0),
                };
                let (b, gb) = if c < k {
                    Curve::at(*lo, *hi, *from, values, c)
                } else {
                    (1.0, 0.0)
                };
                self.moving.push(Moving {
                    racer,
                    a,
                    b,
                    ga,
                    gb,
                    s: *s,
                });
            }
        }
    }

    /// Jump c, at x_c: the point masses there move from 0 to 1 in a cell of width 0; every
    /// spread racer's CDF stays at its value at x_c.
    fn load_jump(&mut self, grid: &Grid, c: usize) {
        self.moving.clear();
        self.still = 1.0;
        self.width = None;
        for (racer, curve) in grid.curves.iter().enumerate() {
            match curve {
                Curve::Mass { at } if *at == c => self.moving.push(Moving {
                    racer,
                    a: 0.0,
                    b: 1.0,
                    ga: 0.0,
                    gb: 0.0,
                    s: 0.0,
                }),
                Curve::Mass { .. } => {}
                Curve::Spread {
                    lo,
                    hi,
                    from,
                    values,
                    ..
                } => self.still *= Curve::at(*lo, *hi, *from, values, c).0,
            }
        }
    }

    /// Adds the cell's parts. For a moving racer i, with F_j(tau) = a_j + (b_j - a_j) tau:
    /// P_i += still * (b_i - a_i) * I_i, I_i = integral over [0, 1] of prod_{j != i} F_j, and
    /// A += still * s_i * (ga_i - gb_i) * I_i (the racer's mass in the cell valued at its exact
    /// conditional mean, m_i being taken out); for a finite gap of width h, also
    /// A += h * still * ((prod a + prod b) / 2 - integral of prod F_j).
    fn integrate(&mut self, nodes: &[f64], weights: &[f64], sums: &mut Sums) {
        let m = self.moving.len();
        self.values.resize(m, 0.0);
        self.prefix.resize(m + 1, 1.0);
        self.suffix.resize(m + 1, 1.0);
        // The empty products (the rest is overwritten at every node).
        self.prefix[0] = 1.0;
        self.suffix[m] = 1.0;
        self.others.clear();
        self.others.resize(m, 0.0);
        let mut all = 0.0;
        for (&tau, &w) in nodes.iter().zip(weights) {
            for (value, r) in self.values.iter_mut().zip(&self.moving) {
                *value = r.a + (r.b - r.a) * tau;
            }
            for q in 0..m {
                self.prefix[q + 1] = self.prefix[q] * self.values[q];
            }
            for q in (0..m).rev() {
                self.suffix[q] = self.suffix[q + 1] * self.values[q];
            }
            for q in 0..m {
                self.others[q] += w * (self.prefix[q] * self.suffix[q + 1]);
            }
            all += w * self.prefix[m];
        }
        let (mut at_a, mut at_b) = (1.0, 1.0);
        for (r, &others) in self.moving.iter().zip(&self.others) {
            let share = self.still * others;
            if let Some(p) = sums.p_best.get_mut(r.racer) {
                *p += (r.b - r.a) * share;
            }
            if r.s > 0.0 {
                sums.spread += r.s * (r.ga - r.gb) * share;
            }
            at_a *= r.a;
            at_b *= r.b;
        }
        if let Some(h) = self.width {
            sums.spread += h * (self.still * (0.5 * (at_a + at_b) - all));
        }
    }
}
