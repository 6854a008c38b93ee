//! The database a test owns: a SQLite file in a temporary directory, or a scratch database
//! (`horserace::db::scratch`) on the PostgreSQL server `HORSERACE_TEST_POSTGRES` names. Nobody
//! has started a server on it yet, so the first start migrates it, creates the admin and prints
//! its token. Dropped with the test. Also: direct connections for checks behind the API's back.

use horserace::db::DbConnection;
use horserace::db::connection::{ConnectionManager, DatabaseUrl};
use horserace::db::scratch::{ScratchDatabase, server_part};

/// The PostgreSQL server the suite runs on (`postgres://user@host:port`), if
/// `HORSERACE_TEST_POSTGRES` names one.
pub fn postgres_server() -> Option<String> {
    std::env::var("HORSERACE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .map(|url| server_part(&url))
}

pub fn backend_name() -> &'static str {
    if postgres_server().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A fresh, empty database; dropped with the value.
pub struct FreshDatabase {
    /// What `DATABASE_URL` says for it: a file path or a PostgreSQL URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<ScratchDatabase>,
}

impl FreshDatabase {
    pub fn new() -> FreshDatabase {
        match postgres_server() {
            Some(server) => {
                let scratch = ScratchDatabase::create(&server, "test").unwrap_or_else(|e| {
                    panic!("HORSERACE_TEST_POSTGRES names a server to make databases on: {e}")
                });
                FreshDatabase {
                    url: scratch.url().to_owned(),
                    _dir: None,
                    postgres: Some(scratch),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("horserace.db");
                FreshDatabase {
                    url: path.to_str().expect("a UTF-8 path").to_owned(),
                    _dir: Some(dir),
                    postgres: None,
                }
            }
        }
    }

    /// The URL parsed, for the server's settings.
    pub fn database_url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&self.url).expect("a database URL")
    }

    /// The SQLite files (database and write-ahead log), if this is SQLite.
    pub fn sqlite_files(&self) -> Vec<std::path::PathBuf> {
        if self.postgres.is_some() {
            return Vec::new();
        }
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| std::path::PathBuf::from(format!("{}{suffix}", self.url)))
            .filter(|p| p.exists())
            .collect()
    }
}

impl Default for FreshDatabase {
    fn default() -> FreshDatabase {
        FreshDatabase::new()
    }
}

/// A direct connection to the database a server runs on, for checks behind the API's back.
pub fn connect(database_url: &str) -> DbConnection {
    use diesel::r2d2::ManageConnection;
    let url = DatabaseUrl::parse(database_url).expect("a database URL");
    ConnectionManager::new(url)
        .connect()
        .expect("a direct database connection")
}
