//! Creating, pinning and deleting draft rounds: the committee's set-up before a commit.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::evaluation::engine_error;
use crate::db::bets::{Bet, Threshold};
use crate::db::portfolio::Portfolio;
use crate::db::rounds::{NewRound, Round, RoundListing, RoundPin};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, BetStatus, Currency, Money, Reason, RoundStatus, time};
use crate::engine::Policy;
use crate::error::{AppError, ErrorKind};
use crate::services::audit;

/// A draft round as the committee asks for it, values parsed.
pub struct RoundForm {
    pub budget: Money,
    pub as_of: DateTime<Utc>,
    pub window_start: Option<DateTime<Utc>>,
    pub policy: Policy,
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    form: RoundForm,
    now: DateTime<Utc>,
) -> Result<Round, AppError> {
    form.policy.validate().map_err(engine_error)?;
    if let Some(start) = form.window_start
        && start >= form.as_of
    {
        return Err(AppError::invalid("window_start", "must be before as_of"));
    }
    write_transaction(conn, |conn| {
        let portfolio = Portfolio::get(conn)?.ok_or_else(|| AppError::internal(&"no portfolio"))?;
        if let Some(latest) = Round::latest_committed(conn, None)?
            && latest.as_of.and_utc() >= form.as_of
        {
            return Err(AppError::invalid(
                "as_of",
                format!(
                    "must be after the latest committed round's as_of, {} (round {})",
                    time::display(latest.as_of.and_utc()),
                    latest.id
                ),
            ));
        }
        if Round::exists_at(conn, form.as_of.naive_utc())? {
            return Err(AppError::conflict(
                "duplicate_as_of",
                "another round already has this as_of; two rounds cannot share an instant",
            )
            .with_field("as_of"));
        }
        let policy = serde_json::to_string(&form.policy).map_err(|e| AppError::internal(&e))?;
        let round = Round::create(
            conn,
            &NewRound {
                budget: form.budget.minor_units(),
                currency: &portfolio.currency,
                as_of: form.as_of.naive_utc(),
                window_start: form.window_start.map(|t| t.naive_utc()),
                policy,
                status: RoundStatus::Draft,
                created_by: actor.user_id,
                created_at: now.naive_utc(),
            },
        )?;
        audit::record(
            conn,
            Some(actor),
            "round.create",
            ("round", Some(round.id)),
            json!({"budget": round.budget, "as_of": form.as_of, "window_start": form.window_start,
                   "policy": form.policy}),
            now,
        )?;
        // A race decided while no draft existed has its prize waiting for this one.
        crate::services::races::prize::pin_waiting(conn, round.id, now)?;
        Ok(round)
    })
}

/// Loads a round that must still be a draft.
pub fn draft(conn: &mut DbConnection, id: i64) -> Result<RoundListing, AppError> {
    let round = Round::find_listing(conn, id)?.ok_or_else(|| AppError::not_found("round"))?;
    if round.status != RoundStatus::Draft {
        return Err(AppError::conflict(
            "round_committed",
            format!("round {id} is committed; a committed round never changes"),
        ));
    }
    Ok(round)
}

/// A committee override of one bet in a draft round.
pub struct PinForm {
    pub grant: Option<Money>,
    pub waive_kill: bool,
    pub reason: Reason,
}

pub fn pin(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    bet_id: i64,
    form: PinForm,
    now: DateTime<Utc>,
) -> Result<RoundPin, AppError> {
    if form.grant.is_none() && !form.waive_kill {
        return Err(AppError::invalid(
            "grant",
            "a pin fixes a grant, waives a kill, or both",
        ));
    }
    write_transaction(conn, |conn| {
        let round = draft(conn, round_id)?;
        let bet = Bet::find(conn, bet_id)?.ok_or_else(|| AppError::not_found("bet"))?;
        if bet.status != BetStatus::Active {
            return Err(AppError::new(
                ErrorKind::Invalid,
                "bet_not_active",
                format!(
                    "bet {bet_id} is {}; only active bets take part in a round",
                    bet.status
                ),
            ));
        }
        if Threshold::in_force(conn, bet_id, round.as_of)?.is_none() {
            return Err(AppError::new(
                ErrorKind::Invalid,
                "bet_not_in_round",
                format!(
                    "bet {bet_id} has no threshold in force at the round's as_of, so it sits this round out"
                ),
            ));
        }
        let others: i64 = RoundPin::for_round(conn, round_id)?
            .iter()
            .filter(|p| p.bet_id != bet_id)
            .filter_map(|p| p.pinned_grant)
            .sum();
        let grant = form.grant.map(Money::minor_units);
        if others + grant.unwrap_or(0) > round.budget {
            // Human text in the round's currency; the code and the field stay the machine's.
            let c = Currency::parse("currency", &round.currency)
                .map_err(|e| AppError::internal(&e.message))?;
            return Err(AppError::new(
                ErrorKind::Invalid,
                "pins_exceed_budget",
                format!(
                    "pinned grants would total {}, more than the budget of {}",
                    c.format(others + grant.unwrap_or(0)),
                    c.format(round.budget)
                ),
            )
            .with_field("grant"));
        }
        crate::services::races::prize::guard(conn, round_id, bet_id)?;
        let pin = RoundPin {
            round_id,
            bet_id,
            pinned_grant: grant,
            waive_kill: form.waive_kill,
            reason: form.reason.into_inner(),
            created_by: actor.user_id,
            created_at: now.naive_utc(),
        };
        RoundPin::upsert(conn, &pin)?;
        audit::record(
            conn,
            Some(actor),
            "round.pin",
            ("round", Some(round_id)),
            json!({"bet_id": bet_id, "grant": grant, "waive_kill": pin.waive_kill, "reason": pin.reason}),
            now,
        )?;
        Ok(pin)
    })
}

pub fn unpin(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    bet_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        draft(conn, round_id)?;
        crate::services::races::prize::guard(conn, round_id, bet_id)?;
        if !RoundPin::remove(conn, round_id, bet_id)? {
            return Err(AppError::not_found("pin"));
        }
        audit::record(
            conn,
            Some(actor),
            "round.unpin",
            ("round", Some(round_id)),
            json!({"bet_id": bet_id}),
            now,
        )?;
        Ok(())
    })
}

/// Deletes a draft the committee abandons (a draft with an earlier `as_of` blocks later
/// commits until it is committed or deleted).
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let round = draft(conn, round_id)?;
        if !Round::delete_draft(conn, round_id)? {
            return Err(AppError::conflict(
                "round_committed",
                "the round was committed meanwhile",
            ));
        }
        audit::record(
            conn,
            Some(actor),
            "round.delete",
            ("round", Some(round_id)),
            json!({"budget": round.budget, "as_of": round.as_of.and_utc()}),
            now,
        )?;
        Ok(())
    })
}
