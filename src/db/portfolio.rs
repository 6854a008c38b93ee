//! The portfolio: its name and currency (one per installation), and its ledger account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{accounts, portfolio};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = portfolio)]
pub struct Portfolio {
    pub id: i64,
    pub name: String,
    pub currency: String,
    pub created_at: NaiveDateTime,
    /// The length of a billing period in months (see `domain::PeriodLength`).
    pub billing_period_months: i32,
}

impl Portfolio {
    pub fn get(conn: &mut DbConnection) -> QueryResult<Option<Portfolio>> {
        portfolio::table
            .select(Portfolio::as_select())
            .first(conn)
            .optional()
    }

    /// Creates the portfolio and its account on first start.
    pub fn create(
        conn: &mut DbConnection,
        name: &str,
        currency: &str,
        at: NaiveDateTime,
    ) -> QueryResult<Portfolio> {
        diesel::insert_into(accounts::table)
            .values((
                accounts::kind.eq("portfolio"),
                accounts::name.eq("portfolio"),
                accounts::created_at.eq(at),
            ))
            .execute(conn)?;
        diesel::insert_into(portfolio::table)
            .values((
                portfolio::id.eq(1),
                portfolio::name.eq(name),
                portfolio::currency.eq(currency),
                portfolio::created_at.eq(at),
            ))
            .returning(portfolio::all_columns)
            .get_result(conn)
    }

    pub fn set_billing_period_months(conn: &mut DbConnection, months: i32) -> QueryResult<()> {
        diesel::update(portfolio::table)
            .set(portfolio::billing_period_months.eq(months))
            .execute(conn)?;
        Ok(())
    }
}
