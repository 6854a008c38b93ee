//! What committed rounds stored, read back for many rounds at once: their inputs without
//! observations, the ids of the reports they used, their reserves, every bet's stored outcome,
//! and the reports themselves. The policy lab's backtest reads a portfolio's whole history
//! through these, in a few queries rather than a few per round.

use diesel::prelude::*;

use super::DbConnection;
use super::reports::EvidencePoint;
use super::schema::{reports, round_results, rounds};
use crate::domain::RoundStatus;
use crate::engine::{Decision, Outcome};

/// What a committed round stored to be rebuilt from, without its stored evaluation (the largest
/// of its documents, which a backtest does not need).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rounds)]
pub struct StoredInput {
    pub id: i64,
    pub reserve: Option<i64>,
    pub engine_input: Option<String>,
    pub report_ids: Option<String>,
}

/// One bet's stored outcome in a committed round.
#[derive(Debug, Clone, Copy, PartialEq, Queryable, Selectable)]
#[diesel(table_name = round_results)]
pub struct StoredOutcome {
    pub round_id: i64,
    pub bet_id: i64,
    pub granted: i64,
    pub decision: Decision,
    pub streak: i32,
    pub outcome: Outcome,
}

/// Round ids a statement lists at most, well under SQLite's parameter limit.
const CHUNK: usize = 500;

impl StoredInput {
    /// The stored inputs of these rounds, of those that are committed (a draft stores none), in
    /// no particular order.
    pub fn of_rounds(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<StoredInput>> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            found.extend(
                rounds::table
                    .filter(rounds::id.eq_any(chunk))
                    .filter(rounds::status.eq(RoundStatus::Committed))
                    .select(StoredInput::as_select())
                    .load(conn)?,
            );
        }
        Ok(found)
    }
}

impl StoredOutcome {
    /// Every bet's stored outcome in these rounds, in round and bet id order.
    pub fn of_rounds(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<StoredOutcome>> {
        let mut found = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            found.extend(
                round_results::table
                    .filter(round_results::round_id.eq_any(chunk))
                    .select(StoredOutcome::as_select())
                    .order((round_results::round_id, round_results::bet_id))
                    .load(conn)?,
            );
        }
        Ok(found)
    }
}

/// Every report whose id is in `first..=last`, corrected or not, in id order: one range read of
/// the primary key. Reports get rising ids as they arrive, so the ids the committed rounds used
/// lie in one such range, and the caller picks them out by id.
pub fn reports_with_ids_between(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
) -> QueryResult<Vec<EvidencePoint>> {
    reports::table
        .filter(reports::id.ge(first))
        .filter(reports::id.le(last))
        .select((
            reports::id,
            reports::bet_id,
            reports::value,
            reports::observed_at,
        ))
        .order(reports::id)
        .load(conn)
}
