//! The team's statement drawn: one column per billing period, money in above the axis and money
//! out below it, once with the grants and once for the market alone; and the titles that say
//! what the statement found. Each kind of flow keeps its key, so it keeps its fill in both
//! charts and on every team's page.

use crate::domain::Currency;
use crate::services::market::statement::{Flows, Statement};
use crate::web::charts::{Series, StackedBars, stacked_bars};
use crate::web::format::count;

/// A kind of flow: its name, the key that picks its fill, and its amount in a period (negative
/// for money out).
type Flow = (&'static str, i64, fn(&Flows) -> i64);

/// The kinds of flow in the order they are stacked. Grants come last, so the market's flows sit
/// on the axis in both charts.
const FLOWS: [Flow; 5] = [
    ("Subscription revenue", 0, |f| f.subscription_revenue),
    ("Request revenue", 1, |f| f.request_revenue),
    ("Subscriptions paid", 2, |f| -f.subscription_costs),
    ("Requests paid", 3, |f| -f.request_costs),
    ("Grants", 4, |f| f.grants),
];

/// One series per kind of flow over the statement's periods; costs are negative (drawn below
/// the axis).
fn flow_series(s: &Statement, with_grants: bool) -> (Vec<String>, Vec<Series>) {
    let categories = s.periods.iter().map(|p| p.period.clone()).collect();
    let series = FLOWS
        .iter()
        .filter(|(name, ..)| with_grants || *name != "Grants")
        .map(|(name, key, f)| Series {
            name: (*name).to_owned(),
            values: s.periods.iter().map(|p| f(&p.flows)).collect(),
            ended_after: None,
            key: Some(*key),
        })
        .collect();
    (categories, series)
}

fn signed(c: &Currency, amount: i64) -> String {
    // The sign goes before the currency either way: "+USD 7,000.00", "-USD 400.00".
    let sign = if amount >= 0 { '+' } else { '-' };
    format!("{sign}{}", c.format(amount.saturating_abs()))
}

/// "Pod Juliet took in USD 9,000.00 and paid out USD 2,000.00 over 6 periods: +USD 7,000.00
/// net", or that money went only one way, or that nothing moved.
fn statement_title(
    team: &str,
    (total_in, total_out): (i64, i64),
    periods: usize,
    c: &Currency,
) -> String {
    let over = count(periods, "period", "periods");
    match (total_in, total_out) {
        (0, 0) => format!("No money came in or went out for {team} over {over}"),
        (total_in, 0) => format!(
            "{team} took in {} over {over} and paid out nothing",
            c.format(total_in)
        ),
        (0, total_out) => format!(
            "{team} paid out {} over {over} and took in nothing",
            c.format(total_out)
        ),
        (total_in, total_out) => format!(
            "{team} took in {} and paid out {} over {over}: {} net",
            c.format(total_in),
            c.format(total_out),
            signed(c, total_in - total_out)
        ),
    }
}

/// What the market alone did for the team: earned more than it paid, or the other way round.
fn market_title(team: &str, (earned, paid): (i64, i64), c: &Currency) -> String {
    let net = signed(c, earned - paid);
    match (earned, paid) {
        (0, paid) => format!(
            "In the market {team} paid {} and earned nothing",
            c.format(paid)
        ),
        (earned, 0) => format!(
            "In the market {team} earned {} and paid nothing",
            c.format(earned)
        ),
        (earned, paid) if earned >= paid => format!(
            "In the market {team} earned more than it paid: {} against {}, {net} net",
            c.format(earned),
            c.format(paid)
        ),
        (earned, paid) => format!(
            "In the market {team} paid more than it earned: {} against {}, {net} net",
            c.format(paid),
            c.format(earned)
        ),
    }
}

/// Money in above the axis (grants, subscription and request revenue), money out below it
/// (subscription and request costs), one column per period; holds move nothing and are left
/// out. The title states the net.
pub(super) fn statement_chart(s: &Statement, team: &str, c: &Currency) -> String {
    let (categories, series) = flow_series(s, true);
    let title = statement_title(
        team,
        (s.flows.total_in, s.flows.total_out),
        s.periods.len(),
        c,
    );
    stacked_bars(&StackedBars {
        title: &title,
        categories: &categories,
        series: &series,
        currency: c.code(),
        exponent: c.exponent(),
    })
}

/// The same without the grants, when anything moved in the market: beside the grants the
/// market's flows are often too small to see.
pub(super) fn market_chart(s: &Statement, team: &str, c: &Currency) -> Option<String> {
    let f = &s.flows;
    let earned = f.subscription_revenue + f.request_revenue;
    let paid = f.subscription_costs + f.request_costs;
    if earned == 0 && paid == 0 {
        return None;
    }
    let (categories, series) = flow_series(s, false);
    let title = market_title(team, (earned, paid), c);
    Some(stacked_bars(&StackedBars {
        title: &title,
        categories: &categories,
        series: &series,
        currency: c.code(),
        exponent: c.exponent(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_title_states_the_net() {
        let c = Currency::usd();
        assert_eq!(
            statement_title("Pod Juliet", (900_000, 200_000), 6, &c),
            "Pod Juliet took in USD 9,000.00 and paid out USD 2,000.00 over 6 periods: +USD 7,000.00 net"
        );
        assert_eq!(
            statement_title("Northwind", (10_000, 50_000), 1, &c),
            "Northwind took in USD 100.00 and paid out USD 500.00 over 1 period: -USD 400.00 net"
        );
        assert_eq!(
            statement_title("Pod Kilo", (0, 0), 6, &c),
            "No money came in or went out for Pod Kilo over 6 periods"
        );
        assert_eq!(
            statement_title("Pod Juliet", (56_788_478, 0), 6, &c),
            "Pod Juliet took in USD 567,884.78 over 6 periods and paid out nothing"
        );
    }

    #[test]
    fn the_market_title_says_which_way_it_went() {
        let c = Currency::usd();
        assert_eq!(
            market_title("Pod Juliet", (300_000, 100_000), &c),
            "In the market Pod Juliet earned more than it paid: USD 3,000.00 against USD 1,000.00, +USD 2,000.00 net"
        );
        assert_eq!(
            market_title("Northwind", (100_000, 300_000), &c),
            "In the market Northwind paid more than it earned: USD 3,000.00 against USD 1,000.00, -USD 2,000.00 net"
        );
        assert_eq!(
            market_title("Pod Kilo", (0, 120_000), &c),
            "In the market Pod Kilo paid USD 1,200.00 and earned nothing"
        );
        assert_eq!(
            market_title("Pod Juliet", (2_540_000, 0), &c),
            "In the market Pod Juliet earned USD 25,400.00 and paid nothing"
        );
    }
}
