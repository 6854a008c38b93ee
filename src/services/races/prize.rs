//! A race's prize: an amount pinned for its winner on the next draft round, with the race as
//! the reason, and so taken off the top of that round's budget like every pin. It waits while
//! no draft exists, is pinned on the next draft created, and waits again if that draft is
//! deleted (the database clears the link). The prize pin is not changed or removed by hand:
//! it is the race's decision.

use chrono::{DateTime, Utc};

use crate::db::DbConnection;
use crate::db::races::Race;
use crate::db::rounds::{Round, RoundPin};
use crate::domain::RoundStatus;
use crate::error::AppError;

/// The next draft round (the earliest as of), if any.
fn next_draft(conn: &mut DbConnection) -> Result<Option<i64>, AppError> {
    Ok(Round::list(conn)?
        .into_iter()
        .filter(|r| r.status == RoundStatus::Draft)
        .min_by_key(|r| (r.as_of, r.id))
        .map(|r| r.id))
}

/// Pins a decided race's prize on `round_id`. Refused when the winner already has a pin
/// there: the committee removes that pin first.
fn pin(
    conn: &mut DbConnection,
    race: &Race,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (Some(prize), Some(winner)) = (race.prize, race.winner_bet_id) else {
        return Ok(());
    };
    if RoundPin::for_round(conn, round_id)?
        .iter()
        .any(|p| p.bet_id == winner)
    {
        return Err(AppError::conflict(
            "winner_already_pinned",
            format!(
                "bet {winner} already has a pin on draft round {round_id}: remove it, then decide again, so that the prize is the pin"
            ),
        ));
    }
    RoundPin::upsert(
        conn,
        &RoundPin {
            round_id,
            bet_id: winner,
            pinned_grant: Some(prize),
            waive_kill: false,
            reason: format!("the prize of race {} ({})", race.id, race.name),
            created_by: race.decided_by.unwrap_or(race.created_by),
            created_at: now.naive_utc(),
        },
    )?;
    Race::pin_prize(conn, race.id, round_id)?;
    Ok(())
}

/// At the decision: pins the prize on the next draft, or leaves it waiting. Returns the round.
pub fn pin_on_next_draft(
    conn: &mut DbConnection,
    race: &Race,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    if race.prize.is_none() {
        return Ok(None);
    }
    let Some(round_id) = next_draft(conn)? else {
        return Ok(None);
    };
    pin(conn, race, round_id, now)?;
    Ok(Some(round_id))
}

/// When a draft round is created: every waiting prize is pinned on it.
pub fn pin_waiting(
    conn: &mut DbConnection,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for race in Race::prizes_pending(conn)? {
        pin(conn, &race, round_id, now)?;
    }
    Ok(())
}

/// Refuses to change or remove a pin that is a race's prize.
pub fn guard(conn: &mut DbConnection, round_id: i64, bet_id: i64) -> Result<(), AppError> {
    match Race::prize_on(conn, round_id, bet_id)? {
        Some(race) => Err(AppError::conflict(
            "prize_pin",
            format!(
                "this pin is the prize of race {} ({}), decided by the committee; it stays as decided",
                race.id, race.name
            ),
        )),
        None => Ok(()),
    }
}
