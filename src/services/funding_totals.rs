//! What each bet was granted over every committed round, for the portfolio page: its one
//! aggregate over all rounds' results (200,000 rows at 10,000 bets and 20 rounds, most of the
//! page's time on PostgreSQL). Those rows are written only by a commit, in the transaction that
//! marks their round committed, and never change after; committed rounds are never deleted.
//! So the totals change exactly when another round commits, and the last answer is kept with
//! the committed rounds it covers. A round committed by another server process on the same
//! database shows in the rounds every view reads first, so every process recomputes.

use std::sync::Mutex;

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::overview::{self, RoundHead};

/// The committed rounds an answer covers: how many, and the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Covered {
    rounds: usize,
    latest: i64,
    latest_as_of: NaiveDateTime,
    limit: i64,
}

/// (bet id, total granted), largest first.
type Totals = Vec<(i64, i64)>;

/// The most funded bets, kept from one committed round to the next; one per server process.
#[derive(Debug, Default)]
pub struct FundingTotals {
    last: Mutex<Option<(Covered, Totals)>>,
}

impl FundingTotals {
    /// The `limit` bets granted the most over `rounds` (every committed round, oldest first, as
    /// [`overview::committed_rounds`] reads them): (bet id, total), largest first.
    pub fn most_funded(
        &self,
        conn: &mut DbConnection,
        rounds: &[RoundHead],
        limit: i64,
    ) -> QueryResult<Totals> {
        let Some(latest) = rounds.last() else {
            return Ok(Vec::new());
        };
        let covered = Covered {
            rounds: rounds.len(),
            latest: latest.id,
            latest_as_of: latest.as_of,
            limit,
        };
        // A poisoned lock only loses the kept answer; the totals are computed again.
        if let Ok(last) = self.last.lock()
            && let Some((kept, totals)) = &*last
            && *kept == covered
        {
            return Ok(totals.clone());
        }
        let totals = overview::funding_totals(conn, limit)?;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((covered, totals.clone()));
        }
        Ok(totals)
    }
}
