//! The market on a team's page: its account (balance, on hold, overdraft limit), its statement
//! over the last six billing periods (charts of what came in and went out, drawn in `charts`,
//! and a table that chains each period's opening to its closing), the charges it could not pay or was not paid,
//! and its subscriptions and requests on both sides with the viewer's actions. The books are
//! shown to those who read them (the team, the committee, execs); the orders to every reader
//! of the team.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

mod charts;

use self::charts::{market_chart, statement_chart};
use super::orders::{Names, RequestRow, SubscriptionRow, request_row, subscription_row};
use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::market::billing::BillingRun;
use crate::db::market::plans::RequestType;
use crate::db::market::requests::{Request, RequestFilter};
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::domain::{Actor, BillingPeriod, Currency, RequestStatus};
use crate::error::AppError;
use crate::services::market::accounts::{TeamAccount, team_account};
use crate::services::market::current_period;
use crate::services::market::names::Names as MarketNames;
use crate::services::market::queue::{Queue, queue_of};
use crate::services::market::statement::{Statement, statement};

/// How many billing periods the statement shows, the current one included.
const PERIODS: usize = 6;

pub struct AccountView {
    pub balance: String,
    pub on_hold: String,
    pub limit: String,
    pub limit_plain: String,
    pub available: String,
    pub overdrawn: bool,
}

pub struct PeriodRow {
    pub period: String,
    pub opening: String,
    pub inflow: String,
    pub outflow: String,
    pub closing: String,
}

pub struct UnpaidRow {
    pub service: String,
    pub period: String,
    pub owed_by: String,
    pub owed_to: String,
    pub amount: String,
    pub shortfall: String,
}

pub struct StatementView {
    pub chart: String,
    /// The market's flows alone, when there are any: beside the grants they are often too
    /// small to see.
    pub market_chart: Option<String>,
    pub periods: Vec<PeriodRow>,
    pub unpaid: Vec<UnpaidRow>,
    pub reconciles: bool,
    pub from: String,
}

/// Everything the team page shows of the market.
pub struct TeamMarket {
    pub account: Option<AccountView>,
    pub statement: Option<StatementView>,
    pub pays: Vec<SubscriptionRow>,
    pub serves: Vec<SubscriptionRow>,
    pub requests: Vec<RequestRow>,
    pub closed_requests: Vec<RequestRow>,
    pub may_set_limit: bool,
}

/// What was read, before it is formatted.
pub struct Loaded {
    team_id: i64,
    account: Option<TeamAccount>,
    statement: Option<Statement>,
    subscriptions: Vec<Subscription>,
    requests: Vec<Request>,
    queues: BTreeMap<i64, Queue>,
    names: Names,
    /// Each billing run's period, by run id.
    runs: BTreeMap<i64, String>,
}

/// Reads the team's market; its books only if `actor` reads them.
pub fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: i64,
    now: DateTime<Utc>,
) -> Result<Loaded, AppError> {
    let books = actor.reads_books_of(team_id);
    let statement = if books {
        let current = current_period(conn, now)?;
        let mut first = current;
        for _ in 1..PERIODS {
            first = first.previous();
        }
        Some(statement(
            conn,
            actor,
            team_id,
            first.start(),
            current.end(),
        )?)
    } else {
        None
    };
    let subscriptions = Subscription::list(
        conn,
        &SubscriptionFilter {
            party: Some(team_id),
            ..SubscriptionFilter::default()
        },
    )?;
    let requests = Request::list(
        conn,
        &RequestFilter {
            party: Some(team_id),
            ..RequestFilter::default()
        },
    )?;
    let mut queues = BTreeMap::new();
    for r in requests
        .iter()
        .filter(|r| r.status == RequestStatus::Accepted)
    {
        if let std::collections::btree_map::Entry::Vacant(e) = queues.entry(r.service_id) {
            e.insert(queue_of(conn, r.service_id, now)?);
        }
    }
    let mut type_ids: Vec<i64> = requests.iter().map(|r| r.request_type_id).collect();
    type_ids.sort_unstable();
    type_ids.dedup();
    // Only the bets the rows name: a portfolio may hold thousands.
    let mut bet_ids: Vec<i64> = subscriptions
        .iter()
        .filter_map(|s| s.bet_id)
        .chain(requests.iter().filter_map(|r| r.bet_id))
        .collect();
    bet_ids.sort_unstable();
    bet_ids.dedup();
    let names = Names {
        market: MarketNames::load(conn)?,
        bets: Bet::find_many(conn, &bet_ids)?
            .into_iter()
            .map(|b| (b.id, b.title))
            .collect(),
        types: RequestType::by_ids(conn, &type_ids)?,
    };
    Ok(Loaded {
        team_id,
        account: if books {
            Some(team_account(conn, team_id)?)
        } else {
            None
        },
        statement,
        subscriptions,
        requests,
        queues,
        names,
        runs: BillingRun::list(conn)?
            .into_iter()
            .map(|r| {
                let period =
                    BillingPeriod::spanning(r.period_start.and_utc(), r.period_end.and_utc());
                (r.id, period.map_or_else(String::new, BillingPeriod::label))
            })
            .collect(),
    })
}

pub fn build(
    loaded: &Loaded,
    team_name: &str,
    viewer: &Actor,
    c: &Currency,
    now: DateTime<Utc>,
) -> TeamMarket {
    let team = loaded.team_id;
    let names = &loaded.names;
    let (pays, serves): (Vec<_>, Vec<_>) = loaded
        .subscriptions
        .iter()
        .map(|s| {
            (
                s.team_id == team,
                subscription_row(s, team, names, viewer, now),
            )
        })
        .partition(|(own, _)| *own);
    let (closed, open): (Vec<RequestRow>, Vec<RequestRow>) = loaded
        .requests
        .iter()
        .rev()
        .map(|r| request_row(r, team, (names, &loaded.queues), (viewer, c), now))
        .partition(|r| r.closed);
    TeamMarket {
        account: loaded.account.as_ref().map(|a| AccountView {
            balance: c.format(a.balance),
            on_hold: c.format(a.on_hold),
            limit: c.format(a.overdraft_limit),
            limit_plain: c.format_amount(a.overdraft_limit),
            available: c.format(a.available),
            overdrawn: a.balance < 0,
        }),
        statement: loaded
            .statement
            .as_ref()
            .map(|s| statement_view(s, team_name, (names, &loaded.runs), c)),
        pays: pays.into_iter().map(|p| p.1).collect(),
        serves: serves.into_iter().map(|p| p.1).collect(),
        requests: open,
        closed_requests: closed,
        may_set_limit: viewer.is_committee(),
    }
}

fn statement_view(
    s: &Statement,
    team: &str,
    (names, runs): (&Names, &BTreeMap<i64, String>),
    c: &Currency,
) -> StatementView {
    let mut balance = s.opening.total;
    let periods = s
        .periods
        .iter()
        .map(|p| {
            let opening = balance;
            balance += p.flows.total_in - p.flows.total_out;
            PeriodRow {
                period: p.period.clone(),
                opening: c.format_amount(opening),
                inflow: c.format_amount(p.flows.total_in),
                outflow: c.format_amount(p.flows.total_out),
                closing: c.format_amount(balance),
            }
        })
        .collect();
    StatementView {
        chart: statement_chart(s, team, c),
        market_chart: market_chart(s, team, c),
        periods,
        unpaid: s
            .unpaid
            .iter()
            .map(|u| UnpaidRow {
                service: names.service(u.service_id),
                period: runs.get(&u.billing_run_id).cloned().unwrap_or_default(),
                owed_by: names.team(u.team_id),
                owed_to: names.team(u.provider_team_id),
                amount: c.format_amount(u.amount),
                shortfall: c.format_amount(u.shortfall),
            })
            .collect(),
        reconciles: s.reconciles,
        from: crate::web::format::date(s.from),
    }
}
