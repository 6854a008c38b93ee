//! Many policies over many seeds: every policy runs on every seed's synthetic portfolio, and
//! the figures are summarised per policy. A seed's portfolio is generated from the seed alone,
//! so every policy meets the same bets and the same reports; it is generated again for each
//! block of policies instead of being kept for the whole simulation, so memory stays at a
//! few portfolios however many seeds there are.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::error::LabError;
use super::metrics::{RunMetrics, Summary, measure, summarise};
use super::parallel::map_indexed;
use super::run::run;
use super::scenario::Scenario;
use super::truth::generate;
use crate::engine::Policy;

/// The most seeds one simulation (or one side of a recommendation) runs.
pub const MAX_SEEDS: usize = 40;
/// The most policies one simulation compares.
pub const MAX_POLICIES: usize = 50;
/// The version of the JSON a simulation prints; it changes only when a field changes meaning
/// or goes away.
pub const FORMAT_VERSION: u32 = 1;
/// Policies run one after another on one generated portfolio: a unit of work for a thread.
const POLICIES_PER_JOB: usize = 10;

/// What `horserace lab simulate --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Simulation {
    pub version: u32,
    pub scenario: String,
    pub seeds: Vec<u64>,
    pub policies: Vec<PolicyResult>,
}

/// One policy's figures: the summary over the seeds and every seed's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyResult {
    pub policy: Policy,
    pub summary: Summary,
    pub runs: Vec<SeedRun>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRun {
    pub seed: u64,
    pub metrics: RunMetrics,
}

/// Runs every policy on every seed and summarises them; `progress(done, total)` counts units
/// of work. `threads` changes only how fast the answer comes, never the answer.
pub fn simulate(
    scenario: &Scenario,
    policies: &[Policy],
    seeds: &[u64],
    threads: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Simulation, LabError> {
    scenario.validate()?;
    check_seeds("seeds", seeds)?;
    if policies.is_empty() || policies.len() > MAX_POLICIES {
        return Err(LabError::Policies(format!(
            "to compare must number between 1 and {MAX_POLICIES} (got {})",
            policies.len()
        )));
    }
    check_policies(policies)?;
    let metrics = run_all(scenario, policies, seeds, threads, progress)?;
    Ok(Simulation {
        version: FORMAT_VERSION,
        scenario: scenario.name.clone(),
        seeds: seeds.to_vec(),
        policies: policies
            .iter()
            .zip(metrics)
            .map(|(policy, runs)| PolicyResult {
                policy: policy.clone(),
                summary: summarise(&runs),
                runs: seeds
                    .iter()
                    .zip(runs)
                    .map(|(&seed, metrics)| SeedRun { seed, metrics })
                    .collect(),
            })
            .collect(),
    })
}

/// A seed list: 1 to `MAX_SEEDS` seeds, none twice.
pub fn check_seeds(field: &'static str, seeds: &[u64]) -> Result<(), LabError> {
    if seeds.is_empty() || seeds.len() > MAX_SEEDS {
        return Err(LabError::Seeds {
            field,
            reason: format!(
                "must number between 1 and {MAX_SEEDS} (got {})",
                seeds.len()
            ),
        });
    }
    let mut seen = BTreeSet::new();
    match seeds.iter().find(|&&s| !seen.insert(s)) {
        Some(s) => Err(LabError::Seeds {
            field,
            reason: format!("hold {s} more than once"),
        }),
        None => Ok(()),
    }
}

/// Every policy must be one the engine accepts; the first one it refuses is named.
pub fn check_policies(policies: &[Policy]) -> Result<(), LabError> {
    for (i, policy) in policies.iter().enumerate() {
        policy.validate().map_err(|source| LabError::Policy {
            number: i + 1,
            source,
        })?;
    }
    Ok(())
}

/// How many units of work `run_all` reports for these many policies and seeds.
pub fn jobs(policies: usize, seeds: usize) -> usize {
    policies.div_ceil(POLICIES_PER_JOB) * seeds
}

/// `result[p][s]`: the figures of policy p on seed s. The inputs must have been checked.
pub fn run_all(
    scenario: &Scenario,
    policies: &[Policy],
    seeds: &[u64],
    threads: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Vec<RunMetrics>>, LabError> {
    let blocks: Vec<&[Policy]> = policies.chunks(POLICIES_PER_JOB).collect();
    let job = |i: usize| -> Result<Vec<RunMetrics>, LabError> {
        let (seed, block) = (seeds[i / blocks.len()], blocks[i % blocks.len()]);
        let world = generate(scenario, seed);
        block
            .iter()
            .map(|policy| run(scenario, &world, policy).map(|r| measure(&r)))
            .collect()
    };
    let done = map_indexed(jobs(policies.len(), seeds.len()), threads, job, progress);
    // Job i holds one block of policies on one seed, seeds outermost.
    let mut by_policy: Vec<Vec<RunMetrics>> = vec![Vec::with_capacity(seeds.len()); policies.len()];
    for (i, block) in done.into_iter().enumerate() {
        let first = (i % blocks.len()) * POLICIES_PER_JOB;
        for (p, metrics) in (first..).zip(block?) {
            by_policy[p].push(metrics);
        }
    }
    Ok(by_policy)
}
