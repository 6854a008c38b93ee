//! What a committed billing run writes: one ledger entry per paid charge (subscriber to
//! provider, naming the run and the subscription) and one row per unpaid charge.

use chrono::{DateTime, Utc};

use super::charges::Billing;
use crate::db::ledger::{NewEntry, TeamAccounts};
use crate::db::market::billing::UnpaidCharge;
use crate::domain::EntryKind;
use crate::error::AppError;

pub(super) fn entries(
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

pub(super) fn unpaid(run_id: i64, billing: &Billing) -> Vec<UnpaidCharge> {
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
