//! `horserace lab ...`: the policy lab from a terminal. `simulate` runs policies over
//! synthetic portfolios and prints their figures, `recommend` searches a grid of policies and
//! tests its pick against the default, `scenario` prints a scenario to copy and edit; these
//! read no database. `backtest` (`lab_backtest`) replays the portfolio's own committed rounds;
//! `adopt` and `adoptions` (`lab_adopt`) make a policy the default for new drafts.
//! This module only reads the files it is given, parses the arguments, draws a progress bar
//! and prints (`docs/lab.md`, "Commands").

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use crate::db::DatabaseUrl;
use crate::engine::Policy;
use crate::lab::{self, Grid, MAX_SEEDS, Scenario};

mod output;

use output::{recommendation_table, simulation_csv, simulation_table};

#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// Run policies over synthetic portfolios with a known truth and print their figures.
    Simulate {
        /// A scenario file, or the name of a built-in scenario.
        #[arg(long, default_value = "hard")]
        scenario: String,
        /// A policy as a JSON object (`{"kill_after_misses":3}`; missing knobs take the
        /// defaults) or a file holding one. Repeat to compare; none means the default policy.
        #[arg(long = "policy")]
        policies: Vec<String>,
        /// The seeds: `A..B` (both included) or a comma-separated list; at most 40.
        #[arg(long, default_value = "1..20")]
        seeds: String,
        #[arg(long, value_enum, default_value = "table")]
        format: SimulateFormat,
    },
    /// Search a grid of policies on training seeds; compare the pick with the default on test
    /// seeds.
    Recommend {
        /// A scenario file, or the name of a built-in scenario.
        #[arg(long, default_value = "hard")]
        scenario: String,
        /// The seeds the search runs on.
        #[arg(long, default_value = "1..20")]
        train: String,
        /// The seeds both policies are compared on, unseen by the search.
        #[arg(long, default_value = "21..40")]
        test: String,
        /// A grid file (`{"confidence":[0.7,0.8],...}`); missing knobs keep the default
        /// grid's values.
        #[arg(long)]
        grid: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: RecommendFormat,
    },
    /// Replay the portfolio's committed rounds under other policies, side by side with what
    /// happened (committee and executives; reads the database).
    Backtest {
        /// The user the backtest runs as.
        #[arg(long = "as", env = "HORSERACE_ACTOR", default_value = "admin")]
        acting_as: String,
        #[command(flatten)]
        args: super::lab_backtest::BacktestArgs,
    },
    /// Adopt a policy as the portfolio's default for new drafts (committee).
    Adopt {
        /// The committee member who adopts it.
        #[arg(long = "as", env = "HORSERACE_ACTOR", default_value = "admin")]
        acting_as: String,
        #[command(flatten)]
        args: super::lab_adopt::AdoptArgs,
    },
    /// List the adopted default policies, the one in force first (committee and executives).
    Adoptions {
        /// The user who reads them.
        #[arg(long = "as", env = "HORSERACE_ACTOR", default_value = "admin")]
        acting_as: String,
    },
    /// Print a scenario as JSON, every field written out.
    Scenario {
        /// A scenario file, or the name of a built-in scenario.
        #[arg(long, default_value = "hard")]
        scenario: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecommendFormat {
    Table,
    Json,
}

pub fn run(url: &DatabaseUrl, command: LabCommand) -> anyhow::Result<()> {
    match command {
        LabCommand::Backtest { acting_as, args } => super::lab_backtest::run(url, &acting_as, args),
        LabCommand::Adopt { acting_as, args } => super::lab_adopt::run_adopt(url, &acting_as, args),
        LabCommand::Adoptions { acting_as } => super::lab_adopt::run_list(url, &acting_as),
        LabCommand::Simulate {
            scenario,
            policies,
            seeds,
            format,
        } => simulate(&scenario, &policies, &seeds, format),
        LabCommand::Recommend {
            scenario,
            train,
            test,
            grid,
            format,
        } => recommend(&scenario, &train, &test, grid.as_deref(), format),
        LabCommand::Scenario { scenario } => {
            let scenario = load_scenario(&scenario)?;
            println!("{}", serde_json::to_string_pretty(&scenario)?);
            Ok(())
        }
    }
}

fn simulate(
    scenario: &str,
    policies: &[String],
    seeds: &str,
    format: SimulateFormat,
) -> anyhow::Result<()> {
    let scenario = load_scenario(scenario)?;
    let seeds = parse_seeds("--seeds", seeds)?;
    let policies = if policies.is_empty() {
        vec![Policy::default()]
    } else {
        policies
            .iter()
            .enumerate()
            .map(|(i, p)| load_policy(i + 1, p))
            .collect::<anyhow::Result<_>>()?
    };
    let bar = progress_bar();
    let simulation = lab::simulate(
        &scenario,
        &policies,
        &seeds,
        lab::default_threads(),
        &mut |done, total| advance(&bar, done, total),
    );
    bar.finish_and_clear();
    let simulation = simulation?;
    match format {
        SimulateFormat::Table => println!("{}", simulation_table(&simulation)),
        SimulateFormat::Json => println!("{}", serde_json::to_string_pretty(&simulation)?),
        SimulateFormat::Csv => print!("{}", simulation_csv(&simulation)?),
    }
    Ok(())
}

fn recommend(
    scenario: &str,
    train: &str,
    test: &str,
    grid: Option<&Path>,
    format: RecommendFormat,
) -> anyhow::Result<()> {
    let scenario = load_scenario(scenario)?;
    let train = parse_seeds("--train", train)?;
    let test = parse_seeds("--test", test)?;
    let grid = match grid {
        Some(path) => Grid::from_json(&read(path, "grid")?)?,
        None => Grid::default(),
    };
    let bar = progress_bar();
    let found = lab::recommend(&scenario, &grid, &train, &test, &mut |done, total| {
        advance(&bar, done, total);
    });
    bar.finish_and_clear();
    let found = found?;
    match format {
        RecommendFormat::Table => println!("{}", recommendation_table(&found)),
        RecommendFormat::Json => println!("{}", serde_json::to_string_pretty(&found)?),
    }
    Ok(())
}

/// A built-in scenario by name, or else a scenario file.
fn load_scenario(arg: &str) -> anyhow::Result<Scenario> {
    if let Ok(scenario) = lab::builtin(arg) {
        return Ok(scenario);
    }
    let path = Path::new(arg);
    if !path.exists() {
        bail!(
            "--scenario {arg}: no such file, and no built-in scenario has that name (built in: {})",
            lab::builtin_names()
        );
    }
    Ok(Scenario::from_json(&read(path, "scenario")?)?)
}

/// A policy given inline as a JSON object, or a file holding one.
pub(super) fn load_policy(number: usize, arg: &str) -> anyhow::Result<Policy> {
    let text = if arg.trim_start().starts_with('{') {
        arg.to_owned()
    } else {
        read(Path::new(arg), "policy")?
    };
    serde_json::from_str(&text).map_err(|e| {
        let field = misfit_field(&text).map_or(String::new(), |f| format!(" (its {f})"));
        anyhow!("policy {number} ({arg}) is not valid{field}: {e}")
    })
}

/// The first knob of a policy object that does not read as a policy on its own: serde names
/// an unknown field, but not one whose value has the wrong type.
fn misfit_field(text: &str) -> Option<String> {
    let serde_json::Value::Object(knobs) = serde_json::from_str(text).ok()? else {
        return None;
    };
    knobs.into_iter().find_map(|(name, value)| {
        let alone = serde_json::Value::Object([(name.clone(), value)].into_iter().collect());
        serde_json::from_value::<Policy>(alone)
            .is_err()
            .then_some(name)
    })
}

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} file {}", path.display()))
}

/// `A..B` (both included), or a comma-separated list of seeds.
pub fn parse_seeds(flag: &str, text: &str) -> anyhow::Result<Vec<u64>> {
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| anyhow!("{flag} {text}: {s:?} is not a seed (a whole number from 0)"))
    };
    if let Some((a, b)) = text.split_once("..") {
        let (a, b) = (number(a)?, number(b)?);
        if a > b {
            bail!("{flag} {text}: the range ends before it starts");
        }
        if b - a >= u64::try_from(MAX_SEEDS).unwrap_or(u64::MAX) {
            bail!(
                "{flag} {text}: that is {} seeds; at most {MAX_SEEDS}",
                (b - a).saturating_add(1)
            );
        }
        return Ok((a..=b).collect());
    }
    let seeds: Vec<u64> = text.split(',').map(number).collect::<anyhow::Result<_>>()?;
    if seeds.len() > MAX_SEEDS {
        bail!(
            "{flag} {text}: that is {} seeds; at most {MAX_SEEDS}",
            seeds.len()
        );
    }
    Ok(seeds)
}

/// A bar on standard error when a person watches it, nothing otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:40}] {percent}% eta {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn advance(bar: &ProgressBar, done: usize, total: usize) {
    bar.set_length(u64::try_from(total).unwrap_or(u64::MAX));
    bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
}

#[cfg(test)]
mod tests {
    use super::output::{policy_label, seeds_label};
    use super::parse_seeds;
    use crate::engine::Policy;

    #[test]
    fn lab_seeds_read_as_a_range_or_a_list() {
        assert_eq!(parse_seeds("--seeds", "1..4").unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(parse_seeds("--seeds", "7").unwrap(), vec![7]);
        assert_eq!(parse_seeds("--seeds", "3, 5,9").unwrap(), vec![3, 5, 9]);
        assert_eq!(parse_seeds("--seeds", "0..39").unwrap().len(), 40);
        let err = parse_seeds("--train", "1..41").unwrap_err().to_string();
        assert_eq!(err, "--train 1..41: that is 41 seeds; at most 40");
        let huge = parse_seeds("--seeds", "0..18446744073709551615").unwrap_err();
        assert!(huge.to_string().contains("at most 40"), "{huge}");
        assert!(parse_seeds("--seeds", "5..2").is_err());
        assert!(
            parse_seeds("--seeds", "1,x")
                .unwrap_err()
                .to_string()
                .contains("\"x\"")
        );
        assert!(parse_seeds("--seeds", "").is_err());
    }

    #[test]
    fn lab_policies_of_the_wrong_type_are_refused_by_their_field() {
        let err = super::load_policy(2, r#"{"kill_after_misses": 3, "confidence": "high"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("policy 2 ("), "{err}");
        assert!(
            err.contains("is not valid (its confidence): invalid type"),
            "{err}"
        );
        let p = super::load_policy(1, r#"{"kill_after_misses": 3}"#).unwrap();
        assert_eq!((p.kill_after_misses, p.confidence), (3, 0.8));
    }

    #[test]
    fn lab_labels_name_what_differs_from_the_default() {
        assert_eq!(policy_label(&Policy::default()), "default");
        let p = Policy {
            kill_after_misses: 3,
            confidence: 0.9,
            ..Policy::default()
        };
        assert_eq!(policy_label(&p), "confidence=0.9, kill_after_misses=3");
        assert_eq!(seeds_label(&[1, 2, 3]), "seeds 1..3");
        assert_eq!(seeds_label(&[4]), "seed 4");
        assert_eq!(seeds_label(&[3, 5]), "seeds 3, 5");
    }
}
