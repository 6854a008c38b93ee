//! A backtest as people read it: per round and policy the totals, then the whole history's, in
//! the portfolio's currency and with percentages; and as CSV, one row per round, policy and bet.

use std::fmt::Write as _;

use crate::cli::table::{Align, Table};
use crate::domain::Currency;
use crate::engine::Policy;
use crate::lab::backtest::{BacktestReport, Figures, PolicyRun};

/// The table: what was replayed, each policy, every round's figures, the history's.
pub fn table(report: &BacktestReport, currency: &Currency) -> String {
    let mut out = String::new();
    let (first, last) = (report.rounds.first(), report.rounds.last());
    let reports: usize = report.rounds.iter().map(|r| r.reports).sum();
    if let (Some(first), Some(last)) = (first, last) {
        let _ = writeln!(
            out,
            "Backtest of {} committed rounds ({} to {}, as of {} to {}) on the {} reports they used; \
             amounts in {}, pins {}.",
            report.rounds.len(),
            first.round_id,
            last.round_id,
            first.as_of.format("%Y-%m-%d"),
            last.as_of.format("%Y-%m-%d"),
            reports,
            currency.code(),
            if report.drop_pins { "dropped" } else { "kept" },
        );
    }
    let _ = writeln!(out, "Every committed round replays as it was stored.");
    for run in &report.alternatives {
        let _ = writeln!(
            out,
            "Policy {}: {}",
            run.number,
            policy_label(run.policy.as_ref())
        );
    }
    let _ = writeln!(out);
    let mut rounds = figures_table("round");
    for (index, header) in report.rounds.iter().enumerate() {
        let round_label = format!("{} ({})", header.round_id, header.as_of.format("%Y-%m-%d"));
        for run in std::iter::once(&report.actual).chain(&report.alternatives) {
            let Some(round) = run.rounds.get(index) else {
                continue;
            };
            rounds.row(row(
                &round_label,
                &name(run),
                &round.all,
                round.marked,
                currency,
            ));
            if round.marked > 0 {
                let label = format!("{} unmarked", name(run));
                rounds.row(row("", &label, &round.unmarked, 0, currency));
            }
        }
    }
    let _ = writeln!(out, "{}", rounds.render());
    let _ = writeln!(
        out,
        "\nOver the history (sums; concentration and hindsight money-weighted):"
    );
    let mut history = figures_table("rounds");
    for run in std::iter::once(&report.actual).chain(&report.alternatives) {
        let marked: usize = run.rounds.iter().map(|r| r.marked).sum();
        history.row(row(
            &run.all.rounds.to_string(),
            &name(run),
            &run.all,
            marked,
            currency,
        ));
        if marked > 0 {
            let label = format!("{} unmarked rounds", name(run));
            history.row(row(
                &run.unmarked.rounds.to_string(),
                &label,
                &run.unmarked,
                0,
                currency,
            ));
        }
    }
    let _ = writeln!(out, "{}", history.render());
    out
}

fn figures_table(first: &str) -> Table {
    Table::new(&[
        (first, Align::Left),
        ("policy", Align::Left),
        ("granted", Align::Right),
        ("moved", Align::Right),
        ("killed", Align::Right),
        ("concentration", Align::Right),
        ("hindsight", Align::Right),
        ("to later killed", Align::Right),
        ("from actual", Align::Right),
        ("marked", Align::Right),
    ])
}

fn row(first: &str, policy: &str, f: &Figures, marked: usize, currency: &Currency) -> Vec<String> {
    vec![
        first.to_owned(),
        policy.to_owned(),
        currency.format_amount(f.granted),
        currency.format_amount(whole(f.turnover)),
        f.killed.to_string(),
        percent(Some(f.concentration)),
        percent(f.hindsight),
        currency.format_amount(f.later_killed),
        currency.format_amount(f.distance),
        if marked > 0 {
            marked.to_string()
        } else {
            String::new()
        },
    ]
}

fn name(run: &PolicyRun) -> String {
    if run.number == 0 {
        "actual".to_owned()
    } else {
        run.number.to_string()
    }
}

/// A policy by the knobs it sets apart from the engine's defaults.
fn policy_label(policy: Option<&Policy>) -> String {
    let Some(policy) = policy else {
        return "each round's committed policy".to_owned();
    };
    let (Ok(serde_json::Value::Object(knobs)), Ok(serde_json::Value::Object(defaults))) = (
        serde_json::to_value(policy),
        serde_json::to_value(Policy::default()),
    ) else {
        return "a policy".to_owned();
    };
    let changed: Vec<String> = knobs
        .iter()
        .filter(|(k, v)| defaults.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if changed.is_empty() {
        "the engine's defaults".to_owned()
    } else {
        changed.join(", ")
    }
}

/// A share as people read it, or a dash where there is none.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_owned(), |s| format!("{:.1}%", s * 100.0))
}

/// Money moved, to the nearest whole minor unit (it is exact in the JSON, halves included).
#[expect(
    clippy::cast_possible_truncation,
    reason = "a sum of whole amounts halved, far below 2^53: rounded, it is a whole amount"
)]
fn whole(amount: f64) -> i64 {
    amount.round() as i64
}

/// One row per round, policy and bet, for a spreadsheet.
pub fn csv(report: &BacktestReport) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "round_id",
        "as_of",
        "policy",
        "bet_id",
        "actual_grant",
        "actual_decision",
        "alternative_grant",
        "alternative_decision",
        "marked",
    ])?;
    for run in &report.alternatives {
        for (round, header) in run.rounds.iter().zip(&report.rounds) {
            for line in &round.bets {
                let marks: Vec<&str> = line.marks.iter().map(|m| m.as_str()).collect();
                out.write_record([
                    round.round_id.to_string(),
                    header
                        .as_of
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    run.number.to_string(),
                    line.bet_id.to_string(),
                    line.actual_grant.to_string(),
                    line.actual_decision.map_or("", |d| d.as_str()).to_owned(),
                    line.grant.to_string(),
                    line.decision.map_or("", |d| d.as_str()).to_owned(),
                    marks.join(";"),
                ])?;
            }
        }
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::{percent, policy_label};
    use crate::engine::Policy;

    #[test]
    fn backtest_labels_and_shares_read_as_people_expect() {
        assert_eq!(policy_label(None), "each round's committed policy");
        assert_eq!(
            policy_label(Some(&Policy::default())),
            "the engine's defaults"
        );
        let strict = Policy {
            kill_after_misses: 1,
            ..Policy::default()
        };
        assert_eq!(policy_label(Some(&strict)), "kill_after_misses=1");
        assert_eq!(percent(Some(0.4567)), "45.7%");
        assert_eq!(percent(None), "-");
    }
}
