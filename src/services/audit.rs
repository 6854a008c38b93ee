//! Writing audit rows: who did what to which object, with a JSON detail.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::audit::{AuditEntry, NewAuditEntry};
use crate::domain::Actor;

pub fn record(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    action: &str,
    object: (&str, Option<i64>),
    detail: Value,
    at: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    AuditEntry::record(conn, &entry(actor, action, object, detail, at))
}

/// The row [`record`] writes, for callers that write many at once.
pub fn entry<'a>(
    actor: Option<&Actor>,
    action: &'a str,
    object: (&'a str, Option<i64>),
    detail: Value,
    at: DateTime<Utc>,
) -> NewAuditEntry<'a> {
    NewAuditEntry {
        at: at.naive_utc().into(),
        actor_id: actor.map(|a| a.user_id),
        action,
        object_type: object.0,
        object_id: object.1,
        detail: detail.to_string(),
    }
}
