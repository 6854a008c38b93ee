//! Funding rounds, their pins and their stored results.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{round_pins, round_results, rounds};
use crate::domain::RoundStatus;
use crate::engine::{Decision, Outcome};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rounds)]
pub struct Round {
    pub id: i64,
    pub budget: i64,
    pub currency: String,
    pub as_of: NaiveDateTime,
    pub window_start: Option<NaiveDateTime>,
    pub policy: String,
    pub status: RoundStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub preview: Option<String>,
    pub previewed_at: Option<NaiveDateTime>,
    pub committed_by: Option<i64>,
    pub committed_at: Option<NaiveDateTime>,
    pub reserve: Option<i64>,
    pub engine_input: Option<String>,
    pub report_ids: Option<String>,
}

/// A round without its stored documents (evaluation, input, report ids), which can be megabytes for
/// a large portfolio: what listings and lookups need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rounds)]
pub struct RoundListing {
    pub id: i64,
    pub budget: i64,
    pub currency: String,
    pub as_of: NaiveDateTime,
    pub window_start: Option<NaiveDateTime>,
    pub policy: String,
    pub status: RoundStatus,
    pub committed_at: Option<NaiveDateTime>,
    pub reserve: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = rounds)]
pub struct NewRound<'a> {
    pub budget: i64,
    pub currency: &'a str,
    pub as_of: NaiveDateTime,
    pub window_start: Option<NaiveDateTime>,
    pub policy: String,
    pub status: RoundStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// What a commit writes onto the round row.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = rounds)]
pub struct CommitForm {
    pub status: RoundStatus,
    pub committed_by: i64,
    pub committed_at: NaiveDateTime,
    pub reserve: i64,
    pub engine_input: String,
    pub report_ids: String,
    pub preview: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = round_pins)]
pub struct RoundPin {
    pub round_id: i64,
    pub bet_id: i64,
    pub pinned_grant: Option<i64>,
    pub waive_kill: bool,
    pub reason: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// One bet's stored result in a committed round (the engine's `BetResult` plus the evidence
/// quality the committee saw).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = round_results)]
pub struct RoundResultRow {
    pub round_id: i64,
    pub bet_id: i64,
    pub team_id: i64,
    pub n: i32,
    pub level: Option<f64>,
    pub se: Option<f64>,
    pub nu: Option<i32>,
    pub threshold: f64,
    pub p_beat: Option<f64>,
    pub outcome: Outcome,
    pub streak: i32,
    pub progress: Option<f64>,
    pub fitness: f64,
    pub weight: f64,
    pub prev_grant: i64,
    pub target: f64,
    pub granted: i64,
    pub pinned: bool,
    pub kill_waived: bool,
    pub decision: Decision,
    pub reasons: String,
    pub last_report_at: Option<NaiveDateTime>,
    pub stale: bool,
    pub outlier_report_ids: String,
}

/// The insert form of a [`RoundResultRow`]: the engine's words go in as their text.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = round_results, treat_none_as_default_value = false)]
pub struct NewRoundResult {
    pub round_id: i64,
    pub bet_id: i64,
    pub team_id: i64,
    pub n: i32,
    pub level: Option<f64>,
    pub se: Option<f64>,
    pub nu: Option<i32>,
    pub threshold: f64,
    pub p_beat: Option<f64>,
    pub outcome: &'static str,
    pub streak: i32,
    pub progress: Option<f64>,
    pub fitness: f64,
    pub weight: f64,
    pub prev_grant: i64,
    pub target: f64,
    pub granted: i64,
    pub pinned: bool,
    pub kill_waived: bool,
    pub decision: &'static str,
    pub reasons: String,
    pub last_report_at: Option<NaiveDateTime>,
    pub stale: bool,
    pub outlier_report_ids: String,
}

/// A bet's standing after its latest committed rounds: what the next round needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// The grant in the previous committed round (0 if the bet was not in it).
    pub prev_grant: i64,
    /// The streak after the latest committed round the bet took part in.
    pub streak: i32,
    /// Ever granted money in a committed round.
    pub ever_funded: bool,
}

impl Round {
    pub fn create(conn: &mut DbConnection, form: &NewRound<'_>) -> QueryResult<Round> {
        diesel::insert_into(rounds::table)
            .values(form)
            .returning(rounds::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Round>> {
        rounds::table
            .find(id)
            .select(Round::as_select())
            .first(conn)
            .optional()
    }

    /// The round without its stored documents: what previewing, committing and pinning read
    /// (the documents of a large round are megabytes, 20-30 ms to read back on PostgreSQL).
    pub fn find_listing(conn: &mut DbConnection, id: i64) -> QueryResult<Option<RoundListing>> {
        rounds::table
            .find(id)
            .select(RoundListing::as_select())
            .first(conn)
            .optional()
    }

    /// Every round, newest `as_of` first, without the stored documents.
    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<RoundListing>> {
        rounds::table
            .select(RoundListing::as_select())
            .order(rounds::as_of.desc())
            .load(conn)
    }

    pub fn exists_at(conn: &mut DbConnection, as_of: NaiveDateTime) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            rounds::table.filter(rounds::as_of.eq(as_of)),
        ))
        .get_result(conn)
    }

    /// The committed round with the latest `as_of` before `before` (or overall).
    pub fn latest_committed(
        conn: &mut DbConnection,
        before: Option<NaiveDateTime>,
    ) -> QueryResult<Option<RoundListing>> {
        let mut query = rounds::table
            .filter(rounds::status.eq(RoundStatus::Committed))
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(rounds::as_of.lt(before));
        }
        query
            .select(RoundListing::as_select())
            .order(rounds::as_of.desc())
            .first(conn)
            .optional()
    }

    /// The `as_of` of the `count` latest committed rounds before `before`, newest first: the
    /// starts of the earlier windows a policy judging several windows reads.
    pub fn committed_as_ofs_before(
        conn: &mut DbConnection,
        before: NaiveDateTime,
        count: i64,
    ) -> QueryResult<Vec<NaiveDateTime>> {
        rounds::table
            .filter(rounds::status.eq(RoundStatus::Committed))
            .filter(rounds::as_of.lt(before))
            .select(rounds::as_of)
            .order(rounds::as_of.desc())
            .limit(count)
            .load(conn)
    }

    /// A draft with an earlier `as_of` than this one, which must commit (or go) first.
    pub fn earlier_draft(
        conn: &mut DbConnection,
        as_of: NaiveDateTime,
    ) -> QueryResult<Option<i64>> {
        rounds::table
            .filter(rounds::status.eq(RoundStatus::Draft))
            .filter(rounds::as_of.lt(as_of))
            .select(rounds::id)
            .order(rounds::as_of)
            .first(conn)
            .optional()
    }

    pub fn save_preview(
        conn: &mut DbConnection,
        id: i64,
        preview: &str,
        at: NaiveDateTime,
    ) -> QueryResult<bool> {
        diesel::update(
            rounds::table
                .find(id)
                .filter(rounds::status.eq(RoundStatus::Draft)),
        )
        .set((rounds::preview.eq(preview), rounds::previewed_at.eq(at)))
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Marks a draft committed; false when it was not a draft any more.
    pub fn mark_committed(
        conn: &mut DbConnection,
        id: i64,
        form: &CommitForm,
    ) -> QueryResult<bool> {
        diesel::update(
            rounds::table
                .find(id)
                .filter(rounds::status.eq(RoundStatus::Draft)),
        )
        .set(form)
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Deletes a draft and its pins; false when it was not a draft.
    pub fn delete_draft(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
        diesel::delete(round_pins::table.filter(round_pins::round_id.eq(id))).execute(conn)?;
        diesel::delete(
            rounds::table
                .find(id)
                .filter(rounds::status.eq(RoundStatus::Draft)),
        )
        .execute(conn)
        .map(|n| n > 0)
    }
}

impl RoundPin {
    pub fn for_round(conn: &mut DbConnection, round_id: i64) -> QueryResult<Vec<RoundPin>> {
        round_pins::table
            .filter(round_pins::round_id.eq(round_id))
            .select(RoundPin::as_select())
            .order(round_pins::bet_id)
            .load(conn)
    }

    /// Sets the pin of a bet in a round, replacing any earlier one.
    pub fn upsert(conn: &mut DbConnection, pin: &RoundPin) -> QueryResult<()> {
        RoundPin::remove(conn, pin.round_id, pin.bet_id)?;
        diesel::insert_into(round_pins::table)
            .values(pin)
            .execute(conn)
            .map(drop)
    }

    /// Removes a pin; false when there was none.
    pub fn remove(conn: &mut DbConnection, round_id: i64, bet_id: i64) -> QueryResult<bool> {
        diesel::delete(
            round_pins::table
                .filter(round_pins::round_id.eq(round_id))
                .filter(round_pins::bet_id.eq(bet_id)),
        )
        .execute(conn)
        .map(|n| n > 0)
    }
}

impl RoundResultRow {
    /// Stores a round's results. On PostgreSQL one `COPY` in binary: ten multi-row INSERTs of
    /// 24,000 parameters each spent longer being parsed and planned than writing rows.
    pub fn insert_many(conn: &mut DbConnection, rows: &[NewRoundResult]) -> QueryResult<()> {
        match conn {
            DbConnection::Postgresql(c) => {
                diesel::copy_from(round_results::table)
                    .from_insertable(rows)
                    .execute(c)?;
            }
            DbConnection::Sqlite(c) => {
                // 24 parameters a row: 1,000 rows stay under SQLite's parameter limit.
                for chunk in rows.chunks(1_000) {
                    diesel::insert_into(round_results::table)
                        .values(chunk)
                        .execute(c)?;
                }
            }
        }
        Ok(())
    }

    pub fn for_round(conn: &mut DbConnection, round_id: i64) -> QueryResult<Vec<RoundResultRow>> {
        round_results::table
            .filter(round_results::round_id.eq(round_id))
            .select(RoundResultRow::as_select())
            .order(round_results::bet_id)
            .load(conn)
    }

    /// A bet's results over committed rounds, oldest first, with each round's `as_of`.
    pub fn for_bet(
        conn: &mut DbConnection,
        bet_id: i64,
    ) -> QueryResult<Vec<(RoundResultRow, NaiveDateTime)>> {
        round_results::table
            .inner_join(rounds::table)
            .filter(round_results::bet_id.eq(bet_id))
            .filter(rounds::status.eq(RoundStatus::Committed))
            .select((RoundResultRow::as_select(), rounds::as_of))
            .order(rounds::as_of)
            .load(conn)
    }

    /// Every bet's standing before a round at `as_of`: previous grant (from the latest committed
    /// round before it), latest streak, and whether it was ever funded.
    pub fn standings_before(
        conn: &mut DbConnection,
        as_of: NaiveDateTime,
    ) -> QueryResult<std::collections::BTreeMap<i64, Standing>> {
        let previous = Round::latest_committed(conn, Some(as_of))?.map(|r| r.id);
        let rows: Vec<(i64, i64, i32, i64)> = round_results::table
            .inner_join(rounds::table)
            .filter(rounds::status.eq(RoundStatus::Committed))
            .filter(rounds::as_of.lt(as_of))
            .select((
                round_results::round_id,
                round_results::bet_id,
                round_results::streak,
                round_results::granted,
            ))
            .order((rounds::as_of, round_results::bet_id))
            .load(conn)?;
        let mut standings = std::collections::BTreeMap::new();
        for (round_id, bet_id, streak, granted) in rows {
            let standing: &mut Standing = standings.entry(bet_id).or_default();
            standing.streak = streak;
            standing.ever_funded |= granted > 0;
            standing.prev_grant = if Some(round_id) == previous {
                granted
            } else {
                0
            };
        }
        Ok(standings)
    }
}
