//! The audit log: who did what, when. Rows are only ever inserted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::instant::StoredInstant;
use super::prepared_insert::{InsertRun, insert_in_runs};
use super::schema::audit_log;
use crate::domain::Filter;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub detail: String,
}

/// `None` is inserted as NULL, not DEFAULT, so many rows go in one multi-row INSERT on SQLite.
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct NewAuditEntry<'a> {
    pub at: StoredInstant,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub detail: String,
}

// A statement stays prepared under its rows' type, which must therefore be `'static`.
impl InsertRun<NewAuditEntry<'static>> for AuditEntry {
    type Out = ();

    fn insert<const N: usize>(
        conn: &mut DbConnection,
        rows: &[NewAuditEntry<'static>; N],
    ) -> QueryResult<()> {
        // The multi-backend connection cannot express a multi-row INSERT; each backend can.
        on_each_backend!(conn, |c| diesel::insert_into(audit_log::table)
            .values(rows)
            .execute(c)
            .map(drop))
    }
}

/// Filters of the audit listing; every field narrows it.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub action: Option<Filter>,
    pub object_type: Option<Filter>,
    pub object_id: Option<i64>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

impl AuditEntry {
    pub fn record(conn: &mut DbConnection, entry: &NewAuditEntry<'_>) -> QueryResult<()> {
        diesel::insert_into(audit_log::table)
            .values(entry)
            .execute(conn)
            .map(drop)
    }

    /// Many entries with multi-row INSERTs kept prepared (none is a no-op).
    pub fn record_many(
        conn: &mut DbConnection,
        entries: &[NewAuditEntry<'static>],
    ) -> QueryResult<()> {
        insert_in_runs::<NewAuditEntry<'static>, AuditEntry>(conn, entries).map(drop)
    }

    /// A page of entries, newest first, and the total that match.
    pub fn page(
        conn: &mut DbConnection,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<AuditEntry>, i64)> {
        let query = || {
            let mut q = audit_log::table.into_boxed();
            if let Some(actor) = filter.actor_id {
                q = q.filter(audit_log::actor_id.eq(actor));
            }
            if let Some(action) = &filter.action {
                q = q.filter(audit_log::action.eq(action.as_str().to_owned()));
            }
            if let Some(object_type) = &filter.object_type {
                q = q.filter(audit_log::object_type.eq(object_type.as_str().to_owned()));
            }
            if let Some(object_id) = filter.object_id {
                q = q.filter(audit_log::object_id.eq(object_id));
            }
            if let Some(since) = filter.since {
                q = q.filter(audit_log::at.ge(since));
            }
            if let Some(until) = filter.until {
                q = q.filter(audit_log::at.lt(until));
            }
            q
        };
        let total = query().count().get_result(conn)?;
        let rows = query()
            .select(AuditEntry::as_select())
            .order(audit_log::id.desc())
            .offset(offset)
            .limit(limit)
            .load(conn)?;
        Ok((rows, total))
    }
}
