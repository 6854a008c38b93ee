//! Billing runs: for one period, every active subscription is charged once ([`charges`]).
//! Like a round, a run is a draft that is previewed as often as wanted and committed once, in
//! one transaction; a charge the subscriber cannot pay is not made and stays on record as
//! unpaid.

mod charges;
mod posting;

pub use charges::{Billing, Books, Charge, charge_all};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::ledger::{Account, Entry, TeamAccounts};
use crate::db::market::billing::{Billable, BillingRun, CommittedRun, NewBillingRun, UnpaidCharge};
use crate::db::market::plans::Plan;
use crate::db::market::services::Service;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, BillingPeriod, BillingRunStatus};
use crate::error::AppError;
use crate::services::audit;

/// The period of a run as stored (the portfolio's period length may have changed since).
fn period_of(run: &BillingRun) -> Result<BillingPeriod, AppError> {
    BillingPeriod::spanning(run.period_start.and_utc(), run.period_end.and_utc())
        .ok_or_else(|| AppError::internal(&format!("billing run {} has no whole period", run.id)))
}

/// What a run of one period reads before it decides anything: the subscriptions it charges,
/// the plans in force, the services and every team's account. Read once; a commit locks the
/// payers' accounts between reading these and reading the balances.
struct Inputs {
    period: BillingPeriod,
    subscriptions: Vec<Billable>,
    plans: BTreeMap<i64, Plan>,
    services: BTreeMap<i64, Service>,
    accounts: TeamAccounts,
}

impl Inputs {
    fn read(conn: &mut DbConnection, period: BillingPeriod) -> Result<Self, AppError> {
        let start = period.start().naive_utc();
        Ok(Self {
            period,
            subscriptions: Billable::of_period(conn, start)?,
            plans: Plan::in_force(conn, start)?
                .into_iter()
                .map(|p| (p.service_id, p))
                .collect(),
            services: Service::list(conn, None)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
            accounts: Account::team_accounts(conn)?,
        })
    }

    /// The accounts the run may take money from.
    fn payers(&self) -> Vec<i64> {
        self.subscriptions
            .iter()
            .filter_map(|s| self.accounts.get(&s.team_id).map(|a| a.id))
            .collect()
    }

    /// Decides every charge against the balances as they stand now.
    fn charge(&self, conn: &mut DbConnection) -> Result<Billing, AppError> {
        let balances = Account::balances(conn)?;
        let available = self
            .accounts
            .iter()
            .map(|(team, a)| {
                let balance = balances.get(&a.id).copied().unwrap_or(0);
                (*team, balance + a.overdraft_limit)
            })
            .collect();
        Ok(charge_all(
            self.period,
            &self.subscriptions,
            &self.plans,
            &self.services,
            &Books { available },
        ))
    }
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
    let billing = Inputs::read(conn, period_of(&run)?)?.charge(conn)?;
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
                    crate::domain::time::display(run.period_start.and_utc())
                ),
            ));
        }
        let inputs = Inputs::read(conn, period_of(&run)?)?;
        Account::lock(conn, &inputs.payers())?;
        let billing = inputs.charge(conn)?;
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
        Entry::insert_many(
            conn,
            &posting::entries(id, &billing, &inputs.accounts, now)?,
        )?;
        UnpaidCharge::insert_many(conn, &posting::unpaid(id, &billing))?;
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
