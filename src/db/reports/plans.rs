//! What the report queries' tests share: SQLite's plan for a statement over a freshly migrated
//! database, and a migrated scratch PostgreSQL database when `HORSERACE_TEST_POSTGRES` names a
//! server.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use crate::db::DbConnection;
use crate::db::connection::run_migrations;
use crate::db::scratch::ScratchDatabase;

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

/// SQLite's plan for `sql` over a freshly migrated database, one step a line.
pub(super) fn sqlite_plan(sql: &str) -> Vec<String> {
    let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
    run_migrations(&mut conn).unwrap();
    let DbConnection::Sqlite(c) = &mut conn else {
        unreachable!("opened as SQLite")
    };
    diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
        .load::<PlanStep>(c)
        .unwrap()
        .into_iter()
        .map(|step| step.detail)
        .collect()
}

/// One line of PostgreSQL's `EXPLAIN`.
#[derive(QueryableByName)]
pub(super) struct PgPlanLine {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    pub(super) plan: String,
}

/// A database of its own on the PostgreSQL server `HORSERACE_TEST_POSTGRES` names, migrated,
/// and dropped with the returned guard; `None` when no server is named.
pub(super) fn postgres_database(label: &str) -> Option<(ScratchDatabase, DbConnection)> {
    let server = std::env::var("HORSERACE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())?;
    let db = ScratchDatabase::create(&server, label).unwrap();
    let mut conn = DbConnection::Postgresql(PgConnection::establish(db.url()).unwrap());
    run_migrations(&mut conn).unwrap();
    Some((db, conn))
}
