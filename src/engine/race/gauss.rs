//! Gauss-Legendre rules on [0, 1], computed deterministically by Newton's method on the
//! Legendre polynomials (no table, no randomness). A k-node rule integrates every polynomial of
//! degree at most 2k - 1 exactly, up to rounding.

use crate::engine::money::count;

/// A k-node rule: `nodes[i]` in (0, 1) with weight `weights[i]`; the weights sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rule {
    pub nodes: Vec<f64>,
    pub weights: Vec<f64>,
}

/// The rules met so far, by number of nodes, so each is computed once per race.
#[derive(Debug, Default)]
pub(super) struct Rules(Vec<Option<Rule>>);

impl Rules {
    /// The k-node rule (k >= 1).
    pub fn get(&mut self, k: usize) -> &Rule {
        if self.0.len() <= k {
            self.0.resize(k + 1, None);
        }
        self.0[k].get_or_insert_with(|| legendre(k))
    }
}

/// The k-node Gauss-Legendre rule on [0, 1]. The roots r of P_k on [-1, 1] are found by Newton's
/// method from cos(pi (i + 3/4) / (k + 1/2)), for the positive roots only; each gives the nodes
/// (1 - r) / 2 and (1 + r) / 2 with weight 1 / ((1 - r^2) P_k'(r)^2) each, so the rule is exactly
/// symmetric. For odd k the middle node is 1/2 with weight 1 / P_k'(0)^2.
pub(super) fn legendre(k: usize) -> Rule {
    let mut nodes = vec![0.5; k];
    let mut weights = vec![0.0; k];
    let kf = count(k);
    for i in 0..k / 2 {
        let mut r = (std::f64::consts::PI * (count(i) + 0.75) / (kf + 0.5)).cos();
        for _ in 0..100 {
            let (p, dp) = legendre_at(k, r);
            let step = p / dp;
            r -= step;
            if step.abs() <= 1e-16 {
                break;
            }
        }
        let derivative = legendre_at(k, r).1;
        let w = 1.0 / ((1.0 - r * r) * derivative * derivative);
        nodes[i] = 0.5 * (1.0 - r);
        nodes[k - 1 - i] = 0.5 * (1.0 + r);
        weights[i] = w;
        weights[k - 1 - i] = w;
    }
    if k % 2 == 1 {
        let dp = legendre_at(k, 0.0).1;
        weights[k / 2] = 1.0 / (dp * dp);
    }
    Rule { nodes, weights }
}

/// P_k(r) and P_k'(r) by the three-term recurrence (|r| < 1; P_k' is read off P_k and P_{k-1}).
fn legendre_at(k: usize, r: f64) -> (f64, f64) {
    let (mut previous, mut p) = (1.0, r);
    for j in 2..=k {
        let jf = count(j);
        let next = ((2.0 * jf - 1.0) * r * p - (jf - 1.0) * previous) / jf;
        previous = p;
        p = next;
    }
    if k == 0 {
        return (1.0, 0.0);
    }
    (p, count(k) * (r * p - previous) / (r * r - 1.0))
}
