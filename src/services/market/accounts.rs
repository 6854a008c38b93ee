//! A team's two accounts (its own and its hold account), its overdraft limit, and the one check
//! every movement out of a team's account passes: under the account's lock, the money is there.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::db::ledger::Account;
use crate::db::teams::Team;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Currency, Money};
use crate::error::AppError;
use crate::services::audit;

/// A team's money as it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamAccount {
    pub team_id: i64,
    pub account_id: i64,
    pub hold_account_id: i64,
    /// On the team's own account: what it may spend, down to minus its overdraft limit.
    pub balance: i64,
    /// On its hold account: accepted requests waiting for delivery.
    pub on_hold: i64,
    pub overdraft_limit: i64,
    /// `balance + overdraft_limit`: the most the next movement out may take.
    pub available: i64,
}

/// Both accounts of a team.
pub fn accounts_of(conn: &mut DbConnection, team_id: i64) -> Result<(Account, Account), AppError> {
    let own = Account::of_team(conn, team_id)?;
    let hold = Account::hold_of_team(conn, team_id)?;
    match (own, hold) {
        (Some(own), Some(hold)) => Ok((own, hold)),
        _ => Err(AppError::not_found("team")),
    }
}

pub fn team_account(conn: &mut DbConnection, team_id: i64) -> Result<TeamAccount, AppError> {
    let (own, hold) = accounts_of(conn, team_id)?;
    money_of(conn, team_id, &own, &hold)
}

/// The money on a team's two accounts, read fresh.
fn money_of(
    conn: &mut DbConnection,
    team_id: i64,
    own: &Account,
    hold: &Account,
) -> Result<TeamAccount, AppError> {
    let balance = Account::balance(conn, own.id)?;
    Ok(TeamAccount {
        team_id,
        account_id: own.id,
        hold_account_id: hold.id,
        balance,
        on_hold: Account::balance(conn, hold.id)?,
        overdraft_limit: own.overdraft_limit,
        available: balance + own.overdraft_limit,
    })
}

/// Takes the team account's lock and checks that `amount` may leave it: the balance after it
/// stays at or above minus the overdraft limit. Call inside the transaction that moves it.
pub fn lock_and_check(
    conn: &mut DbConnection,
    team_id: i64,
    amount: i64,
    currency: &Currency,
) -> Result<TeamAccount, AppError> {
    let (own, hold) = accounts_of(conn, team_id)?;
    Account::lock(conn, &[own.id])?;
    // Read after the lock: every movement committed before it was granted is counted.
    let account = money_of(conn, team_id, &own, &hold)?;
    if amount > account.available {
        return Err(shortfall(&account, amount, currency));
    }
    Ok(account)
}

/// The refusal of a movement the account cannot pay, naming what is missing.
pub fn shortfall(account: &TeamAccount, amount: i64, currency: &Currency) -> AppError {
    let money = |v: i64| format!("{} {}", currency.code(), currency.format_amount(v));
    AppError::conflict(
        "insufficient_funds",
        format!(
            "this needs {} but the team has {} available (balance {} and an overdraft limit of {}): short by {}",
            money(amount),
            money(account.available),
            money(account.balance),
            money(account.overdraft_limit),
            money(amount - account.available)
        ),
    )
}

/// The committee sets how far below zero a team's account may go. A limit below what the team
/// already owes is allowed: it only stops the next movement out.
pub fn set_overdraft_limit(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: i64,
    limit: Money,
    now: DateTime<Utc>,
) -> Result<TeamAccount, AppError> {
    if !actor.is_committee() {
        return Err(AppError::forbidden(
            "only the portfolio committee may set overdraft limits",
        ));
    }
    write_transaction(conn, |conn| {
        Team::find(conn, team_id)?.ok_or_else(|| AppError::not_found("team"))?;
        let (own, _) = accounts_of(conn, team_id)?;
        Account::lock(conn, &[own.id])?;
        Account::set_overdraft_limit(conn, own.id, limit.minor_units())?;
        audit::record(
            conn,
            Some(actor),
            "account.overdraft_limit",
            ("team", Some(team_id)),
            json!({"from": own.overdraft_limit, "to": limit.minor_units()}),
            now,
        )?;
        team_account(conn, team_id)
    })
}
