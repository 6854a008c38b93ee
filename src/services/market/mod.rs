//! The internal market: platform teams' services paid by subscription and per request, on the
//! same double-entry ledger as the rounds. Each use case takes the acting user, checks what the
//! rules and the database say, and writes in one transaction with its audit row.
//!
//! Who may do what is the market's own rule: a team acts for itself ([`Actor::acts_for`]);
//! the committee registers services, sets limits and bills; execs read.

pub mod accounts;
pub mod bet_costs;
pub mod billing;
pub mod catalogue;
pub mod export;
pub mod glance;
pub mod idempotency;
pub mod names;
pub mod queue;
pub mod requests;
pub mod statement;
pub mod subscriptions;

use chrono::{DateTime, Utc};

use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::portfolio::Portfolio;
use crate::domain::{Actor, BillingPeriod, PeriodLength, Role};
use crate::error::AppError;

/// How long a quote stands unless the provider says otherwise.
pub const DEFAULT_QUOTE_DAYS: i64 = 7;

/// The portfolio's billing period length.
pub fn period_length(conn: &mut DbConnection) -> Result<PeriodLength, AppError> {
    let portfolio = Portfolio::get(conn)?.ok_or_else(|| AppError::not_found("portfolio"))?;
    Ok(PeriodLength::parse(
        "billing_period_months",
        i64::from(portfolio.billing_period_months),
    )?)
}

/// The billing period `now` falls in.
pub fn current_period(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<BillingPeriod, AppError> {
    Ok(BillingPeriod::containing(now, period_length(conn)?))
}

/// Refuses anyone but the members and partners of `team_id`. For a partner of another team
/// the object does not exist (404), as everywhere; everyone else is told why not (403).
pub(crate) fn require_acts_for(actor: &Actor, team_id: i64, what: &str) -> Result<(), AppError> {
    if actor.acts_for(team_id) {
        return Ok(());
    }
    Err(match actor.role {
        Role::Partner => AppError::not_found(what),
        Role::Exec => AppError::forbidden("executives read the portfolio; they change nothing"),
        Role::Committee => AppError::forbidden(
            "a team does this for itself: only its members and partners may, not the committee",
        ),
        Role::Member => AppError::forbidden("this belongs to another team"),
    })
}

/// Reading a market object of these teams (a subscription or request: its subscriber or
/// requester, and its provider): a partner of neither finds nothing.
pub(crate) fn require_party(actor: &Actor, teams: [i64; 2], what: &str) -> Result<(), AppError> {
    if teams.iter().any(|t| actor.can_read_team(*t)) {
        Ok(())
    } else {
        Err(AppError::not_found(what))
    }
}

/// Reading a team's books: the team itself, the committee and execs.
pub(crate) fn require_books(actor: &Actor, team_id: i64) -> Result<(), AppError> {
    if actor.reads_books_of(team_id) {
        Ok(())
    } else if actor.role == Role::Partner {
        Err(AppError::not_found("team"))
    } else {
        Err(AppError::forbidden(
            "a team's books are read by the team, the committee and executives",
        ))
    }
}

/// Checks that a bet named in a market write is one of the team's own.
pub(crate) fn check_bet(
    conn: &mut DbConnection,
    bet_id: Option<i64>,
    team_id: i64,
) -> Result<(), AppError> {
    let Some(id) = bet_id else { return Ok(()) };
    match Bet::find(conn, id)? {
        Some(bet) if bet.team_id == team_id => Ok(()),
        Some(_) => Err(AppError::invalid(
            "bet_id",
            "the bet belongs to another team: tie a cost only to one of the team's own bets",
        )),
        None => Err(AppError::invalid("bet_id", "no bet has this id")),
    }
}
