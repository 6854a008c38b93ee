//! Idempotency keys of market writes (subscribing, filing, accepting, raising, delivering):
//! a client names one intended write, and a retry with the same key and content answers with
//! the object the first attempt wrote, writing nothing. The key is looked up and stored in the
//! write's own transaction, so a crash between the write and the key cannot happen.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::db::market::idempotency::StoredKey;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, IdempotencyKey};
use crate::error::AppError;
use crate::services::retry;

/// One write as a client sent it: the operation ("request.accept 12") and its content.
pub struct Keyed<'a> {
    pub key: Option<&'a IdempotencyKey>,
    pub operation: String,
    pub content: serde_json::Value,
}

/// What a keyed write did: wrote `id`, or found an earlier attempt that wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New(i64),
    Replayed(i64),
}

impl Written {
    pub fn id(self) -> i64 {
        match self {
            Written::New(id) | Written::Replayed(id) => id,
        }
    }

    pub fn replayed(self) -> bool {
        matches!(self, Written::Replayed(_))
    }
}

impl Keyed<'_> {
    fn digest(&self) -> String {
        let text = format!("{}\n{}", self.operation, self.content);
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    /// Runs `write` in a write transaction unless this key was used before, storing the key
    /// in that same transaction; a first attempt that lost a race on the key is run again and
    /// replays the winner.
    pub fn write(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        now: DateTime<Utc>,
        mut write: impl FnMut(&mut DbConnection) -> Result<i64, AppError>,
    ) -> Result<Written, AppError> {
        retry::on_duplicate(|| {
            write_transaction(conn, |conn| self.run(conn, actor, now, &mut write))
        })
    }

    fn run(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        now: DateTime<Utc>,
        write: &mut impl FnMut(&mut DbConnection) -> Result<i64, AppError>,
    ) -> Result<Written, AppError> {
        let Some(key) = self.key else {
            return write(conn).map(Written::New);
        };
        let digest = self.digest();
        if let Some(stored) = StoredKey::find(conn, actor.user_id, key.as_str())? {
            if stored.operation == self.operation && stored.request_digest == digest {
                return Ok(Written::Replayed(stored.object_id));
            }
            return Err(AppError::conflict(
                "idempotency_conflict",
                format!(
                    "the idempotency key {:?} was used for another request ({}); use a new key for a new request",
                    key.as_str(),
                    stored.operation
                ),
            )
            .with_field("Idempotency-Key"));
        }
        let id = write(conn)?;
        StoredKey::insert(
            conn,
            &StoredKey {
                user_id: actor.user_id,
                key: key.as_str().to_owned(),
                operation: self.operation.clone(),
                request_digest: digest,
                object_id: id,
                created_at: now.naive_utc(),
            },
        )?;
        Ok(Written::New(id))
    }
}
