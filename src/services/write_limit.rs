//! The per-token limit on API writes: a token bucket per API token, held in this process.
//!
//! A script that loops over single reports as fast as it can would crowd out every other team;
//! past its burst it gets 429 with `Retry-After` and is told to batch. Reads are not limited.
//! Each server process keeps its own buckets, so several processes on one PostgreSQL database
//! allow each token the rate once per process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppError;

/// Buckets kept before idle ones (refilled to full, so forgetting them changes nothing) are
/// dropped.
const PRUNE_AT: usize = 10_000;

/// How fast a token may write: `per_second` sustained, up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteRate {
    pub per_second: u32,
    pub burst: u32,
}

#[derive(Debug)]
pub struct WriteLimit {
    rate: WriteRate,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Writes this token may still make now.
    allowance: f64,
    updated: Instant,
}

impl WriteLimit {
    /// None when `per_second` is 0: writes are not limited.
    pub fn new(rate: WriteRate) -> Option<Self> {
        (rate.per_second > 0).then(|| Self {
            rate: WriteRate {
                per_second: rate.per_second,
                burst: rate.burst.max(1),
            },
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Takes one write from `token`'s bucket, or refuses with 429 and the wait in `Retry-After`.
    pub fn take_or_refuse(&self, token: i64, now: Instant) -> Result<(), AppError> {
        self.take(token, now).map_err(|wait| {
            AppError::too_many_requests(
                "this token is writing too fast; wait, or send reports in batches (POST /api/v1/reports/batch)",
            )
            // Whole seconds, rounded up: a client that waits this long is let through.
            .with_retry_after(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        })
    }

    /// Takes one write from `token`'s bucket, or says how long until one is available.
    pub fn take(&self, token: i64, now: Instant) -> Result<(), Duration> {
        let per_second = f64::from(self.rate.per_second);
        let burst = f64::from(self.rate.burst);
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still numbers, so keep limiting with them.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT {
            let full_after = Duration::from_secs_f64(burst / per_second);
            buckets.retain(|_, b| now.saturating_duration_since(b.updated) < full_after);
        }
        let bucket = buckets.entry(token).or_insert(Bucket {
            allowance: burst,
            updated: now,
        });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second;
        bucket.allowance = (bucket.allowance + refill).min(burst);
        bucket.updated = now;
        if bucket.allowance >= 1.0 {
            bucket.allowance -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.allowance) / per_second,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(per_second: u32, burst: u32) -> WriteLimit {
        WriteLimit::new(WriteRate { per_second, burst }).unwrap()
    }

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let limit = limit(10, 3);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limit.take(1, start), Ok(()));
        }
        let wait = limit.take(1, start).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        // A tenth of a second later exactly one more write is allowed.
        let later = start + Duration::from_millis(100);
        assert_eq!(limit.take(1, later), Ok(()));
        assert!(limit.take(1, later).is_err());
    }

    #[test]
    fn tokens_have_their_own_buckets() {
        let limit = limit(1, 1);
        let now = Instant::now();
        assert_eq!(limit.take(1, now), Ok(()));
        assert!(limit.take(1, now).is_err());
        assert_eq!(limit.take(2, now), Ok(()));
    }

    #[test]
    fn an_idle_token_refills_only_to_its_burst() {
        let limit = limit(100, 2);
        let start = Instant::now();
        assert_eq!(limit.take(7, start), Ok(()));
        let much_later = start + Duration::from_secs(3600);
        assert_eq!(limit.take(7, much_later), Ok(()));
        assert_eq!(limit.take(7, much_later), Ok(()));
        assert!(limit.take(7, much_later).is_err());
    }

    #[test]
    fn zero_means_unlimited() {
        assert!(
            WriteLimit::new(WriteRate {
                per_second: 0,
                burst: 10
            })
            .is_none()
        );
    }

    #[test]
    fn pruning_forgets_only_full_buckets() {
        let limit = limit(1, 1);
        let start = Instant::now();
        for token in 0..i64::try_from(PRUNE_AT).unwrap() {
            let _ = limit.take(token, start);
        }
        // Token 0 is empty; pruning at the same instant must not hand it a fresh bucket.
        assert!(limit.take(0, start).is_err());
    }
}
