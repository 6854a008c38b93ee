//! Storage: the schema, one module per table group with its row structs, insert forms and
//! queries, and the connection to SQLite or PostgreSQL. Nothing here decides policy; it reads and
//! writes what the handlers and the round service ask for.

/// Runs the same diesel expression on the concrete connection of either backend: for the few
/// statements the multi-backend connection cannot express (multi-row INSERT), and for the hot
/// lookups of every report and request, because the multi-backend connection writes out a
/// query's SQL on every call, even when the statement is already prepared.
macro_rules! on_each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}

pub mod checkpoint;
pub mod connection;
pub mod instant;
mod prepared_insert;
pub mod schema;
pub mod scratch;

pub use connection::{DatabaseUrl, DbConnection, Pool, write_transaction};

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("no database connection became free in time: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::r2d2::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("the database task stopped before it finished")]
    TaskFailed,
}

/// Runs blocking diesel work on the blocking thread pool with a pooled connection, so async
/// workers never wait on the database.
pub async fn run<T, E, F>(pool: &Pool, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        work(&mut conn)
    })
    .await
    .map_err(|_| E::from(DbError::TaskFailed))?
}

/// The current instant at the precision both backends store (microseconds), as UTC.
pub fn now() -> chrono::NaiveDateTime {
    crate::domain::time::now().naive_utc()
}

pub mod arenas;
pub mod audit;
pub mod bets;
pub mod ledger;
pub mod market;
pub mod names;
pub mod overview;
pub mod policy_adoptions;
pub mod portfolio;
pub mod races;
pub mod reports;
pub mod round_history;
pub mod rounds;
pub mod teams;
pub mod users;
pub mod words;
