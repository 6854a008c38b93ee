//! A team's statement: its P&L for a range of time. A team's money is its own account plus its
//! hold account; grants and revenue come in, subscription and request costs go out, and holds
//! only move money between the two. So for every range
//! `opening.total + total_in - total_out = closing.total`, and the statement says whether it
//! does (it always should: the figures are summed independently of the balances).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;
use utoipa::ToSchema;

use super::accounts::accounts_of;
use super::{period_length, require_books};
use crate::db::DbConnection;
use crate::db::ledger::Account;
use crate::db::market::billing::UnpaidCharge;
use crate::db::schema::ledger_entries;
use crate::db::teams::Team;
use crate::domain::{Actor, BillingPeriod, EntryKind};
use crate::error::AppError;

/// A team's money at an instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Balances {
    /// On its own account.
    pub available: i64,
    /// On its hold account.
    pub on_hold: i64,
    pub total: i64,
}

/// What moved in a range, by what moved it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Flows {
    pub grants: i64,
    pub subscription_revenue: i64,
    pub request_revenue: i64,
    pub subscription_costs: i64,
    pub request_costs: i64,
    /// Moved from the team's account to its hold account (not a cost: still the team's).
    pub holds_placed: i64,
    /// Moved back from the hold account.
    pub holds_released: i64,
    pub total_in: i64,
    pub total_out: i64,
}

/// A bet's share: what it was granted, and what the team spent for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct BetLine {
    pub bet_id: i64,
    pub grants: i64,
    pub subscription_costs: i64,
    pub request_costs: i64,
}

/// A service's share: the team's revenue from it (as its provider) or its costs for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServiceLine {
    pub service_id: i64,
    pub revenue: i64,
    pub costs: i64,
}

/// One billing period of the range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodLine {
    pub period: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub flows: Flows,
}

/// A charge a billing run could not make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnpaidLine {
    pub billing_run_id: i64,
    pub subscription_id: i64,
    pub service_id: i64,
    /// The subscriber, who did not pay.
    pub team_id: i64,
    /// The provider, who was not paid.
    pub provider_team_id: i64,
    pub bet_id: Option<i64>,
    pub amount: i64,
    pub shortfall: i64,
}

impl From<UnpaidCharge> for UnpaidLine {
    fn from(u: UnpaidCharge) -> Self {
        Self {
            billing_run_id: u.billing_run_id,
            subscription_id: u.subscription_id,
            service_id: u.service_id,
            team_id: u.team_id,
            provider_team_id: u.provider_team_id,
            bet_id: u.bet_id,
            amount: u.amount,
            shortfall: u.shortfall,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Statement {
    pub team_id: i64,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub opening: Balances,
    pub flows: Flows,
    pub closing: Balances,
    /// `opening.total + flows.total_in - flows.total_out == closing.total`.
    pub reconciles: bool,
    pub by_bet: Vec<BetLine>,
    pub by_service: Vec<ServiceLine>,
    pub periods: Vec<PeriodLine>,
    /// Charges of billing runs in the range that were not paid, owed by or to the team.
    pub unpaid: Vec<UnpaidLine>,
}

/// One group of entries: what moved, between which accounts, for which service and bet.
struct Group {
    kind: EntryKind,
    from_account: i64,
    to_account: i64,
    service_id: Option<i64>,
    bet_id: Option<i64>,
    amount: i64,
}

/// The entries into or out of `accounts` in `[from, to)`, summed by kind, accounts, service
/// and bet: two index range scans, whatever the number of entries.
fn groups(
    conn: &mut DbConnection,
    accounts: [i64; 2],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<Group>, AppError> {
    // The same grouped sum, once over what came in and once over what went out.
    macro_rules! grouped {
        ($side:expr) => {
            ledger_entries::table
                .filter(ledger_entries::created_at.ge(from))
                .filter(ledger_entries::created_at.lt(to))
                .filter($side.eq_any(accounts))
                .group_by((
                    ledger_entries::kind,
                    ledger_entries::from_account,
                    ledger_entries::to_account,
                    ledger_entries::service_id,
                    ledger_entries::bet_id,
                ))
                .select((
                    ledger_entries::kind,
                    ledger_entries::from_account,
                    ledger_entries::to_account,
                    ledger_entries::service_id,
                    ledger_entries::bet_id,
                    sql::<BigInt>("CAST(SUM(amount) AS BIGINT)"),
                ))
                .load::<(EntryKind, i64, i64, Option<i64>, Option<i64>, i64)>(conn)?
        };
    }
    let incoming = grouped!(ledger_entries::to_account);
    // An entry between the team's own two accounts is in both: keep it once.
    let outgoing = grouped!(ledger_entries::from_account)
        .into_iter()
        .filter(|r| !accounts.contains(&r.2));
    let out = incoming
        .into_iter()
        .chain(outgoing)
        .map(
            |(kind, from_account, to_account, service_id, bet_id, amount)| Group {
                kind,
                from_account,
                to_account,
                service_id,
                bet_id,
                amount,
            },
        )
        .collect();
    Ok(out)
}

/// Sorts the groups into flows and the bet and service lines.
struct Tally {
    own: i64,
    hold: i64,
    flows: Flows,
    bets: BTreeMap<i64, BetLine>,
    services: BTreeMap<i64, ServiceLine>,
}

impl Tally {
    fn new(own: i64, hold: i64) -> Self {
        Self {
            own,
            hold,
            flows: Flows::default(),
            bets: BTreeMap::new(),
            services: BTreeMap::new(),
        }
    }

    fn add(&mut self, g: &Group) {
        let mine = |a: i64| a == self.own || a == self.hold;
        let (into, out_of) = (mine(g.to_account), mine(g.from_account));
        let f = &mut self.flows;
        match (g.kind, into, out_of) {
            (EntryKind::Hold, true, true) => f.holds_placed += g.amount,
            (EntryKind::Release, true, true) => f.holds_released += g.amount,
            (EntryKind::Grant, true, false) => {
                f.grants += g.amount;
                if let Some(bet) = g.bet_id {
                    self.bets.entry(bet).or_insert_with(|| bet_line(bet)).grants += g.amount;
                }
            }
            (EntryKind::Charge | EntryKind::Payment, true, false) => {
                if g.kind == EntryKind::Charge {
                    f.subscription_revenue += g.amount;
                } else {
                    f.request_revenue += g.amount;
                }
                if let Some(service) = g.service_id {
                    self.service(service).revenue += g.amount;
                }
            }
            (EntryKind::Charge | EntryKind::Payment, false, true) => {
                let charge = g.kind == EntryKind::Charge;
                if charge {
                    f.subscription_costs += g.amount;
                } else {
                    f.request_costs += g.amount;
                }
                if let Some(service) = g.service_id {
                    self.service(service).costs += g.amount;
                }
                if let Some(bet) = g.bet_id {
                    let line = self.bets.entry(bet).or_insert_with(|| bet_line(bet));
                    if charge {
                        line.subscription_costs += g.amount;
                    } else {
                        line.request_costs += g.amount;
                    }
                }
            }
            // Anything else that crosses the team's boundary still counts, so the statement
            // reconciles even with a movement no line names.
            (_, true, false) => f.total_in += g.amount,
            (_, false, true) => f.total_out += g.amount,
            _ => {}
        }
    }

    fn service(&mut self, id: i64) -> &mut ServiceLine {
        self.services.entry(id).or_insert_with(|| ServiceLine {
            service_id: id,
            ..ServiceLine::default()
        })
    }

    fn finish(mut self) -> (Flows, Vec<BetLine>, Vec<ServiceLine>) {
        let f = &mut self.flows;
        f.total_in += f.grants + f.subscription_revenue + f.request_revenue;
        f.total_out += f.subscription_costs + f.request_costs;
        (
            self.flows,
            self.bets.into_values().collect(),
            self.services.into_values().collect(),
        )
    }
}

fn bet_line(bet_id: i64) -> BetLine {
    BetLine {
        bet_id,
        ..BetLine::default()
    }
}

fn balances_at(
    conn: &mut DbConnection,
    own: i64,
    hold: i64,
    at: NaiveDateTime,
) -> Result<Balances, AppError> {
    let available = Account::balance_before(conn, own, Some(at))?;
    let on_hold = Account::balance_before(conn, hold, Some(at))?;
    Ok(Balances {
        available,
        on_hold,
        total: available + on_hold,
    })
}

/// The statement of `team_id` for `[from, to)`.
pub fn statement(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Statement, AppError> {
    require_books(actor, team_id)?;
    if to <= from {
        return Err(AppError::invalid("to", "must be after from"));
    }
    Team::find(conn, team_id)?.ok_or_else(|| AppError::not_found("team"))?;
    let (own, hold) = accounts_of(conn, team_id)?;
    let (start, end) = (from.naive_utc(), to.naive_utc());
    let mut tally = Tally::new(own.id, hold.id);
    let length = period_length(conn)?;
    let mut periods = Vec::new();
    let mut period = BillingPeriod::containing(from, length);
    // One pass per billing period of the range, clipped to it; the whole is their sum.
    while period.start() < to {
        let (a, b) = (period.start().max(from), period.end().min(to));
        let mut part = Tally::new(own.id, hold.id);
        for g in groups(conn, [own.id, hold.id], a.naive_utc(), b.naive_utc())? {
            part.add(&g);
            tally.add(&g);
        }
        periods.push(PeriodLine {
            period: period.label(),
            start: a,
            end: b,
            flows: part.finish().0,
        });
        period = period.next();
    }
    let (flows, by_bet, by_service) = tally.finish();
    let opening = balances_at(conn, own.id, hold.id, start)?;
    let closing = balances_at(conn, own.id, hold.id, end)?;
    Ok(Statement {
        team_id,
        from,
        to,
        reconciles: opening.total + flows.total_in - flows.total_out == closing.total,
        opening,
        flows,
        closing,
        by_bet,
        by_service,
        periods,
        unpaid: UnpaidCharge::of_team(conn, team_id, start, end)?
            .into_iter()
            .map(UnpaidLine::from)
            .collect(),
    })
}
