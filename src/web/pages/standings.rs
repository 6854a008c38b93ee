//! What the arena and team pages both read about a set of bets: each bet's results over the
//! committed rounds, and where each active bet stands for the next round.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::rounds::RoundResultRow;
use crate::domain::BetStatus;
use crate::error::AppError;
use crate::services::rounds::projection::{Projection, project};
use crate::web::format;

pub struct Standings {
    /// Each bet's results, oldest round first.
    results: BTreeMap<i64, Vec<RoundResultRow>>,
    /// The active bets' projections to the next round.
    projections: BTreeMap<i64, Projection>,
}

impl Standings {
    /// Reads them inside the page's one database call.
    pub fn read(
        conn: &mut DbConnection,
        bets: &[Bet],
        now: DateTime<Utc>,
    ) -> Result<Standings, AppError> {
        let mut results = BTreeMap::new();
        for b in bets {
            results.insert(
                b.id,
                RoundResultRow::for_bet(conn, b.id)?
                    .into_iter()
                    .map(|(r, _)| r)
                    .collect(),
            );
        }
        Ok(Standings {
            projections: project(conn, &active_ids(bets), now)?,
            results,
        })
    }

    /// A bet's results, oldest round first; none before its first round.
    pub fn results(&self, bet_id: i64) -> &[RoundResultRow] {
        self.results
            .get(&bet_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn projection(&self, bet_id: i64) -> Option<&Projection> {
        self.projections.get(&bet_id)
    }

    /// The last round's grants together.
    pub fn last_round_total(&self) -> i64 {
        self.results
            .values()
            .filter_map(|r| r.last())
            .map(|r| r.granted)
            .sum()
    }

    /// The date of the next round: every projection is made for the same one.
    pub fn next_round(&self) -> Option<String> {
        self.projections
            .values()
            .next()
            .map(|p| format::date(p.next_round_at))
    }
}

/// The bets that take part in the next round.
pub fn active_ids(bets: &[Bet]) -> Vec<i64> {
    bets.iter()
        .filter(|b| b.status == BetStatus::Active)
        .map(|b| b.id)
        .collect()
}
