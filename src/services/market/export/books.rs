//! A billing run's charges and a team's statement as rows: the committee's and the team's
//! books, read by whom `GET /billing-runs/{id}` and `GET /teams/{id}/statement` allow.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Names, decimal};
use crate::db::DbConnection;
use crate::db::ledger::Account;
use crate::domain::{Actor, BillingRunStatus, Currency};
use crate::error::AppError;
use crate::services::market::accounts::accounts_of;
use crate::services::market::billing;
use crate::services::market::statement::{Flows, statement};
use crate::services::market::{current_period, require_books};

/// One charge of a billing run.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeRow {
    pub billing_run_id: i64,
    pub period: String,
    /// `committed`: charged; `draft`: what it would charge, as last previewed.
    pub run_status: BillingRunStatus,
    pub subscription_id: i64,
    pub service_id: i64,
    pub service: String,
    /// The subscriber, who pays.
    pub payer_team_id: i64,
    pub payer_team: String,
    pub provider_team_id: i64,
    pub provider_team: String,
    pub bet_id: Option<i64>,
    pub units: i64,
    pub unit_price_minor: i64,
    pub amount_minor: i64,
    pub amount: String,
    pub currency: String,
    /// False for a charge the subscriber could not pay: it was not made.
    pub paid: bool,
    pub shortfall_minor: i64,
}

/// The charges of a run, as `GET /billing-runs/{id}` shows them (committee and execs).
pub fn charge_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    run_id: i64,
    currency: &Currency,
) -> Result<Vec<ChargeRow>, AppError> {
    if !actor.can_oversee() {
        return Err(AppError::forbidden(
            "billing runs are read by the committee and executives",
        ));
    }
    let run = billing::find(conn, run_id)?;
    let charged = billing::stored(&run)?.ok_or_else(|| {
        AppError::conflict(
            "not_previewed",
            format!("billing run {run_id} has not been previewed yet: it charges nothing so far"),
        )
    })?;
    let names = Names::load(conn)?;
    Ok(charged
        .charges
        .iter()
        .map(|c| ChargeRow {
            billing_run_id: run_id,
            period: charged.period.clone(),
            run_status: run.status,
            subscription_id: c.subscription_id,
            service_id: c.service_id,
            service: names.service(c.service_id),
            payer_team_id: c.team_id,
            payer_team: names.team(c.team_id),
            provider_team_id: c.provider_team_id,
            provider_team: names.team(c.provider_team_id),
            bet_id: c.bet_id,
            units: c.units,
            unit_price_minor: c.unit_price,
            amount_minor: c.amount,
            amount: decimal(currency, c.amount),
            currency: currency.code().to_owned(),
            paid: c.paid,
            shortfall_minor: c.shortfall,
        })
        .collect())
}

/// What a statement line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementLine {
    /// The team's money (own account plus hold account) at the period's start.
    Opening,
    Grants,
    SubscriptionRevenue,
    RequestRevenue,
    /// Anything else that came in (no line names it).
    OtherIn,
    SubscriptionCosts,
    RequestCosts,
    /// Anything else that went out.
    OtherOut,
    /// Moved to the team's hold account: still the team's money.
    HoldsPlaced,
    HoldsReleased,
    /// The team's money at the period's end.
    Closing,
}

/// How a line counts: per period, `opening + in - out = closing`; `internal` lines move money
/// between the team's own two accounts and count neither way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementSide {
    Balance,
    In,
    Out,
    Internal,
}

/// One line of one billing period of a team's statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementRow {
    pub team_id: i64,
    pub team: String,
    pub period: String,
    /// The period clipped to the statement's range.
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub line: StatementLine,
    pub side: StatementSide,
    pub amount_minor: i64,
    pub amount: String,
    /// `amount_minor` signed as it changes the team's money: + in, - out, 0 otherwise. A
    /// period's sum is its closing minus its opening.
    pub change_minor: i64,
    pub currency: String,
}

/// The range a statement covers: `from` and `to` as asked, by default the current period;
/// from 1970, and at most ten years long. The same rules as `GET /teams/{id}/statement`.
pub fn statement_range(
    conn: &mut DbConnection,
    (from, to): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let current = current_period(conn, now)?;
    let from = from.unwrap_or_else(|| current.start());
    let to = to.unwrap_or_else(|| current.end());
    if from < crate::domain::time::earliest() {
        return Err(AppError::invalid("from", "must be in 1970 or later"));
    }
    if to - from > TimeDelta::days(3_660) {
        return Err(AppError::invalid(
            "to",
            "a statement covers at most ten years",
        ));
    }
    Ok((from, to))
}

/// The lines of one period's flows, each with its side.
fn flow_lines(f: &Flows) -> [(StatementLine, StatementSide, i64); 9] {
    use StatementLine as L;
    use StatementSide::{In, Internal, Out};
    let named_in = f.grants + f.subscription_revenue + f.request_revenue;
    let named_out = f.subscription_costs + f.request_costs;
    [
        (L::Grants, In, f.grants),
        (L::SubscriptionRevenue, In, f.subscription_revenue),
        (L::RequestRevenue, In, f.request_revenue),
        (L::OtherIn, In, f.total_in - named_in),
        (L::SubscriptionCosts, Out, f.subscription_costs),
        (L::RequestCosts, Out, f.request_costs),
        (L::OtherOut, Out, f.total_out - named_out),
        (L::HoldsPlaced, Internal, f.holds_placed),
        (L::HoldsReleased, Internal, f.holds_released),
    ]
}

/// A team's statement for `[from, to)` as rows: per billing period its opening, each flow and
/// its closing, the balances read from the ledger at the period's bounds (the team, committee
/// and execs).
pub fn statement_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: i64,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    currency: &Currency,
) -> Result<Vec<StatementRow>, AppError> {
    require_books(actor, team_id)?;
    let whole = statement(conn, actor, team_id, from, to)?;
    let team = Names::load(conn)?.team(team_id);
    let (own, hold) = accounts_of(conn, team_id)?;
    let mut balance =
        |at: DateTime<Utc>| -> Result<i64, AppError> {
            let at = Some(at.naive_utc());
            Ok(Account::balance_before(conn, own.id, at)?
                + Account::balance_before(conn, hold.id, at)?)
        };
    let mut rows = Vec::with_capacity(whole.periods.len() * 11);
    for p in &whole.periods {
        let opening = (
            StatementLine::Opening,
            StatementSide::Balance,
            balance(p.start)?,
        );
        let closing = (
            StatementLine::Closing,
            StatementSide::Balance,
            balance(p.end)?,
        );
        let lines = std::iter::once(opening)
            .chain(flow_lines(&p.flows))
            .chain(std::iter::once(closing));
        rows.extend(lines.map(|(line, side, amount)| StatementRow {
            team_id,
            team: team.clone(),
            period: p.period.clone(),
            period_start: p.start,
            period_end: p.end,
            line,
            side,
            amount_minor: amount,
            amount: decimal(currency, amount),
            change_minor: match side {
                StatementSide::In => amount,
                StatementSide::Out => -amount,
                StatementSide::Balance | StatementSide::Internal => 0,
            },
            currency: currency.code().to_owned(),
        }));
    }
    Ok(rows)
}
