//! Billing runs: for one period, every active subscription is charged once, in ascending
//! subscription id, each if its subscriber can pay it at that point of the run (what earlier
//! charges took from it and paid into it counts). Like a round, a run is a draft that is
//! previewed as often as wanted and committed once, in one transaction; a charge the
//! subscriber cannot pay is not made and stays on record as unpaid.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::catalogue::MAX_UNITS;
use crate::db::ledger::{Account, Entry, NewEntry};
use crate::db::market::billing::{BillingRun, CommittedRun, NewBillingRun, UnpaidCharge};
use crate::db::market::plans::Plan;
use crate::db::market::services::Service;
use crate::db::market::subscriptions::Subscription;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{
    AccountKind, Actor, BillingPeriod, BillingRunStatus, EntryKind, MAX_MINOR_UNITS,
};
use crate::error::AppError;
use crate::services::audit;

/// One subscription's charge in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Charge {
    pub subscription_id: i64,
    pub service_id: i64,
    /// The subscriber, who pays.
    pub team_id: i64,
    pub provider_team_id: i64,
    pub bet_id: Option<i64>,
    /// Units charged: the subscription's quantity for a per-unit plan, else 1.
    pub units: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub paid: bool,
    /// How much the subscriber lacked at that point, for an unpaid charge; else 0.
    pub shortfall: i64,
}

/// What a run charges, or charged.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Billing {
    pub period: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub charges: Vec<Charge>,
    /// The sum of the paid charges.
    pub charged: i64,
    /// The sum of the charges that could not be paid.
    pub unpaid: i64,
}

/// What a run needs to know about the money, fixed before it starts.
pub struct Books {
    /// Per team: the balance of its own account plus its overdraft limit.
    pub available: BTreeMap<i64, i64>,
}

/// Charges the subscriptions in ascending id against the books; pure.
pub fn charge_all(
    period: BillingPeriod,
    subscriptions: &[Subscription],
    plans: &BTreeMap<i64, Plan>,
    services: &BTreeMap<i64, Service>,
    books: &Books,
) -> Billing {
    let mut available = books.available.clone();
    let mut charges = Vec::with_capacity(subscriptions.len());
    let mut order: Vec<&Subscription> = subscriptions.iter().collect();
    order.sort_by_key(|s| s.id);
    for s in order {
        let (Some(plan), Some(service)) = (plans.get(&s.service_id), services.get(&s.service_id))
        else {
            continue;
        };
        let units = if plan.quantity_unit.is_some() {
            s.quantity.min(MAX_UNITS)
        } else {
            1
        };
        // Both factors are at most 10^15 and 10^9: the product fits in i128, and a charge
        // above the largest amount is refused as unpayable rather than wrapped.
        let amount = i128::from(plan.price) * i128::from(units);
        let amount = i64::try_from(amount)
            .unwrap_or(i64::MAX)
            .min(MAX_MINOR_UNITS + 1);
        let left = available.get(&s.team_id).copied().unwrap_or(0);
        let paid = amount <= left && amount <= MAX_MINOR_UNITS;
        if paid && amount > 0 {
            *available.entry(s.team_id).or_insert(0) -= amount;
            *available.entry(service.provider_team_id).or_insert(0) += amount;
        }
        charges.push(Charge {
            subscription_id: s.id,
            service_id: s.service_id,
            team_id: s.team_id,
            provider_team_id: service.provider_team_id,
            bet_id: s.bet_id,
            units,
            unit_price: plan.price,
            amount,
            paid,
            shortfall: if paid { 0 } else { (amount - left).max(1) },
        });
    }
    let sum = |paid: bool| {
        charges
            .iter()
            .filter(|c| c.paid == paid)
            .map(|c| c.amount)
            .sum()
    };
    Billing {
        period: period.label(),
        period_start: period.start(),
        period_end: period.end(),
        charged: sum(true),
        unpaid: sum(false),
        charges,
    }
}

/// The period of a run as stored (the portfolio's period length may have changed since).
fn period_of(run: &BillingRun) -> Result<BillingPeriod, AppError> {
    BillingPeriod::spanning(run.period_start.and_utc(), run.period_end.and_utc())
        .ok_or_else(|| AppError::internal(&format!("billing run {} has no whole period", run.id)))
}

/// Reads what a run of `period` charges, against the books as they stand.
fn evaluate(
    conn: &mut DbConnection,
    period: BillingPeriod,
) -> Result<(Billing, TeamAccounts), AppError> {
    let start = period.start().naive_utc();
    let subscriptions = Subscription::billable(conn, start)?;
    let plans: BTreeMap<i64, Plan> = Plan::in_force(conn, start)?
        .into_iter()
        .map(|p| (p.service_id, p))
        .collect();
    let services: BTreeMap<i64, Service> = Service::list(conn, None)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let accounts = team_accounts(conn)?;
    let balances = Account::balances(conn)?;
    let available = accounts
        .iter()
        .map(|(team, a)| {
            (
                *team,
                balances.get(&a.id).copied().unwrap_or(0) + a.overdraft_limit,
            )
        })
        .collect();
    let billing = charge_all(
        period,
        &subscriptions,
        &plans,
        &services,
        &Books { available },
    );
    Ok((billing, accounts))
}

type TeamAccounts = BTreeMap<i64, Account>;

/// Every team's own account, by team.
fn team_accounts(conn: &mut DbConnection) -> Result<TeamAccounts, AppError> {
    Ok(Account::list(conn)?
        .into_iter()
        .filter(|a| a.kind == AccountKind::Team)
        .filter_map(|a| Some((a.team_id?, a)))
        .collect())
}

fn require_committee(actor: &Actor) -> Result<(), AppError> {
    if actor.is_committee() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the portfolio committee runs billing",
        ))
    }
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<BillingRun, AppError> {
    BillingRun::find(conn, id)?.ok_or_else(|| AppError::not_found("billing run"))
}

/// Opens a draft for a period; one run per period, and no two runs' periods overlap.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    period: BillingPeriod,
    now: DateTime<Utc>,
) -> Result<BillingRun, AppError> {
    require_committee(actor)?;
    write_transaction(conn, |conn| {
        let (start, end) = (period.start().naive_utc(), period.end().naive_utc());
        if let Some(other) = BillingRun::overlapping(conn, start, end)? {
            return Err(AppError::conflict(
                if other.status == BillingRunStatus::Committed {
                    "already_billed"
                } else {
                    "draft_exists"
                },
                format!(
                    "billing run {} ({}) already covers {}",
                    other.id,
                    other.status.as_str(),
                    period.label()
                ),
            ));
        }
        let run = BillingRun::create(
            conn,
            &NewBillingRun {
                period_start: start,
                period_end: end,
                status: BillingRunStatus::Draft,
                created_by: actor.user_id,
                created_at: now.naive_utc(),
            },
        )?;
        audit::record(
            conn,
            Some(actor),
            "billing.create",
            ("billing_run", Some(run.id)),
            json!({"period": period.label()}),
            now,
        )?;
        Ok(run)
    })
}

pub fn preview(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Billing, AppError> {
    require_committee(actor)?;
    let run = find(conn, id)?;
    require_draft(&run)?;
    let period = period_of(&run)?;
    let (billing, _) = evaluate(conn, period)?;
    let text = serde_json::to_string(&billing).map_err(|e| AppError::internal(&e))?;
    if !BillingRun::save_preview(conn, id, &text, now.naive_utc())? {
        return Err(AppError::conflict(
            "already_committed",
            format!("billing run {id} was committed meanwhile"),
        ));
    }
    Ok(billing)
}

fn require_draft(run: &BillingRun) -> Result<(), AppError> {
    if run.status == BillingRunStatus::Committed {
        return Err(AppError::conflict(
            "already_committed",
            format!("billing run {} is already committed", run.id),
        ));
    }
    Ok(())
}

/// Commits a run in one transaction: the subscribers' accounts are locked first, then every
/// charge is decided against the balances as they stand, paid charges go through the ledger and
/// unpaid ones are stored. A second commit of the run, from any process, is a conflict.
pub fn commit(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Billing, AppError> {
    require_committee(actor)?;
    write_transaction(conn, |conn| {
        let run = find(conn, id)?;
        require_draft(&run)?;
        if run.period_start.and_utc() > now {
            return Err(AppError::conflict(
                "period_not_begun",
                format!(
                    "billing run {id} is for a period that begins at {}: commit it then",
                    run.period_start.and_utc().to_rfc3339()
                ),
            ));
        }
        let period = period_of(&run)?;
        let accounts = team_accounts(conn)?;
        let payers: Vec<i64> = Subscription::billable(conn, run.period_start)?
            .iter()
            .filter_map(|s| accounts.get(&s.team_id).map(|a| a.id))
            .collect();
        Account::lock(conn, &payers)?;
        let (billing, accounts) = evaluate(conn, period)?;
        let stored = serde_json::to_string(&billing).map_err(|e| AppError::internal(&e))?;
        let form = CommittedRun {
            status: BillingRunStatus::Committed,
            preview: Some(stored),
            committed_by: Some(actor.user_id),
            committed_at: Some(now.naive_utc()),
            charged: Some(billing.charged),
            unpaid: Some(billing.unpaid),
        };
        if !BillingRun::mark_committed(conn, id, &form)? {
            return Err(AppError::conflict(
                "already_committed",
                format!("billing run {id} was committed meanwhile"),
            ));
        }
        Entry::insert_many(conn, &entries(id, &billing, &accounts, now)?)?;
        UnpaidCharge::insert_many(conn, &unpaid(id, &billing))?;
        audit::record(
            conn,
            Some(actor),
            "billing.commit",
            ("billing_run", Some(id)),
            json!({
                "period": billing.period, "charges": billing.charges.len(),
                "charged": billing.charged, "unpaid": billing.unpaid,
            }),
            now,
        )?;
        Ok(billing)
    })
}

fn entries(
    run_id: i64,
    billing: &Billing,
    accounts: &TeamAccounts,
    now: DateTime<Utc>,
) -> Result<Vec<NewEntry>, AppError> {
    let account = |team: i64| {
        accounts
            .get(&team)
            .map(|a| a.id)
            .ok_or_else(|| AppError::internal(&format!("team {team} has no account")))
    };
    billing
        .charges
        .iter()
        .filter(|c| c.paid && c.amount > 0)
        .map(|c| {
            let mut entry = NewEntry::market(
                EntryKind::Charge,
                account(c.team_id)?,
                account(c.provider_team_id)?,
                c.amount,
                c.service_id,
            )
            .memo(format!(
                "billing {}: subscription {}",
                billing.period, c.subscription_id
            ))
            .at(now.naive_utc())
            .bet(c.bet_id);
            entry.billing_run_id = Some(run_id);
            entry.subscription_id = Some(c.subscription_id);
            Ok(entry)
        })
        .collect()
}

fn unpaid(run_id: i64, billing: &Billing) -> Vec<UnpaidCharge> {
    billing
        .charges
        .iter()
        .filter(|c| !c.paid)
        .map(|c| UnpaidCharge {
            billing_run_id: run_id,
            subscription_id: c.subscription_id,
            service_id: c.service_id,
            team_id: c.team_id,
            provider_team_id: c.provider_team_id,
            bet_id: c.bet_id,
            amount: c.amount,
            shortfall: c.shortfall,
        })
        .collect()
}

/// Deletes a draft run (the committee); a committed run stays.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    require_committee(actor)?;
    write_transaction(conn, |conn| {
        let run = find(conn, id)?;
        require_draft(&run)?;
        if !BillingRun::delete_draft(conn, id)? {
            return Err(AppError::conflict(
                "already_committed",
                format!("billing run {id} was committed meanwhile"),
            ));
        }
        audit::record(
            conn,
            Some(actor),
            "billing.delete",
            ("billing_run", Some(id)),
            json!({}),
            now,
        )
        .map_err(AppError::from)
    })
}

/// What a run charged (committed) or would charge as last previewed (a draft).
pub fn stored(run: &BillingRun) -> Result<Option<Billing>, AppError> {
    run.preview
        .as_deref()
        .map(|text| serde_json::from_str(text).map_err(|e| AppError::internal(&e)))
        .transpose()
}
