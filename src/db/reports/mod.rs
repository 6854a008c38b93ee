//! Reports: observations of a bet's metric, the row and its plain queries. Only ever inserted; a
//! correction is a new row whose `supersedes` names the report it replaces. Idempotency-key
//! lookups are in [`keys`]; the evidence a round reads is in [`evidence`].

mod evidence;
mod keys;
#[cfg(test)]
mod plans;

pub use evidence::EvidencePoint;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::instant::StoredInstant;
use super::prepared_insert::{InsertRun, insert_in_runs};
use super::schema::reports;

diesel::alias!(reports as corrections: CorrectionsAlias);

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i64,
    pub bet_id: i64,
    pub value: f64,
    pub observed_at: NaiveDateTime,
    pub reported_by: i64,
    pub received_at: NaiveDateTime,
    pub source: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_digest: Option<String>,
    pub supersedes: Option<i64>,
}

/// `None` is inserted as NULL, not DEFAULT, so many rows go in one multi-row INSERT on SQLite.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reports, treat_none_as_default_value = false)]
pub struct NewReport {
    pub bet_id: i64,
    pub value: f64,
    pub observed_at: StoredInstant,
    pub reported_by: i64,
    pub received_at: StoredInstant,
    pub source: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_digest: Option<String>,
    pub supersedes: Option<i64>,
}

impl InsertRun<NewReport> for Report {
    type Out = Vec<Report>;

    fn insert<const N: usize>(
        conn: &mut DbConnection,
        rows: &[NewReport; N],
    ) -> QueryResult<Vec<Report>> {
        // The multi-backend connection cannot express a multi-row INSERT; each backend can.
        match conn {
            // SQLite keeps exactly the values bound (timestamps as the text `StoredInstant`
            // wrote), so a stored row is its form plus its id; reading the rows back cost the
            // report writer more than inserting them.
            DbConnection::Sqlite(c) => {
                let mut ids: Vec<i64> = diesel::insert_into(reports::table)
                    .values(rows)
                    .returning(reports::id)
                    .get_results(c)?;
                // RETURNING order is not promised by either backend; ids ascend in insert order.
                ids.sort_unstable();
                Ok(ids
                    .into_iter()
                    .zip(rows)
                    .map(|(id, row)| Report::stored_as(id, row.clone()))
                    .collect())
            }
            // PostgreSQL rounds timestamps to microseconds: it answers with what it kept.
            DbConnection::Postgresql(c) => {
                let mut stored: Vec<Report> = diesel::insert_into(reports::table)
                    .values(rows)
                    .returning(reports::all_columns)
                    .get_results(c)?;
                stored.sort_by_key(|r| r.id);
                Ok(stored)
            }
        }
    }
}

/// A report and the id of the correction that replaced it, if any.
pub type ReportWithCorrection = (Report, Option<i64>);

impl Report {
    /// The row that storing `form` under `id` made.
    fn stored_as(id: i64, form: NewReport) -> Report {
        let NewReport {
            bet_id,
            value,
            observed_at,
            reported_by,
            received_at,
            source,
            idempotency_key,
            request_digest,
            supersedes,
        } = form;
        Report {
            id,
            bet_id,
            value,
            observed_at: observed_at.0,
            reported_by,
            received_at: received_at.0,
            source,
            idempotency_key,
            request_digest,
            supersedes,
        }
    }

    pub fn insert(conn: &mut DbConnection, form: &NewReport) -> QueryResult<Report> {
        diesel::insert_into(reports::table)
            .values(form)
            .returning(reports::all_columns)
            .get_result(conn)
    }

    /// Inserts many reports with multi-row INSERTs kept prepared; returns them in the order
    /// given.
    pub fn insert_many(conn: &mut DbConnection, forms: &[NewReport]) -> QueryResult<Vec<Report>> {
        let runs = insert_in_runs::<NewReport, Report>(conn, forms)?;
        Ok(runs.into_iter().flatten().collect())
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Report>> {
        reports::table
            .find(id)
            .select(Report::as_select())
            .first(conn)
            .optional()
    }

    /// The id of the correction that replaced this report, if any.
    pub fn superseded_by(conn: &mut DbConnection, id: i64) -> QueryResult<Option<i64>> {
        reports::table
            .filter(reports::supersedes.eq(id))
            .select(reports::id)
            .first(conn)
            .optional()
    }

    /// A page of the bet's reports, newest observation first, each with the id of the
    /// correction that replaced it; and the total.
    pub fn page_for_bet(
        conn: &mut DbConnection,
        bet_id: i64,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<ReportWithCorrection>, i64)> {
        let total = reports::table
            .filter(reports::bet_id.eq(bet_id))
            .count()
            .get_result(conn)?;
        let rows = reports::table
            .left_join(
                corrections.on(corrections
                    .field(reports::supersedes)
                    .eq(reports::id.nullable())),
            )
            .filter(reports::bet_id.eq(bet_id))
            .select((
                Report::as_select(),
                corrections.field(reports::id).nullable(),
            ))
            .order((reports::observed_at.desc(), reports::id.desc()))
            .offset(offset)
            .limit(limit)
            .load(conn)?;
        Ok((rows, total))
    }

    pub fn count_for_bet(conn: &mut DbConnection, bet_id: i64) -> QueryResult<i64> {
        reports::table
            .filter(reports::bet_id.eq(bet_id))
            .count()
            .get_result(conn)
    }
}
