//! The portfolio's charts: where the latest round's money went by arena and by team (bars), and
//! money per bet over every round (stacked columns), each titled with what it shows. This module
//! owns which bets the money chart names: the fewest, taken by money, that leave "other bets" at
//! most a fifth of every round's grants, and never more than twelve (`pick_named`).

use std::collections::BTreeMap;

use crate::domain::{BetStatus, Currency, approx};
use crate::web::charts::{self, Bar, Bars, Series, StackedBars};
use crate::web::format::{self, count};

/// How many of the most funded bets the money chart may choose from.
pub(super) const CANDIDATES: i64 = 24;
/// The most bets the money chart names: twelve fills tell them apart (`charts::palette`).
const MAX_NAMED: usize = 12;

/// A bet the money chart may name: its id, title, whether it was killed, and its grant in each
/// round (in the order of the chart's columns).
pub(super) struct Candidate {
    pub id: i64,
    pub title: String,
    pub status: BetStatus,
    pub values: Vec<i64>,
}

impl Candidate {
    fn total(&self) -> i128 {
        self.values.iter().map(|v| i128::from(*v)).sum()
    }
}

/// `part / whole` for sums of amounts; sums past `i64` (which no real portfolio reaches) are
/// read as `i64::MAX`.
fn share(part: i128, whole: i128) -> f64 {
    let narrow = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
    approx::share(narrow(part), narrow(whole))
}

/// Whether what is left over weighs more than a fifth of the round's grants.
fn too_much(rest: i128, total: i128) -> bool {
    total > 0 && rest * 5 > total
}

/// The candidates to name, most funded first: while some round's rest is more than a fifth of
/// its grants, the candidate with the most money in the round where the rest weighs most is
/// named, up to twelve. `round_totals` are the rounds' whole grants, bets not among the
/// candidates included, so "other bets" is everything not named.
pub(super) fn pick_named(candidates: &[Candidate], round_totals: &[i64]) -> Vec<usize> {
    let totals: Vec<i128> = round_totals.iter().map(|t| i128::from(*t)).collect();
    let mut rest = totals.clone();
    let mut named: Vec<usize> = Vec::new();
    while named.len() < MAX_NAMED {
        let worst = (0..totals.len())
            .filter(|&r| too_much(rest[r], totals[r]))
            .max_by(|&a, &b| {
                let weight = |r: usize| share(rest[r], totals[r]);
                weight(a).total_cmp(&weight(b)).then(b.cmp(&a))
            });
        let Some(worst) = worst else { break };
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(i, c)| !named.contains(i) && c.values.get(worst).is_some_and(|v| *v > 0))
            .max_by_key(|(_, c)| (c.values[worst], c.total(), std::cmp::Reverse(c.id)));
        let Some((i, bet)) = best else { break };
        for (r, v) in bet.values.iter().enumerate().take(rest.len()) {
            rest[r] -= i128::from(*v);
        }
        named.push(i);
    }
    named.sort_by_key(|&i| (std::cmp::Reverse(candidates[i].total()), candidates[i].id));
    named
}

/// "over 4 rounds" or "in 1 round".
fn span(rounds: usize) -> String {
    if rounds == 1 {
        "in 1 round".to_owned()
    } else {
        format!("over {}", count(rounds, "round", "rounds"))
    }
}

/// The finding of the money chart: how much of the money the named bets took, and who took the
/// most. `named` is most funded first, with each bet's total.
fn money_title(named: &[(&str, i128)], granted: i128, rounds: usize, c: &Currency) -> String {
    let total = money(c, granted);
    let over = span(rounds);
    let Some((top, top_total)) = named.first().filter(|_| granted > 0) else {
        return format!("Nothing was granted {over}");
    };
    let pct = |part: i128| format::percent(share(part, granted));
    let named_total: i128 = named.iter().map(|(_, t)| t).sum();
    match named.len() {
        1 if named_total >= granted => format!("{top} took all of the {total} granted {over}"),
        n if named_total >= granted => format!(
            "{top} took the most of the {total} granted to {} {over}: {}",
            count(n, "bet", "bets"),
            pct(*top_total)
        ),
        n => format!(
            "{} took {} of the {total} granted {over}; {top} the most, {}",
            count(n, "bet", "bets"),
            pct(named_total),
            pct(*top_total)
        ),
    }
}

/// An amount in the currency, for sums that may pass `i64`.
fn money(c: &Currency, minor: i128) -> String {
    c.format(i64::try_from(minor).unwrap_or(i64::MAX))
}

/// Money per bet over all rounds: the bets `pick_named` chooses by name (each keyed by its id,
/// so it keeps its fill), the rest together as "other bets".
pub(super) fn money_chart(
    c: &Currency,
    categories: &[String],
    candidates: &[Candidate],
    round_totals: &[i64],
) -> String {
    let named = pick_named(candidates, round_totals);
    let mut series: Vec<Series> = named
        .iter()
        .map(|&i| {
            let bet = &candidates[i];
            let last = bet.values.iter().rposition(|v| *v > 0);
            Series {
                name: bet.title.clone(),
                ended_after: (bet.status == BetStatus::Killed).then_some(last).flatten(),
                values: bet.values.clone(),
                key: Some(bet.id),
            }
        })
        .collect();
    let others: Vec<i64> = round_totals
        .iter()
        .enumerate()
        .map(|(r, total)| {
            total
                - series
                    .iter()
                    .map(|s| s.values.get(r).copied().unwrap_or(0))
                    .sum::<i64>()
        })
        .collect();
    if others.iter().any(|v| *v > 0) {
        series.push(Series {
            name: "other bets".to_owned(),
            values: others,
            ended_after: None,
            key: None,
        });
    }
    let totals: Vec<(&str, i128)> = named
        .iter()
        .map(|&i| (candidates[i].title.as_str(), candidates[i].total()))
        .collect();
    let granted: i128 = round_totals.iter().map(|t| i128::from(*t)).sum();
    charts::stacked_bars(&StackedBars {
        title: &money_title(&totals, granted, round_totals.len(), c),
        categories,
        series: &series,
        currency: c.code(),
        exponent: c.exponent(),
    })
}

/// Amounts summed by group (arena or team), largest first, each with its share of `granted`.
pub(super) fn group_bars(sums: BTreeMap<i64, (String, i64)>, granted: i64) -> Vec<Bar> {
    let mut bars: Vec<Bar> = sums
        .into_values()
        .map(|(label, value)| Bar {
            note: (granted > 0).then(|| format::percent(approx::share(value, granted))),
            label,
            value,
        })
        .collect();
    bars.sort_by(|a, b| b.value.cmp(&a.value).then(a.label.cmp(&b.label)));
    bars
}

/// "Where round 4's money went: 42% of USD 1,000,000.00 to Mobile messaging, the most of 4
/// arenas". `bars` are largest first.
fn arena_title(round: i64, bars: &[Bar], granted: i64, c: &Currency) -> String {
    let head = format!("Where round {round}'s money went");
    match (bars, bars.first()) {
        (_, None) => format!("{head}: nowhere, it granted nothing"),
        (_, Some(_)) if granted <= 0 => format!("{head}: nowhere, it granted nothing"),
        ([top], _) => format!("{head}: all of {} to {}", c.format(granted), top.label),
        (_, Some(top)) => format!(
            "{head}: {} of {} to {}, the most of {}",
            format::percent(approx::share(top.value, granted)),
            c.format(granted),
            top.label,
            count(bars.len(), "arena", "arenas")
        ),
    }
}

/// "Pod Alpha got the most of round 4: 18% of USD 1,000,000.00, among 12 teams".
fn team_title(round: i64, bars: &[Bar], granted: i64, c: &Currency) -> String {
    match (bars, bars.first()) {
        (_, Some(_)) if granted <= 0 => format!("Round {round} granted nothing to any team"),
        (_, None) => format!("Round {round} granted nothing to any team"),
        ([top], _) => format!(
            "{} got all of round {round}'s {}",
            top.label,
            c.format(granted)
        ),
        (_, Some(top)) => format!(
            "{} got the most of round {round}: {} of {}, among {}",
            top.label,
            format::percent(approx::share(top.value, granted)),
            c.format(granted),
            count(bars.len(), "team", "teams")
        ),
    }
}

/// The two bar charts of the latest round: by arena and by team.
pub(super) fn round_bars(
    c: &Currency,
    round: i64,
    (arenas, teams): (&[Bar], &[Bar]),
    granted: i64,
) -> (String, String) {
    let chart = |title: String, bars: &[Bar]| {
        charts::bars(&Bars {
            title: &title,
            bars,
            currency: c.code(),
            exponent: c.exponent(),
        })
    };
    (
        chart(arena_title(round, arenas, granted, c), arenas),
        chart(team_title(round, teams, granted, c), teams),
    )
}

#[cfg(test)]
mod tests;
