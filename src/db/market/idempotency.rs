//! Idempotency keys of market writes: per user, the operation a key was first used for, a
//! digest of what was sent, and the object that write made or changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::idempotency_keys;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredKey {
    pub user_id: i64,
    pub key: String,
    pub operation: String,
    pub request_digest: String,
    pub object_id: i64,
    pub created_at: NaiveDateTime,
}

impl StoredKey {
    pub fn find(conn: &mut DbConnection, user_id: i64, key: &str) -> QueryResult<Option<Self>> {
        idempotency_keys::table
            .find((user_id, key))
            .select(StoredKey::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(conn: &mut DbConnection, row: &StoredKey) -> QueryResult<()> {
        diesel::insert_into(idempotency_keys::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }
}
