//! The market at a glance on the portfolio page, for the committee and executives: who paid
//! whom in each of the last three billing periods (a matrix, payers down, providers across),
//! the services by revenue and by how much more is asked of them than they can serve, and the
//! teams nearest or past their overdraft limit.

use crate::db::DbConnection;
use crate::domain::{Actor, Currency, approx};
use crate::error::AppError;
use crate::services::market::glance::{Glance, PeriodFlows, glance};
use crate::web::charts::{self, Bar, Bars};
use crate::web::format;
use crate::web::view::{Chip, chip};

/// The periods before the current one that the glance shows.
const EARLIER_PERIODS: usize = 2;

pub struct Matrix {
    pub period: String,
    /// The period's total with its currency, for the summary line.
    pub headline: String,
    pub payees: Vec<String>,
    /// One row per payer: its name, a cell per payee ("" where nothing moved), its total.
    pub rows: Vec<(String, Vec<String>, String)>,
    pub column_totals: Vec<String>,
    pub total: String,
}

pub struct LoadRow {
    pub service: String,
    pub capacity: String,
    pub demand: String,
    pub load: String,
    pub waiting: String,
    pub over: bool,
}

pub struct LimitRow {
    pub team_id: i64,
    pub team: String,
    pub balance: String,
    pub limit: String,
    pub available: String,
    pub state: Chip,
}

pub struct MarketGlance {
    pub matrices: Vec<Matrix>,
    pub revenue_chart: Option<String>,
    pub loads: Vec<LoadRow>,
    pub limits: Vec<LimitRow>,
}

/// The glance for those who read every team's books; none for anyone else.
pub fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Glance>, AppError> {
    if actor.can_oversee() {
        glance(conn, actor, EARLIER_PERIODS, now).map(Some)
    } else {
        Ok(None)
    }
}

pub fn view(g: &Glance, c: &Currency) -> MarketGlance {
    let name = |id: i64| g.team_names.get(&id).cloned().unwrap_or_default();
    let revenue: Vec<Bar> = g
        .services
        .iter()
        .filter(|s| s.revenue > 0)
        .map(|s| Bar {
            label: s.service.name.clone(),
            value: s.revenue,
            note: None,
        })
        .collect();
    let first = g
        .periods
        .first()
        .map(|p| p.period.label())
        .unwrap_or_default();
    MarketGlance {
        matrices: g
            .periods
            .iter()
            .rev()
            .filter(|p| !p.flows.is_empty())
            .map(|p| matrix(p, &name, c))
            .collect(),
        revenue_chart: revenue.first().map(|top| {
            let total: i64 = revenue.iter().map(|b| b.value).sum();
            charts::bars(&Bars {
                title: &revenue_title((&top.label, top.value), (total, revenue.len()), &first, c),
                bars: &revenue,
                currency: c.code(),
                exponent: c.exponent(),
            })
        }),
        loads: g
            .services
            .iter()
            .filter_map(|s| {
                let load = s.load()?;
                Some(LoadRow {
                    service: s.service.name.clone(),
                    capacity: s.capacity.map_or_else(String::new, |c| c.to_string()),
                    demand: s.demand.to_string(),
                    // Not format::percent, which stops at 100%: past capacity is the point.
                    load: format!("{:.0}%", load * 100.0),
                    waiting: s.waiting_units.to_string(),
                    over: s.waiting_units > 0,
                })
            })
            .collect(),
        limits: g
            .limits
            .iter()
            .map(|l| LimitRow {
                team_id: l.team_id,
                team: name(l.team_id),
                balance: c.format_amount(l.balance),
                limit: c.format_amount(l.overdraft_limit),
                available: c.format_amount(l.available),
                state: chip(if l.available < 0 {
                    "past limit"
                } else if l.available == 0 {
                    "at limit"
                } else if l.balance < 0 {
                    "overdrawn"
                } else {
                    "near limit"
                }),
            })
            .collect(),
    }
}

/// The finding of the revenue chart: which service earned the most, and what share of the
/// market's revenue that is ("Design review earned the most since 2026-07: USD 3,600.00, 60%
/// of the USD 6,000.00 that 3 services earned"), or that only one service earned anything.
fn revenue_title(
    (top, earned): (&str, i64),
    (total, services): (i64, usize),
    since: &str,
    c: &Currency,
) -> String {
    if services <= 1 {
        return format!(
            "{top} is the only service that earned since {since}: {}",
            c.format(earned)
        );
    }
    format!(
        "{top} earned the most since {since}: {}, {} of the {} that {} earned",
        c.format(earned),
        format::percent(approx::share(earned, total)),
        c.format(total),
        format::count(services, "service", "services")
    )
}

fn matrix(p: &PeriodFlows, name: &dyn Fn(i64) -> String, c: &Currency) -> Matrix {
    let mut payers: Vec<i64> = p.flows.iter().map(|f| f.payer_team_id).collect();
    let mut payees: Vec<i64> = p.flows.iter().map(|f| f.payee_team_id).collect();
    for ids in [&mut payers, &mut payees] {
        ids.sort_unstable();
        ids.dedup();
    }
    let cell = |payer: i64, payee: i64| {
        p.flows
            .iter()
            .find(|f| f.payer_team_id == payer && f.payee_team_id == payee)
            .map_or(0, |f| f.amount)
    };
    let rows = payers
        .iter()
        .map(|&payer| {
            let cells: Vec<i64> = payees.iter().map(|&payee| cell(payer, payee)).collect();
            let total: i64 = cells.iter().sum();
            (
                name(payer),
                cells
                    .into_iter()
                    .map(|v| {
                        if v == 0 {
                            String::new()
                        } else {
                            c.format_amount(v)
                        }
                    })
                    .collect(),
                c.format_amount(total),
            )
        })
        .collect();
    Matrix {
        period: p.period.label(),
        headline: c.format(p.flows.iter().map(|f| f.amount).sum()),
        column_totals: payees
            .iter()
            .map(|&payee| c.format_amount(payers.iter().map(|&payer| cell(payer, payee)).sum()))
            .collect(),
        payees: payees.iter().map(|&id| name(id)).collect(),
        rows,
        total: c.format_amount(p.flows.iter().map(|f| f.amount).sum()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_revenue_title_names_the_top_earner_and_its_share() {
        let c = Currency::usd();
        assert_eq!(
            revenue_title(("Design review", 360_000), (600_000, 3), "2026-07", &c),
            "Design review earned the most since 2026-07: USD 3,600.00, 60% of the USD \
             6,000.00 that 3 services earned"
        );
        assert_eq!(
            revenue_title(("Kestrel QA", 50_000), (50_000, 1), "2026-11", &c),
            "Kestrel QA is the only service that earned since 2026-11: USD 500.00"
        );
        assert_eq!(
            revenue_title(("Ledger API", 300), (400, 2), "2026-09", &c),
            "Ledger API earned the most since 2026-09: USD 3.00, 75% of the USD 4.00 that 2 \
             services earned"
        );
    }
}
