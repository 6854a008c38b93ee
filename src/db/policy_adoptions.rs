//! The portfolio's adopted default policies (`policy_adoptions`): inserted, never changed; the
//! latest is the default a new draft starts from when it came after the last committed round.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::policy_adoptions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = policy_adoptions)]
pub struct PolicyAdoption {
    pub id: i64,
    /// The policy as JSON, written as the engine writes it.
    pub policy: String,
    pub reason: String,
    pub lab_run: Option<String>,
    pub adopted_by: i64,
    pub adopted_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = policy_adoptions)]
pub struct NewPolicyAdoption<'a> {
    pub policy: &'a str,
    pub reason: &'a str,
    pub lab_run: Option<&'a str>,
    pub adopted_by: i64,
    pub adopted_at: NaiveDateTime,
}

impl PolicyAdoption {
    pub fn insert(conn: &mut DbConnection, form: &NewPolicyAdoption<'_>) -> QueryResult<Self> {
        diesel::insert_into(policy_adoptions::table)
            .values(form)
            .returning(policy_adoptions::all_columns)
            .get_result(conn)
    }

    /// The adoption in force: the latest (the higher id between equal instants).
    pub fn latest(conn: &mut DbConnection) -> QueryResult<Option<Self>> {
        policy_adoptions::table
            .select(PolicyAdoption::as_select())
            .order((
                policy_adoptions::adopted_at.desc(),
                policy_adoptions::id.desc(),
            ))
            .first(conn)
            .optional()
    }

    /// Every adoption, the latest first.
    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Self>> {
        policy_adoptions::table
            .select(PolicyAdoption::as_select())
            .order((
                policy_adoptions::adopted_at.desc(),
                policy_adoptions::id.desc(),
            ))
            .load(conn)
    }
}
