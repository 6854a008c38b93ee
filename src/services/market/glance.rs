//! The market at a glance, as the committee and executives read it: the money that flowed
//! between teams in each of the last billing periods, each service's revenue and how much more
//! work is asked of it than it can serve, and the teams nearest their overdraft limit. Read
//! only; the books it reads are every team's, so only those who read every team's books may.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::catalogue::listings;
use super::current_period;
use crate::db::DbConnection;
use crate::db::ledger::Account;
use crate::db::market::services::Service;
use crate::db::schema::ledger_entries;
use crate::db::teams::Team;
use crate::domain::{AccountKind, Actor, BillingPeriod, EntryKind};
use crate::error::AppError;

/// What one team paid another in a period, for subscriptions and delivered requests together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamFlow {
    pub payer_team_id: i64,
    pub payee_team_id: i64,
    pub amount: i64,
}

/// The flows of one billing period, largest first.
#[derive(Debug, Clone)]
pub struct PeriodFlows {
    pub period: BillingPeriod,
    pub flows: Vec<TeamFlow>,
}

/// A service's revenue over the glance's periods and its demand this period.
#[derive(Debug, Clone)]
pub struct ServiceStanding {
    pub service: Service,
    pub revenue: i64,
    pub subscribers: usize,
    /// Request units per period; `None`: no limit.
    pub capacity: Option<i64>,
    /// Units delivered this period plus those accepted and waiting to be served.
    pub demand: i64,
    pub waiting_units: i64,
}

impl ServiceStanding {
    /// Demand as a share of capacity (1.0 is exactly full); none without a capacity.
    pub fn load(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)] // units stay far below 2^52
        self.capacity
            .filter(|c| *c > 0)
            .map(|c| self.demand as f64 / c as f64)
    }
}

/// A team's room under its overdraft limit.
#[derive(Debug, Clone)]
pub struct LimitStanding {
    pub team_id: i64,
    pub balance: i64,
    pub on_hold: i64,
    pub overdraft_limit: i64,
    /// What the next movement out may take: balance plus limit.
    pub available: i64,
}

/// The whole glance.
#[derive(Debug, Clone)]
pub struct Glance {
    /// Oldest first, ending with the current period.
    pub periods: Vec<PeriodFlows>,
    /// Highest revenue first.
    pub services: Vec<ServiceStanding>,
    /// Teams below zero or within a tenth of their limit, least room first.
    pub limits: Vec<LimitStanding>,
    pub team_names: BTreeMap<i64, String>,
}

/// The market over the current period and the `earlier` ones before it.
pub fn glance(
    conn: &mut DbConnection,
    actor: &Actor,
    earlier: usize,
    now: DateTime<Utc>,
) -> Result<Glance, AppError> {
    if !actor.can_oversee() {
        return Err(AppError::forbidden(
            "the market's flows between teams are read by the committee and executives",
        ));
    }
    let current = current_period(conn, now)?;
    let mut first = current;
    for _ in 0..earlier {
        first = first.previous();
    }
    let accounts = Account::list(conn)?;
    let owners: BTreeMap<i64, i64> = accounts
        .iter()
        .filter_map(|a| Some((a.id, a.team_id?)))
        .collect();
    let mut periods = Vec::with_capacity(earlier + 1);
    let mut period = first;
    while period.start() <= current.start() {
        periods.push(PeriodFlows {
            period,
            flows: flows_in(conn, &owners, period)?,
        });
        period = period.next();
    }
    let revenue = revenue_by_service(conn, first.start(), current.end())?;
    let mut services: Vec<ServiceStanding> = listings(conn, None, now)?
        .into_iter()
        .map(|l| ServiceStanding {
            revenue: revenue.get(&l.service.id).copied().unwrap_or(0),
            subscribers: l.subscribers,
            capacity: l.queue.capacity,
            demand: l.queue.delivered + l.queue.scheduled_units() + l.queue.waiting_units(),
            waiting_units: l.queue.waiting_units(),
            service: l.service,
        })
        .collect();
    services.sort_by(|a, b| {
        b.revenue
            .cmp(&a.revenue)
            .then(a.service.id.cmp(&b.service.id))
    });
    let teams = Team::list(conn, None)?;
    // Every balance in one grouped read: a portfolio page must not read the ledger per team.
    let balances = Account::balances(conn)?;
    let mut limits = Vec::new();
    for (team_id, own, hold) in team_account_pairs(&accounts) {
        let balance = balances.get(&own.id).copied().unwrap_or(0);
        let available = balance + own.overdraft_limit;
        let close = available.saturating_mul(10) <= own.overdraft_limit;
        if balance < 0 || (own.overdraft_limit > 0 && close) {
            limits.push(LimitStanding {
                team_id,
                balance,
                on_hold: hold.map_or(0, |h| balances.get(&h.id).copied().unwrap_or(0)),
                overdraft_limit: own.overdraft_limit,
                available,
            });
        }
    }
    limits.sort_by_key(|l| (l.available, l.team_id));
    Ok(Glance {
        periods,
        services,
        limits,
        team_names: teams.into_iter().map(|t| (t.id, t.name)).collect(),
    })
}

/// Each team's own account and its hold account.
fn team_account_pairs(accounts: &[Account]) -> Vec<(i64, &Account, Option<&Account>)> {
    let holds: BTreeMap<i64, &Account> = accounts
        .iter()
        .filter(|a| a.kind == AccountKind::Hold)
        .filter_map(|a| Some((a.team_id?, a)))
        .collect();
    accounts
        .iter()
        .filter(|a| a.kind == AccountKind::Team)
        .filter_map(|own| {
            let team = own.team_id?;
            Some((team, own, holds.get(&team).copied()))
        })
        .collect()
}

/// Team-to-team payments in a period: charges (subscriber to provider) and payments (the
/// requester's hold account to the provider), summed by the teams that own the accounts.
fn flows_in(
    conn: &mut DbConnection,
    owners: &BTreeMap<i64, i64>,
    period: BillingPeriod,
) -> Result<Vec<TeamFlow>, AppError> {
    let rows = ledger_entries::table
        .filter(ledger_entries::created_at.ge(period.start().naive_utc()))
        .filter(ledger_entries::created_at.lt(period.end().naive_utc()))
        .filter(ledger_entries::kind.eq_any([EntryKind::Charge, EntryKind::Payment]))
        .group_by((ledger_entries::from_account, ledger_entries::to_account))
        .select((
            ledger_entries::from_account,
            ledger_entries::to_account,
            sql::<BigInt>("CAST(SUM(amount) AS BIGINT)"),
        ))
        .load::<(i64, i64, i64)>(conn)?;
    let mut by_teams: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for (from, to, amount) in rows {
        if let (Some(payer), Some(payee)) = (owners.get(&from), owners.get(&to)) {
            *by_teams.entry((*payer, *payee)).or_default() += amount;
        }
    }
    let mut flows: Vec<TeamFlow> = by_teams
        .into_iter()
        .map(|((payer_team_id, payee_team_id), amount)| TeamFlow {
            payer_team_id,
            payee_team_id,
            amount,
        })
        .collect();
    flows.sort_by_key(|f| std::cmp::Reverse(f.amount));
    Ok(flows)
}

/// What each service earned its provider in `[from, to)`.
fn revenue_by_service(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<BTreeMap<i64, i64>, AppError> {
    let rows = ledger_entries::table
        .filter(ledger_entries::created_at.ge(from.naive_utc()))
        .filter(ledger_entries::created_at.lt(to.naive_utc()))
        .filter(ledger_entries::kind.eq_any([EntryKind::Charge, EntryKind::Payment]))
        .filter(ledger_entries::service_id.is_not_null())
        .group_by(ledger_entries::service_id)
        .select((
            ledger_entries::service_id,
            sql::<BigInt>("CAST(SUM(amount) AS BIGINT)"),
        ))
        .load::<(Option<i64>, i64)>(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(service, amount)| Some((service?, amount)))
        .collect())
}
