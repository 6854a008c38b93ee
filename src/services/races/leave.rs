//! A racer closed before its race is decided (killed by a round, or killed or graduated by
//! the committee) leaves the race: it races no more, its fate reads `left`, and the race's
//! page says so. The others race on.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::DbConnection;
use crate::db::races::Racer;
use crate::domain::Actor;
use crate::error::AppError;
use crate::services::audit;

/// The closed bets leave the races they were in, in the caller's transaction.
pub fn closed(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    bet_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for racer in Racer::leave(conn, bet_ids, now.naive_utc())? {
        audit::record(
            conn,
            actor,
            "race.leave",
            ("race", Some(racer.race_id)),
            json!({"bet_id": racer.bet_id, "why": "the bet was closed"}),
            now,
        )?;
    }
    Ok(())
}
