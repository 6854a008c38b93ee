//! The names of teams, arenas, users and services, as the look-alike check reads them, and the lock that
//! makes that check and the insert after it one step on PostgreSQL (SQLite has one writer).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{arenas, services, teams, users};

/// The kinds of thing whose names are unique, each by its look-alike key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Team,
    Arena,
    User,
    Service,
}

impl NameKind {
    /// The word for it in messages: "a team named ...".
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::Team => "team",
            NameKind::Arena => "arena",
            NameKind::User => "user",
            NameKind::Service => "service",
        }
    }

    /// One advisory-lock key per kind, shared by every horserace process ("hrnames" + kind).
    fn lock_key(self) -> i64 {
        const BASE: i64 = 0x6872_6e61_6d65_7300;
        BASE + match self {
            NameKind::Team => 1,
            NameKind::Arena => 2,
            NameKind::User => 3,
            NameKind::Service => 4,
        }
    }
}

/// Every name of this kind.
pub fn all(conn: &mut DbConnection, kind: NameKind) -> QueryResult<Vec<String>> {
    match kind {
        NameKind::Team => teams::table.select(teams::name).load(conn),
        NameKind::Arena => arenas::table.select(arenas::name).load(conn),
        NameKind::User => users::table.select(users::name).load(conn),
        NameKind::Service => services::table.select(services::name).load(conn),
    }
}

/// Holds, until the transaction ends, the right to add a name of this kind: two processes
/// adding "Team Y" and "Tеam Y" at once cannot both pass the check.
pub fn lock(conn: &mut DbConnection, kind: NameKind) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        pg.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({})",
            kind.lock_key()
        ))?;
    }
    Ok(())
}
