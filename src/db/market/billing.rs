//! Billing runs, one per period, the subscriptions a run charges, and the charges a committed
//! run could not make.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{billing_runs, subscriptions, unpaid_charges};
use crate::domain::BillingRunStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = billing_runs)]
pub struct BillingRun {
    pub id: i64,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub status: BillingRunStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub preview: Option<String>,
    pub previewed_at: Option<NaiveDateTime>,
    pub committed_by: Option<i64>,
    pub committed_at: Option<NaiveDateTime>,
    pub charged: Option<i64>,
    pub unpaid: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = billing_runs)]
pub struct NewBillingRun {
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub status: BillingRunStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// What a commit writes on the run.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = billing_runs)]
pub struct CommittedRun {
    pub status: BillingRunStatus,
    pub preview: Option<String>,
    pub committed_by: Option<i64>,
    pub committed_at: Option<NaiveDateTime>,
    pub charged: Option<i64>,
    pub unpaid: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = unpaid_charges)]
pub struct UnpaidCharge {
    pub billing_run_id: i64,
    pub subscription_id: i64,
    pub service_id: i64,
    pub team_id: i64,
    pub provider_team_id: i64,
    pub bet_id: Option<i64>,
    pub amount: i64,
    /// How much the subscriber lacked at that point of the run.
    pub shortfall: i64,
}

/// What a billing run reads of a subscription it charges: who pays for what, how many units,
/// for which bet. Its timestamps are only compared, in the query: reading all four of them for
/// every subscription tripled the read on SQLite (11 ms against 3 for 10,000).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct Billable {
    pub id: i64,
    pub service_id: i64,
    pub team_id: i64,
    pub bet_id: Option<i64>,
    pub quantity: i64,
}

impl Billable {
    /// The subscriptions a run of the period starting at `start` charges: started at or before
    /// it, not ended by then; in ascending id, the order they are charged in.
    pub fn of_period(conn: &mut DbConnection, start: NaiveDateTime) -> QueryResult<Vec<Billable>> {
        subscriptions::table
            .filter(subscriptions::starts_at.le(start))
            .filter(
                subscriptions::ends_at
                    .is_null()
                    .or(subscriptions::ends_at.gt(start)),
            )
            .select(Billable::as_select())
            .order(subscriptions::id)
            .load(conn)
    }
}

impl BillingRun {
    pub fn create(conn: &mut DbConnection, form: &NewBillingRun) -> QueryResult<BillingRun> {
        diesel::insert_into(billing_runs::table)
            .values(form)
            .returning(billing_runs::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<BillingRun>> {
        billing_runs::table
            .find(id)
            .select(BillingRun::as_select())
            .first(conn)
            .optional()
    }

    /// Every run, latest period first.
    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<BillingRun>> {
        billing_runs::table
            .select(BillingRun::as_select())
            .order(billing_runs::period_start.desc())
            .load(conn)
    }

    /// A run whose period overlaps `[start, end)`, if one exists.
    pub fn overlapping(
        conn: &mut DbConnection,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> QueryResult<Option<BillingRun>> {
        billing_runs::table
            .filter(billing_runs::period_start.lt(end))
            .filter(billing_runs::period_end.gt(start))
            .select(BillingRun::as_select())
            .first(conn)
            .optional()
    }

    pub fn save_preview(
        conn: &mut DbConnection,
        id: i64,
        preview: &str,
        at: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            billing_runs::table
                .find(id)
                .filter(billing_runs::status.eq(BillingRunStatus::Draft)),
        )
        .set((
            billing_runs::preview.eq(preview),
            billing_runs::previewed_at.eq(at),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Marks a draft committed; false if it was not a draft any more (a commit won the race).
    pub fn mark_committed(
        conn: &mut DbConnection,
        id: i64,
        form: &CommittedRun,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            billing_runs::table
                .find(id)
                .filter(billing_runs::status.eq(BillingRunStatus::Draft)),
        )
        .set(form)
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Deletes a draft; false if it was committed meanwhile.
    pub fn delete_draft(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
        let n = diesel::delete(
            billing_runs::table
                .find(id)
                .filter(billing_runs::status.eq(BillingRunStatus::Draft)),
        )
        .execute(conn)?;
        Ok(n == 1)
    }
}

impl UnpaidCharge {
    pub fn insert_many(conn: &mut DbConnection, rows: &[UnpaidCharge]) -> QueryResult<()> {
        // 8 parameters a row: 1,000 rows stay under SQLite's parameter limit.
        for chunk in rows.chunks(1_000) {
            on_each_backend!(conn, |c| diesel::insert_into(unpaid_charges::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(())
    }

    /// The unpaid charges a team owes or is owed, of runs whose period starts in `[from, to)`.
    pub fn of_team(
        conn: &mut DbConnection,
        team_id: i64,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> QueryResult<Vec<UnpaidCharge>> {
        unpaid_charges::table
            .inner_join(billing_runs::table)
            .filter(
                unpaid_charges::team_id
                    .eq(team_id)
                    .or(unpaid_charges::provider_team_id.eq(team_id)),
            )
            .filter(billing_runs::period_start.ge(from))
            .filter(billing_runs::period_start.lt(to))
            .select(UnpaidCharge::as_select())
            .order((
                unpaid_charges::billing_run_id,
                unpaid_charges::subscription_id,
            ))
            .load(conn)
    }

    pub fn of_run(conn: &mut DbConnection, run_id: i64) -> QueryResult<Vec<UnpaidCharge>> {
        unpaid_charges::table
            .filter(unpaid_charges::billing_run_id.eq(run_id))
            .select(UnpaidCharge::as_select())
            .order(unpaid_charges::subscription_id)
            .load(conn)
    }
}
