//! Arenas: problem spaces in which several bets race.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::arenas;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = arenas)]
pub struct Arena {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = arenas)]
pub struct NewArena<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub created_at: NaiveDateTime,
}

impl Arena {
    pub fn create(conn: &mut DbConnection, form: &NewArena<'_>) -> QueryResult<Arena> {
        diesel::insert_into(arenas::table)
            .values(form)
            .returning(arenas::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Arena>> {
        arenas::table
            .find(id)
            .select(Arena::as_select())
            .first(conn)
            .optional()
    }

    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Arena>> {
        arenas::table
            .select(Arena::as_select())
            .order(arenas::id)
            .load(conn)
    }
}
