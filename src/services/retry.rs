//! Two first attempts with one new idempotency key can race past the key's lookup on
//! PostgreSQL: the unique index stops the second, and trying again finds the first and replays
//! it. Every keyed write (reports, the market) retries through this.

use crate::error::AppError;

/// Runs `attempt` again, twice at most, while it fails on a duplicate row.
pub fn on_duplicate<T>(mut attempt: impl FnMut() -> Result<T, AppError>) -> Result<T, AppError> {
    let mut result = attempt();
    for _ in 0..2 {
        match &result {
            Err(e) if e.detail().code == "conflict" => result = attempt(),
            _ => break,
        }
    }
    result
}
