//! `horserace lab backtest`: the portfolio's own committed rounds replayed under other policies,
//! from a terminal, as the user named by `--as` (committee and executives). This module reads
//! the policy files, parses the arguments, draws a progress bar and prints; the service reads
//! the history and the pure backtest replays it (`docs/lab-backtest.md`, "From a terminal").

use std::io::IsTerminal;

use anyhow::{anyhow, bail};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use super::lab::load_policy;
use super::round::{actor, api, portfolio_currency};
use crate::db::DatabaseUrl;
use crate::domain::Currency;
use crate::engine::Policy;
use crate::lab::backtest::check_policies;
use crate::services::lab::{BacktestRequest, RoundRange, backtest_with_progress};

mod output;

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// A policy as a JSON object (`{"kill_after_misses":1}`; missing knobs take the engine's
    /// defaults) or a file holding one. Repeat to compare up to 50 at once; none replays each
    /// round's own committed policy (with --drop-pins: the history without its pins).
    #[arg(long = "policy")]
    pub policies: Vec<String>,
    /// Only the committed rounds whose id is in A..B (both included).
    #[arg(long)]
    pub rounds: Option<String>,
    /// Replay the policies without the committee's pins.
    #[arg(long)]
    pub drop_pins: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: BacktestFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    /// Per round and policy the totals, then the whole history's.
    Table,
    /// The whole report (format 1).
    Json,
    /// One row per round, policy and bet.
    Csv,
}

/// Runs a backtest as the named user and prints it.
pub fn run(url: &DatabaseUrl, acting_as: &str, args: BacktestArgs) -> anyhow::Result<()> {
    let policies: Vec<Option<Policy>> = if args.policies.is_empty() {
        vec![None]
    } else {
        args.policies
            .iter()
            .enumerate()
            .map(|(i, p)| load_policy(i + 1, p).map(Some))
            .collect::<anyhow::Result<_>>()?
    };
    // Refused before the database is opened: the same words the service would answer.
    check_policies(&policies).map_err(|e| anyhow!("{e}"))?;
    let rounds = args.rounds.as_deref().map(parse_rounds).transpose()?;
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let currency =
        Currency::parse("currency", &portfolio_currency(&mut conn)?).map_err(|e| anyhow!("{e}"))?;
    let request = BacktestRequest {
        policies,
        rounds,
        drop_pins: args.drop_pins,
    };
    let bar = progress_bar();
    let report = backtest_with_progress(&mut conn, &actor, &request, &mut |done, total| {
        bar.set_length(u64::try_from(total).unwrap_or(u64::MAX));
        bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
    });
    bar.finish_and_clear();
    let report = report.map_err(api)?;
    match args.format {
        BacktestFormat::Table => print!("{}", output::table(&report, &currency)),
        BacktestFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        BacktestFormat::Csv => print!("{}", output::csv(&report)?),
    }
    Ok(())
}

/// `A..B`: the committed rounds whose id is in A..=B.
fn parse_rounds(text: &str) -> anyhow::Result<RoundRange> {
    let Some((a, b)) = text.split_once("..") else {
        bail!("--rounds {text}: write the first and the last round id as A..B");
    };
    let id = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| anyhow!("--rounds {text}: {s:?} is not a round id"))
    };
    let (first, last) = (id(a)?, id(b)?);
    if first > last {
        bail!("--rounds {text}: the range ends before it starts");
    }
    Ok(RoundRange { first, last })
}

/// A bar on standard error when a person watches it, nothing otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("replaying {spinner} [{bar:40}] {pos}/{len} rounds")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::parse_rounds;
    use crate::cli::lab::load_policy;

    #[test]
    fn backtest_arguments_read_as_people_write_them() {
        let range = parse_rounds("3..7").unwrap();
        assert_eq!((range.first, range.last), (3, 7));
        assert!(parse_rounds("7..3").is_err());
        assert!(parse_rounds("3").unwrap_err().to_string().contains("A..B"));
        assert!(
            parse_rounds("a..3")
                .unwrap_err()
                .to_string()
                .contains("\"a\"")
        );
        let policy = load_policy(1, r#"{"kill_after_misses":1}"#).unwrap();
        assert_eq!(policy.kill_after_misses, 1);
        assert_eq!(policy.confidence, 0.8);
        let err = load_policy(2, r#"{"kill_after_mises":1}"#).unwrap_err();
        assert!(err.to_string().contains("kill_after_mises"), "{err}");
        assert!(load_policy(1, "/no/such/policy.json").is_err());
    }
}
