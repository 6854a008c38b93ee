//! Scratch PostgreSQL databases: a uniquely named, empty database on a given server, dropped
//! (`WITH (FORCE)`, so sessions still open do not keep it alive) when the value is dropped.
//!
//! It owns only the database's name and its life: it creates the database and runs nothing in
//! it (the server's migrations do that on first start). It lives in the library, not in a test
//! crate, because the integration tests and the benchmark suite both make such databases and
//! share this one implementation.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The longest label a name may carry: PostgreSQL truncates identifiers at 63 bytes, and the
/// rest of the name (prefix, process id, counter, random suffix) takes up to 41.
const MAX_LABEL: usize = 20;

/// Tells apart the databases one process makes.
static MADE: AtomicU64 = AtomicU64::new(0);

/// What can go wrong making a scratch database.
#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    #[error(
        "a scratch database's label is 1 to {MAX_LABEL} lowercase letters, digits or underscores, not {0:?}"
    )]
    Label(String),
    #[error("no randomness for a database name: {0}")]
    Random(getrandom::Error),
    #[error("cannot reach the PostgreSQL server {server}: {source}")]
    Connect {
        server: String,
        #[source]
        source: diesel::ConnectionError,
    },
    #[error("cannot create the database {name}: {source}")]
    Create {
        name: String,
        #[source]
        source: diesel::result::Error,
    },
}

/// An empty database of its own on a PostgreSQL server; dropped with the value.
#[derive(Debug)]
pub struct ScratchDatabase {
    server: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates `hr_<label>_<process>_<n>_<random>` on the server `server_url` names (any
    /// database part of the URL is ignored; the server's `postgres` database is used to create
    /// and drop it).
    pub fn create(server_url: &str, label: &str) -> Result<ScratchDatabase, ScratchError> {
        let valid = !label.is_empty()
            && label.len() <= MAX_LABEL
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ScratchError::Label(label.to_owned()));
        }
        let server = server_part(server_url);
        let random = getrandom::u32().map_err(ScratchError::Random)?;
        let name = format!(
            "hr_{label}_{}_{}_{random:08x}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = admin_connection(&server)?;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|source| ScratchError::Create {
                name: name.clone(),
                source,
            })?;
        let url = format!("{server}/{name}");
        Ok(ScratchDatabase { server, name, url })
    }

    /// The URL of the database, for `DATABASE_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        // Nothing to report to: a database left behind is harmless and named for its process.
        if let Ok(mut admin) = admin_connection(&self.server) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn admin_connection(server: &str) -> Result<PgConnection, ScratchError> {
    PgConnection::establish(&format!("{server}/postgres")).map_err(|source| ScratchError::Connect {
        server: server.to_owned(),
        source,
    })
}

/// `postgres://user@host:port` of a URL that may also name a database.
pub fn server_part(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url.get(after_scheme..).and_then(|rest| rest.find('/')) {
        Some(slash) => url[..after_scheme + slash].to_owned(),
        None => url.trim_end_matches('/').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_part_drops_the_database() {
        assert_eq!(server_part("postgres://u@h:5432/db"), "postgres://u@h:5432");
        assert_eq!(server_part("postgres://u@h:5432/"), "postgres://u@h:5432");
        assert_eq!(server_part("postgres://u@h:5432"), "postgres://u@h:5432");
    }

    #[test]
    fn a_label_that_is_not_an_identifier_is_refused() {
        for label in [
            "",
            "Upper",
            "semi;colon",
            "a-b",
            "much_too_long_a_label_here",
        ] {
            assert!(matches!(
                ScratchDatabase::create("postgres://nobody@127.0.0.1:1", label),
                Err(ScratchError::Label(_))
            ));
        }
    }
}
