//! The recommendation: every policy of a grid runs on the training seeds; the Pareto front
//! keeps the policies no other one beats on both the mean share of money on truly winning
//! bets (higher is better) and the mean share of truly winning bets killed (lower is better);
//! the recommended policy is the front's best on share minus killed. It and the engine's
//! default policy are then run on test seeds the search never saw, so the figures that
//! compare them are not flattered by the search.

use serde::{Deserialize, Serialize};

use super::error::LabError;
use super::grid::Grid;
use super::metrics::{Summary, summarise};
use super::parallel::default_threads;
use super::scenario::Scenario;
use super::simulate::{FORMAT_VERSION, check_seeds, jobs, run_all};
use crate::engine::Policy;

/// One policy's place on the (winners_share, winners_killed) plane, from the training seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Its place in the grid's order (0-based); `null` for the default policy when the grid
    /// does not hold it.
    pub grid_index: Option<usize>,
    pub policy: Policy,
    /// The mean of winners_share over the training seeds.
    pub winners_share: f64,
    /// The mean of winners_killed over the training seeds.
    pub winners_killed: f64,
    /// Every metric over the training seeds.
    pub train: Summary,
}

/// The default policy's point, and whether it is on the front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefaultPoint {
    pub point: Point,
    pub on_front: bool,
}

/// Both policies on the test seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestFigures {
    pub recommended: Summary,
    pub default: Summary,
}

/// What `horserace lab recommend --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub version: u32,
    pub scenario: String,
    pub train_seeds: Vec<u64>,
    pub test_seeds: Vec<u64>,
    pub grid: Grid,
    /// How many policies the search ran (the grid, and the default if the grid lacks it).
    pub policies: usize,
    /// The front, from the fewest winners killed to the most; equal points in grid order.
    pub front: Vec<Point>,
    pub default: DefaultPoint,
    pub recommended: Point,
    pub test: TestFigures,
}

/// Searches `grid` on the `train` seeds and compares the result with the default policy on
/// the `test` seeds, on one thread per core. `progress(done, total)` counts units of work.
pub fn recommend(
    scenario: &Scenario,
    grid: &Grid,
    train: &[u64],
    test: &[u64],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Recommendation, LabError> {
    recommend_with_threads(scenario, grid, train, test, default_threads(), progress)
}

/// [`recommend`] on `threads` threads: the number changes how fast, never what.
pub fn recommend_with_threads(
    scenario: &Scenario,
    grid: &Grid,
    train: &[u64],
    test: &[u64],
    threads: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Recommendation, LabError> {
    scenario.validate()?;
    grid.validate()?;
    check_seeds("train", train)?;
    check_seeds("test", test)?;
    if let Some(seed) = test.iter().find(|s| train.contains(s)) {
        return Err(LabError::Seeds {
            field: "test",
            reason: format!("hold {seed}, a training seed: the test seeds must be unseen"),
        });
    }
    let mut policies = grid.policies();
    let default = Policy::default();
    let default_index = policies.iter().position(|p| *p == default);
    if default_index.is_none() {
        policies.push(default.clone());
    }
    let total = jobs(policies.len(), train.len()) + jobs(2, test.len());
    let trained = run_all(scenario, &policies, train, threads, &mut |done, _| {
        progress(done, total);
    })?;
    let points: Vec<Point> = policies
        .iter()
        .zip(&trained)
        .enumerate()
        .map(|(i, (policy, runs))| {
            let train = summarise(runs);
            Point {
                grid_index: (i < grid.len()).then_some(i),
                policy: policy.clone(),
                winners_share: train.winners_share.mean,
                winners_killed: train.winners_killed.mean,
                train,
            }
        })
        .collect();
    let on_grid = &points[..grid.len()];
    let front_indices = pareto_front(on_grid);
    let best = recommended(on_grid, &front_indices);
    let default_at = default_index.unwrap_or(grid.len());
    let default_point = points[default_at].clone();
    // The default's point is on the front when no grid policy dominates it.
    let on_front = !on_grid.iter().any(|p| dominates(p, &default_point));
    let first_done = jobs(policies.len(), train.len());
    let compared = [on_grid[best].policy.clone(), default];
    let tested = run_all(scenario, &compared, test, threads, &mut |done, _| {
        progress(first_done + done, total);
    })?;
    let mut front: Vec<Point> = front_indices.iter().map(|&i| on_grid[i].clone()).collect();
    front.sort_by(|a, b| {
        a.winners_killed
            .total_cmp(&b.winners_killed)
            .then(a.grid_index.cmp(&b.grid_index))
    });
    Ok(Recommendation {
        version: FORMAT_VERSION,
        scenario: scenario.name.clone(),
        train_seeds: train.to_vec(),
        test_seeds: test.to_vec(),
        grid: grid.clone(),
        policies: policies.len(),
        front,
        default: DefaultPoint {
            point: default_point,
            on_front,
        },
        recommended: on_grid[best].clone(),
        test: TestFigures {
            recommended: summarise(&tested[0]),
            default: summarise(&tested[1]),
        },
    })
}

/// `a` dominates `b`: at least as good on both figures and better on one.
pub fn dominates(a: &Point, b: &Point) -> bool {
    a.winners_share >= b.winners_share
        && a.winners_killed <= b.winners_killed
        && (a.winners_share > b.winners_share || a.winners_killed < b.winners_killed)
}

/// The indices of the points no other point dominates, in the points' order. Equal points
/// are all kept: neither dominates the other.
pub fn pareto_front(points: &[Point]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| !points.iter().any(|p| dominates(p, &points[i])))
        .collect()
}

/// The front's point with the greatest winners_share - winners_killed; ties go to the earlier
/// point. (No point off the front can do better: whatever dominates it scores higher.)
fn recommended(points: &[Point], front: &[usize]) -> usize {
    let score = |i: usize| points[i].winners_share - points[i].winners_killed;
    let mut best = front.first().copied().unwrap_or(0);
    for &i in front {
        if score(i) > score(best) {
            best = i;
        }
    }
    best
}
