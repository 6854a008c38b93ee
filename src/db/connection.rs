//! The database connection: one enum over SQLite and PostgreSQL, a pool that picks the backend
//! from the URL, the pragmas every SQLite connection needs, and migrations run at start.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any advisory-lock key works as long as every horserace process uses the same one: it keeps
/// several servers starting at once against one PostgreSQL database from migrating twice.
const MIGRATION_LOCK_KEY: i64 = 0x686f_7273_6572_6163; // "horserac"

/// A connection to either backend. Queries are written once against the common subset.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a `DATABASE_URL` names, parsed once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (from `sqlite://PATH` or a bare path).
    Sqlite(String),
    /// A libpq connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a `DATABASE_URL`: `postgres://...` picks PostgreSQL, `sqlite://PATH` or a bare
    /// path picks SQLite. An empty value is refused.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let path = raw.strip_prefix("sqlite://").unwrap_or(raw);
        if path.is_empty() {
            return Err("DATABASE_URL names no SQLite file".into());
        }
        if path.contains("://") {
            return Err(format!(
                "DATABASE_URL scheme is not supported: {raw} (use postgres://... or a SQLite file path)"
            ));
        }
        Ok(Self::Sqlite(path.to_owned()))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// The URL with any password replaced, fit for logs.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{path}"),
            Self::Postgres(url) => redact_postgres(url),
        }
    }
}

/// Hides a libpq URL's password, in the user information or as a `password` parameter. The
/// user information ends at the last `@`, so a password with an unescaped `@` stays hidden; an
/// `@` in a parameter hides more than it needs to, never less.
fn redact_postgres(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let (scheme, rest) = url.split_at(scheme_end + 3);
    let (user, rest) = match rest.rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((user, _)) => (format!("{user}:***"), &rest[at..]),
            None => (String::new(), rest),
        },
        None => (String::new(), rest),
    };
    let Some((before, query)) = rest.split_once('?') else {
        return format!("{scheme}{user}{rest}");
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{scheme}{user}{before}?{}", query.join("&"))
}

/// Opens connections of the backend the URL names (never guessing by trial, unlike
/// `MultiConnection::establish`) and prepares each SQLite connection.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

/// The busy timeout comes first, so that every later statement (switching to WAL included)
/// waits for a lock instead of failing; WAL lets readers run beside the one writer; NORMAL is
/// durable against a process crash in WAL mode. Temporary storage in memory keeps statement
/// journals (what a multi-row INSERT writes so that it can undo itself alone) off the disk: the
/// profiler found a group commit's inserts spilling them to a temporary file. They only ever
/// roll back a statement, never recover a crash, so durability is unchanged. The automatic
/// checkpoint waits for 50,000 pages (200 MB of log) instead of 1,000: the checkpointer thread
/// (`checkpoint`) copies the log in the background, and this is only its backstop. At 8,000 the
/// report writer ran it itself every half second under sustained single reports, each time
/// stalling every client for two fsyncs (a seventh of the writer's time).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; \
     PRAGMA wal_autocheckpoint = 50000;";

/// The same bound on waiting for a lock as SQLite's busy timeout: a request stuck behind a
/// long lock is answered 503 instead of hanging. No JIT compilation: it starts on a planner
/// cost estimate, and a round's history read (ten thousand short index walks, estimated in the
/// millions) spent 100-200 ms compiling for a read of 250 ms; nothing here runs long enough on
/// one expression for compiled code to pay that back.
const POSTGRES_SETTINGS: &str = "SET lock_timeout = '10s'; SET jit = off";

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(POSTGRES_SETTINGS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgresql(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    /// Asked at every checkout. A PostgreSQL connection can lose its server and is asked a
    /// `SELECT 1`; an SQLite connection is a library's handle on a local file and cannot, so it
    /// is not asked (SQLite compiled that statement afresh for every checkout: the report
    /// writer's profile showed it at a seventieth of its time).
    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        match conn {
            DbConnection::Postgresql(c) => c.batch_execute("SELECT 1"),
            DbConnection::Sqlite(_) => Ok(()),
        }
        .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        match conn {
            DbConnection::Postgresql(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
            DbConnection::Sqlite(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
        }
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// How long a request waits for a free connection by default.
pub const POOL_WAIT: Duration = Duration::from_secs(5);

/// Builds the pool and runs the pending migrations once. A request waits at most `wait` for a
/// free connection; then it is answered 503 rather than hanging.
pub fn connect(url: &DatabaseUrl, max_size: u32, wait: Duration) -> Result<Pool, DbError> {
    // One connection first: it switches a new SQLite file to WAL and migrates, before the pool
    // opens the others at once.
    let manager = ConnectionManager::new(url.clone());
    run_migrations(&mut manager.connect()?)?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(wait)
        .build(manager)?;
    Ok(pool)
}

/// Applies the embedded migrations of the connection's backend. On PostgreSQL an advisory lock
/// serialises servers that start at the same moment.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| DbError::Migration(e.to_string())),
        DbConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| DbError::Migration(e.to_string()));
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result
        }
    }?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}

/// The one writer of this process's SQLite database at a time.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a transaction that holds the write lock from its first statement.
///
/// SQLite's default deferred transaction takes the write lock only at its first write, and if
/// another connection wrote in between it fails at once instead of waiting (SQLITE_BUSY, which
/// the busy timeout does not cover). `BEGIN IMMEDIATE` waits its turn instead. PostgreSQL uses
/// a plain transaction; row locks and constraints handle concurrent writers there. Inside an
/// enclosing transaction it is a savepoint, so use cases compose (an import stores many batches
/// in one transaction).
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let depth =
        <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()?;
    if depth.is_some() {
        return conn.transaction(f);
    }
    // SQLite has one writer. Writers of this process queue here rather than on the database
    // lock, whose busy handler sleeps in steps of milliseconds and so wastes most of the time
    // under contention; the busy timeout still serves writers in other processes. The queue is
    // process-wide: a process serves one database (tests that run several servers in one
    // process share it).
    let sqlite_writer = match conn {
        DbConnection::Sqlite(c) => {
            let guard = SQLITE_WRITER
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            Some(guard)
        }
        DbConnection::Postgresql(c) => {
            AnsiTransactionManager::begin_transaction(c)?;
            None
        }
    };
    match f(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            if sqlite_writer.is_some() {
                super::checkpoint::committed();
            }
            Ok(value)
        }
        Err(error) => {
            match <DbConnection as Connection>::TransactionManager::rollback_transaction(conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                Err(rollback_error) => Err(rollback_error.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn database_url_picks_the_backend_from_the_scheme() {
        assert_eq!(
            DatabaseUrl::parse("horserace.db"),
            Ok(DatabaseUrl::Sqlite("horserace.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:p@127.0.0.1/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    /// `.cargo/config.toml` builds the bundled SQLite with the query planner stability
    /// guarantee; without it every `.first()` and every page is compiled again on each run.
    #[test]
    fn sqlite_is_built_with_query_planner_stability() {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        assert!(
            options.iter().any(|o| o == "ENABLE_QPSG"),
            "SQLite built without ENABLE_QPSG: {options:?}"
        );
    }

    #[test]
    fn redacted_url_hides_the_password() {
        let redacted = |raw: &str| DatabaseUrl::parse(raw).unwrap().redacted();
        assert_eq!(
            redacted("postgres://alice:secret@db:5432/hr"),
            "postgres://alice:***@db:5432/hr"
        );
        assert_eq!(
            redacted("postgres://alice:s@cr:et@db/hr?sslmode=require"),
            "postgres://alice:***@db/hr?sslmode=require"
        );
        assert_eq!(
            redacted("postgresql://db/hr?user=alice&password=secret&sslmode=disable"),
            "postgresql://db/hr?user=alice&password=***&sslmode=disable"
        );
    }

    #[test]
    fn redacted_url_without_a_password_is_left_as_it_is() {
        for raw in [
            "postgres://alice@db:5432/hr",
            "postgres://db/hr?sslmode=disable",
            "postgres://alice@127.0.0.1/hr?application_name=horserace",
        ] {
            assert_eq!(DatabaseUrl::parse(raw).unwrap().redacted(), raw);
        }
    }
}
