//! The scenario format: what a synthetic portfolio looks like (how many bets, how their truth
//! is spread, how often and how noisily they report, how many rounds the committee runs), its
//! documented defaults, its ranges, and the built-in scenarios. `docs/lab.md` describes every
//! field; a scenario is parsed strictly (an unknown field is refused) and checked in the order
//! of the format, so the first field at fault is the one named.

use serde::{Deserialize, Serialize};

use super::error::LabError;
use crate::engine::MAX_AMOUNT;

/// The most bets a scenario may hold, counting those that enter after the first round.
pub const MAX_BETS: u32 = 10_000;
/// The most committed rounds a scenario may simulate.
pub const MAX_ROUNDS: u32 = 40;
/// The longest gap between two rounds, in days (five years): 40 such rounds stay below 2^53
/// microseconds, so every report's instant is exact as a float of microseconds.
pub const MAX_ROUND_INTERVAL_DAYS: f64 = 1_826.0;
/// The most reports a scenario may schedule over all its bets: a bound on the memory one
/// synthetic portfolio takes.
pub const MAX_REPORTS: f64 = 2_000_000.0;
/// The largest multiplicative noise: exp(sd * z) stays far from overflowing a float.
pub const MAX_MULTIPLICATIVE_SD: f64 = 5.0;

/// The built-in scenarios, by name: `--scenario hard` reads the first. `narrow` is the same
/// portfolio with the truth close to the threshold, where no policy can tell winners apart.
const BUILTIN: [(&str, &str); 2] = [
    ("hard", include_str!("scenarios/hard.json")),
    ("narrow", include_str!("scenarios/narrow.json")),
];

/// A synthetic portfolio's shape. Missing fields take the defaults `docs/lab.md` lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Bets at the start of the portfolio.
    pub bets: u32,
    /// Bet i is in arena i % arenas.
    #[serde(default = "one")]
    pub arenas: u32,
    /// Committed rounds simulated.
    pub rounds: u32,
    #[serde(default = "default_round_interval")]
    pub round_interval_days: f64,
    /// Each round's budget, minor units.
    #[serde(default = "default_budget")]
    pub budget: i64,
    /// b: every bet's baseline.
    #[serde(default = "default_baseline")]
    pub baseline: f64,
    /// T = b * (1 + threshold_lift): every bet's threshold (higher is better).
    #[serde(default = "default_lift")]
    pub threshold_lift: f64,
    /// q0: a bet's true progress when it starts.
    #[serde(default = "default_true_progress")]
    pub true_progress: Spread,
    /// r: how much a bet's true progress moves per 365.25 days.
    #[serde(default)]
    pub progress_per_year: Spread,
    #[serde(default)]
    pub reports: ReportPlan,
    #[serde(default)]
    pub noise: Noise,
    /// Bets (with a truth of their own) entering at each round after the first.
    #[serde(default)]
    pub new_bets_per_round: u32,
}

/// A normal spread across bets: each bet draws its own value from Normal(mean, sd).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
}

/// When bets report: every `interval_days` from their start, each report moved by a uniform
/// offset of at most `jitter_days` and kept with `probability`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportPlan {
    pub interval_days: f64,
    pub jitter_days: f64,
    pub probability: f64,
}

impl Default for ReportPlan {
    fn default() -> Self {
        ReportPlan {
            interval_days: 30.0,
            jitter_days: 0.0,
            probability: 1.0,
        }
    }
}

/// How a report departs from the bet's true level.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Noise {
    pub kind: NoiseKind,
    /// For `multiplicative`, the sd of the log of value / true level; for `additive`, in the
    /// metric's units.
    pub sd: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseKind {
    /// value = true level * exp(sd * z): log-normal, median-unbiased.
    #[default]
    Multiplicative,
    /// value = true level + sd * z.
    Additive,
}

fn one() -> u32 {
    1
}
fn default_round_interval() -> f64 {
    91.0
}
fn default_budget() -> i64 {
    100_000_000
}
fn default_baseline() -> f64 {
    100.0
}
fn default_lift() -> f64 {
    0.20
}
fn default_true_progress() -> Spread {
    Spread { mean: 1.0, sd: 0.0 }
}

/// The names of the built-in scenarios, comma-separated, for messages and help.
pub fn builtin_names() -> String {
    BUILTIN.map(|(name, _)| name).join(", ")
}

/// A built-in scenario by name.
pub fn builtin(name: &str) -> Result<Scenario, LabError> {
    let (_, text) = BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| LabError::UnknownScenario(name.to_owned(), builtin_names()))?;
    Scenario::from_json(text)
}

impl Scenario {
    /// Parses a scenario strictly and checks every field.
    pub fn from_json(text: &str) -> Result<Scenario, LabError> {
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| LabError::ScenarioFormat(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// T: every bet's threshold.
    pub fn threshold(&self) -> f64 {
        self.baseline * (1.0 + self.threshold_lift)
    }

    /// Every bet the scenario holds: those at the start and those entering later.
    pub fn total_bets(&self) -> u32 {
        self.bets
            .saturating_add(self.new_bets_per_round.saturating_mul(self.rounds - 1))
    }

    /// The round (1-based) in which bet `index` (0-based) first takes part.
    pub fn entry_round(&self, index: u32) -> u32 {
        if index < self.bets || self.new_bets_per_round == 0 {
            1
        } else {
            2 + (index - self.bets) / self.new_bets_per_round
        }
    }

    /// Round k's as-of instant, in days since the portfolio's start (0 for k = 0: the start).
    pub fn as_of_day(&self, round: u32) -> f64 {
        f64::from(round) * self.round_interval_days
    }

    /// Checks every field in the order of the format; the first one at fault is named.
    pub fn validate(&self) -> Result<(), LabError> {
        check(
            "name",
            !self.name.trim().is_empty() && self.name.chars().count() <= 100,
            || "must not be blank and must be at most 100 characters".to_owned(),
        )?;
        check("bets", (1..=MAX_BETS).contains(&self.bets), || {
            format!("must be between 1 and {MAX_BETS} (got {})", self.bets)
        })?;
        check("arenas", (1..=self.bets).contains(&self.arenas), || {
            format!(
                "must be between 1 and bets, {} (got {})",
                self.bets, self.arenas
            )
        })?;
        check("rounds", (2..=MAX_ROUNDS).contains(&self.rounds), || {
            format!("must be between 2 and {MAX_ROUNDS} (got {})", self.rounds)
        })?;
        let interval = self.round_interval_days;
        check(
            "round_interval_days",
            interval > 0.0 && interval <= MAX_ROUND_INTERVAL_DAYS,
            || {
                format!(
                    "must be greater than 0 and at most {MAX_ROUND_INTERVAL_DAYS} (got {interval})"
                )
            },
        )?;
        check("budget", (1..=MAX_AMOUNT).contains(&self.budget), || {
            format!("must be between 1 and {MAX_AMOUNT} (got {})", self.budget)
        })?;
        check(
            "baseline",
            self.baseline.is_finite() && self.baseline > 0.0,
            || {
                format!(
                    "must be a finite number greater than 0 (got {})",
                    self.baseline
                )
            },
        )?;
        let lift = self.threshold_lift;
        check(
            "threshold_lift",
            lift > 0.0 && self.threshold().is_finite(),
            || format!("must be greater than 0, with a finite threshold (got {lift})"),
        )?;
        spread("true_progress.mean", "true_progress.sd", self.true_progress)?;
        spread(
            "progress_per_year.mean",
            "progress_per_year.sd",
            self.progress_per_year,
        )?;
        self.validate_reports()?;
        self.validate_noise()?;
        check("new_bets_per_round", self.total_bets() <= MAX_BETS, || {
            format!(
                "adds {} bets over {} rounds to the {} at the start: at most {MAX_BETS} in all",
                u64::from(self.new_bets_per_round) * u64::from(self.rounds - 1),
                self.rounds - 1,
                self.bets
            )
        })?;
        self.validate_report_count()
    }

    fn validate_reports(&self) -> Result<(), LabError> {
        let plan = self.reports;
        check(
            "reports.interval_days",
            plan.interval_days.is_finite() && plan.interval_days > 0.0,
            || {
                format!(
                    "must be a finite number greater than 0 (got {})",
                    plan.interval_days
                )
            },
        )?;
        // Below one interval, a report can never move before its bet's start or past the
        // next one's slot by more than a whole interval.
        check(
            "reports.jitter_days",
            plan.jitter_days >= 0.0 && plan.jitter_days < plan.interval_days,
            || {
                format!(
                    "must be at least 0 and less than reports.interval_days (got {})",
                    plan.jitter_days
                )
            },
        )?;
        check(
            "reports.probability",
            (0.0..=1.0).contains(&plan.probability),
            || format!("must be between 0 and 1 (got {})", plan.probability),
        )
    }

    fn validate_noise(&self) -> Result<(), LabError> {
        let sd = self.noise.sd;
        match self.noise.kind {
            NoiseKind::Multiplicative => check(
                "noise.sd",
                (0.0..=MAX_MULTIPLICATIVE_SD).contains(&sd),
                || {
                    format!(
                        "must be between 0 and {MAX_MULTIPLICATIVE_SD} for multiplicative noise (got {sd})"
                    )
                },
            ),
            NoiseKind::Additive => check("noise.sd", sd.is_finite() && sd >= 0.0, || {
                format!("must be a finite number of at least 0 (got {sd})")
            }),
        }
    }

    /// The reports the scenario schedules, bounded from above, must fit in memory.
    fn validate_report_count(&self) -> Result<(), LabError> {
        let plan = self.reports;
        let horizon = self.as_of_day(self.rounds);
        let per_bet = ((horizon + plan.jitter_days) / plan.interval_days).floor() + 1.0;
        let total = per_bet * f64::from(self.total_bets());
        check("reports.interval_days", total <= MAX_REPORTS, || {
            format!(
                "schedules about {total:.0} reports over all bets and rounds: at most {MAX_REPORTS:.0} (report less often, or simulate fewer bets or rounds)"
            )
        })
    }
}

fn spread(mean_field: &'static str, sd_field: &'static str, s: Spread) -> Result<(), LabError> {
    check(mean_field, s.mean.is_finite(), || {
        format!("must be a finite number (got {})", s.mean)
    })?;
    check(sd_field, s.sd.is_finite() && s.sd >= 0.0, || {
        format!("must be a finite number of at least 0 (got {})", s.sd)
    })
}

fn check(field: &'static str, ok: bool, reason: impl FnOnce() -> String) -> Result<(), LabError> {
    if ok {
        Ok(())
    } else {
        Err(LabError::Scenario {
            field,
            reason: reason(),
        })
    }
}
