//! New names of teams, arenas and users: unique per kind by how they read, not only by their
//! bytes. A name whose look-alike key (`domain::lookalike_key`) matches an existing one of its
//! kind is refused, so "Tеam Y" (Cyrillic е) cannot stand beside "Team Y". Names stored before
//! this rule that collide stay as they are; only new names are checked.

use crate::db::DbConnection;
use crate::db::names::{self, NameKind};
use crate::domain::{Name, lookalike_key};
use crate::error::AppError;

/// Refuses `name` when a name of its kind already reads the same; call inside the transaction
/// that stores it.
pub fn ensure_new(conn: &mut DbConnection, kind: NameKind, name: &Name) -> Result<(), AppError> {
    names::lock(conn, kind)?;
    let key = lookalike_key(name.as_str());
    let noun = kind.noun();
    let article = if noun.starts_with('a') { "an" } else { "a" };
    for existing in names::all(conn, kind)? {
        if existing == name.as_str() {
            return Err(duplicate(format!(
                "{article} {noun} named {existing:?} already exists"
            )));
        }
        if lookalike_key(&existing) == key {
            return Err(duplicate(format!(
                "{:?} reads the same as the existing {noun} {existing:?}; choose a name that reads differently",
                name.as_str()
            )));
        }
    }
    Ok(())
}

fn duplicate(message: String) -> AppError {
    AppError::conflict("duplicate_name", message).with_field("name")
}
