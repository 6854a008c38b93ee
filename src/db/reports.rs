//! Reports: observations of a bet's metric. Only ever inserted; a correction is a new row
//! whose `supersedes` names the report it replaces.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::reports;

diesel::alias!(reports as corrections: CorrectionsAlias);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
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
    pub supersedes: Option<i64>,
}

/// `None` is inserted as NULL, not DEFAULT, so many rows go in one multi-row INSERT on SQLite.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reports, treat_none_as_default_value = false)]
pub struct NewReport {
    pub bet_id: i64,
    pub value: f64,
    pub observed_at: NaiveDateTime,
    pub reported_by: i64,
    pub received_at: NaiveDateTime,
    pub source: Option<String>,
    pub idempotency_key: Option<String>,
    pub supersedes: Option<i64>,
}

/// What a client chose about a report (not who sent it or when it arrived): two requests with
/// the same idempotency key must agree on all of it to be the same write.
pub type RequestFields<'a> = (i64, u64, NaiveDateTime, Option<&'a str>, Option<i64>);

impl NewReport {
    pub fn request_fields(&self) -> RequestFields<'_> {
        (
            self.bet_id,
            self.value.to_bits(),
            self.observed_at,
            self.source.as_deref(),
            self.supersedes,
        )
    }
}

/// A report and the id of the correction that replaced it, if any.
pub type ReportWithCorrection = (Report, Option<i64>);

/// Rows per INSERT: 9 parameters a row stays well under SQLite's 32,766-parameter limit.
const INSERT_CHUNK: usize = 1_000;

impl Report {
    pub fn request_fields(&self) -> RequestFields<'_> {
        (
            self.bet_id,
            self.value.to_bits(),
            self.observed_at,
            self.source.as_deref(),
            self.supersedes,
        )
    }

    pub fn insert(conn: &mut DbConnection, form: &NewReport) -> QueryResult<Report> {
        diesel::insert_into(reports::table)
            .values(form)
            .returning(reports::all_columns)
            .get_result(conn)
    }

    /// Inserts many reports with multi-row INSERTs; returns them in the order given.
    pub fn insert_many(conn: &mut DbConnection, forms: &[NewReport]) -> QueryResult<Vec<Report>> {
        let mut stored = Vec::with_capacity(forms.len());
        for chunk in forms.chunks(INSERT_CHUNK) {
            // The multi-backend connection cannot express a multi-row INSERT; each backend can.
            let mut rows: Vec<Report> = on_each_backend!(conn, |c| {
                diesel::insert_into(reports::table)
                    .values(chunk)
                    .returning(reports::all_columns)
                    .get_results(c)?
            });
            // RETURNING order is not promised by either backend; ids ascend in insert order.
            rows.sort_by_key(|r| r.id);
            stored.extend(rows);
        }
        Ok(stored)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Report>> {
        reports::table
            .find(id)
            .select(Report::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_key(
        conn: &mut DbConnection,
        bet_id: i64,
        key: &str,
    ) -> QueryResult<Option<Report>> {
        reports::table
            .filter(reports::bet_id.eq(bet_id))
            .filter(reports::idempotency_key.eq(key))
            .select(Report::as_select())
            .first(conn)
            .optional()
    }

    /// Stored reports carrying any of these idempotency keys (callers match the bet).
    pub fn find_by_keys(conn: &mut DbConnection, keys: &[&str]) -> QueryResult<Vec<Report>> {
        let mut found = Vec::new();
        for chunk in keys.chunks(500) {
            found.extend(
                reports::table
                    .filter(reports::idempotency_key.eq_any(chunk))
                    .select(Report::as_select())
                    .load(conn)?,
            );
        }
        Ok(found)
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
