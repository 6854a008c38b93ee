//! What the report queries' tests share: SQLite's plan for a statement over a freshly migrated
//! database, and a migrated scratch PostgreSQL database when `HORSERACE_TEST_POSTGRES` names a
//! server.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use crate::db::DbConnection;
use crate::db::connection::run_migrations;

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
pub(super) fn postgres_database(label: &str) -> Option<(ScratchPostgres, DbConnection)> {
    let server = std::env::var("HORSERACE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())?;
    let db = ScratchPostgres::create(&server, label);
    let mut conn = DbConnection::Postgresql(PgConnection::establish(&db.url).unwrap());
    run_migrations(&mut conn).unwrap();
    Some((db, conn))
}

/// A database of its own on a PostgreSQL server, dropped with the test.
pub(super) struct ScratchPostgres {
    server: String,
    name: String,
    url: String,
}

impl ScratchPostgres {
    fn create(server_url: &str, label: &str) -> ScratchPostgres {
        let after = server_url.find("://").map_or(0, |i| i + 3);
        let server = match server_url[after..].find('/') {
            Some(slash) => server_url[..after + slash].to_owned(),
            None => server_url.trim_end_matches('/').to_owned(),
        };
        let name = format!("hr_unit_{label}_{}", std::process::id());
        let mut admin = PgConnection::establish(&format!("{server}/postgres")).unwrap();
        for statement in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin.batch_execute(&statement).unwrap();
        }
        let url = format!("{server}/{name}");
        ScratchPostgres { server, name, url }
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&format!("{}/postgres", self.server)) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
