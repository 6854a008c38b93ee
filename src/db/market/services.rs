//! Services: shared services and internal platforms, each provided by one team.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::services;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = services)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub provider_team_id: i64,
    pub description: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = services)]
pub struct NewService<'a> {
    pub name: &'a str,
    pub provider_team_id: i64,
    pub description: &'a str,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

impl Service {
    pub fn create(conn: &mut DbConnection, form: &NewService<'_>) -> QueryResult<Service> {
        diesel::insert_into(services::table)
            .values(form)
            .returning(services::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Service>> {
        services::table
            .find(id)
            .select(Service::as_select())
            .first(conn)
            .optional()
    }

    /// Every service, or those one team provides.
    pub fn list(conn: &mut DbConnection, provider: Option<i64>) -> QueryResult<Vec<Service>> {
        let mut query = services::table
            .select(Service::as_select())
            .order(services::id)
            .into_boxed();
        if let Some(team) = provider {
            query = query.filter(services::provider_team_id.eq(team));
        }
        query.load(conn)
    }
}
