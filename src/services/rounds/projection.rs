//! Where bets stand for the next round, in the engine's own terms: exactly the evidence the
//! next round will read (the reports after the last committed round's `as_of`), evaluated at
//! the next round's instant against the threshold in force then (the fitted trend extended to
//! that instant). Just after a round there is too little of it, and the projection says so
//! (`insufficient_data`) rather than reading a trend from reports the round will not use.
//! Nothing is stored; the teams, the bet page and the arena leaderboard read it.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::evidence::{Terms, gather};
use crate::db::DbConnection;
use crate::db::rounds::Round;
use crate::domain::RoundStatus;
use crate::engine::{BetResult, Outcome, Policy, evaluate};
use crate::error::AppError;

/// How far apart rounds are when there is no history to tell.
const DEFAULT_ROUND_INTERVAL: TimeDelta = TimeDelta::days(30);

/// A bet's standing for the next round.
#[derive(Debug, Clone, Serialize)]
pub struct Projection {
    /// The instant the projection evaluates at.
    pub next_round_at: DateTime<Utc>,
    /// The evidence it reads: reports observed after this instant (the last committed round's
    /// `as_of`); None before the first round, when every report counts.
    pub window_start: Option<DateTime<Utc>>,
    /// The engine's result at that instant (level, se, P, outcome, progress, slope).
    pub result: BetResult,
    /// d * (L - T): how far the projected level is past its threshold (negative: short of it).
    pub margin: Option<f64>,
    /// The confidence c of the policy it was judged by: P(beat) is read against it.
    pub confidence: f64,
}

impl Projection {
    /// `on track`, `at risk`, `uncertain` or `not enough data`.
    pub fn verdict(&self) -> &'static str {
        match self.result.outcome {
            Outcome::Beat => "on track",
            Outcome::Miss => "at risk",
            Outcome::Uncertain => "uncertain",
            Outcome::InsufficientData => "not enough data",
        }
    }
}

/// The next round's instant: a future draft's `as_of`, else the latest committed round's plus
/// the last interval between rounds (30 days when there is none), never before `now`.
pub fn next_round_at(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, AppError> {
    let rounds = Round::list(conn)?;
    if let Some(draft) = rounds
        .iter()
        .filter(|r| r.status == RoundStatus::Draft && r.as_of.and_utc() > now)
        .min_by_key(|r| r.as_of)
    {
        return Ok(draft.as_of.and_utc());
    }
    let mut committed = rounds
        .iter()
        .filter(|r| r.status == RoundStatus::Committed)
        .map(|r| r.as_of.and_utc());
    let next = match (committed.next(), committed.next()) {
        (Some(latest), Some(before)) => latest + (latest - before).max(TimeDelta::days(1)),
        (Some(latest), None) => latest + DEFAULT_ROUND_INTERVAL,
        _ => now + DEFAULT_ROUND_INTERVAL,
    };
    Ok(next.max(now + TimeDelta::days(1)))
}

/// Projects the given bets (those active with a threshold in force at the next round).
pub fn project(
    conn: &mut DbConnection,
    bets: &[i64],
    now: DateTime<Utc>,
) -> Result<BTreeMap<i64, Projection>, AppError> {
    if bets.is_empty() {
        return Ok(BTreeMap::new());
    }
    let at = next_round_at(conn, now)?;
    let rounds = Round::list(conn)?;
    let policy = match rounds.first() {
        Some(latest) => serde_json::from_str(&latest.policy).map_err(|e| AppError::internal(&e))?,
        None => Policy::default(),
    };
    // The next round's own window: after the last committed round, as the round will default.
    let window_start = rounds
        .iter()
        .find(|r| r.status == RoundStatus::Committed)
        .map(|r| r.as_of.and_utc());
    let terms = Terms {
        round_id: None,
        budget: 0,
        as_of: at.naive_utc(),
        window_start: window_start.map(|t| t.naive_utc()),
        policy,
        // A projection has no budget: its reasons quote no money worth formatting.
        money_decimals: 0,
    };
    let confidence = terms.policy.confidence;
    let gathered = gather(conn, &terms, Some(bets))?;
    let outcome = evaluate(&gathered.input).map_err(super::evaluation::engine_error)?;
    let directions: BTreeMap<i64, f64> = gathered
        .input
        .bets
        .iter()
        .map(|b| (b.id, b.direction.sign()))
        .collect();
    Ok(outcome
        .results
        .into_iter()
        .map(|result| {
            let sign = directions.get(&result.bet_id).copied().unwrap_or(1.0);
            let margin = result.level.map(|l| sign * (l - result.threshold));
            (
                result.bet_id,
                Projection {
                    next_round_at: at,
                    window_start,
                    margin,
                    result,
                    confidence,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;
    use crate::db::DatabaseUrl;
    use crate::db::connection::{POOL_WAIT, connect};
    use crate::db::schema::{bets, reports};
    use crate::domain::Currency;

    /// The demo's "Channel posts" once ranked first in its arena, "on track", from a trend
    /// read mostly off reports before the last round. The projection must read exactly what
    /// the next round will: the reports after the last committed round.
    #[test]
    fn the_forward_view_reads_only_the_next_rounds_evidence() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(dir.path().join("demo.db").to_str().unwrap()).unwrap();
        let pool = connect(&url, 1, POOL_WAIT).unwrap();
        let mut conn = pool.get().unwrap();
        let now = crate::domain::time::now();
        crate::demo::build(&mut conn, &Currency::usd(), now).unwrap();
        let bet: i64 = bets::table
            .filter(bets::title.eq("Channel posts"))
            .select(bets::id)
            .first(&mut *conn)
            .unwrap();
        let last_round = Round::list(&mut conn)
            .unwrap()
            .into_iter()
            .find(|r| r.status == RoundStatus::Committed)
            .unwrap()
            .as_of;
        let since_last: Vec<f64> = reports::table
            .filter(reports::bet_id.eq(bet))
            .filter(reports::observed_at.gt(last_round))
            .filter(reports::observed_at.le(now.naive_utc()))
            .select(reports::value)
            .load(&mut *conn)
            .unwrap();
        let projection = project(&mut conn, &[bet], now)
            .unwrap()
            .remove(&bet)
            .unwrap();
        assert_eq!(projection.window_start, Some(last_round.and_utc()));
        assert!(
            usize::try_from(projection.result.n).unwrap() <= since_last.len(),
            "{} reports read, {} after the last round",
            projection.result.n,
            since_last.len()
        );
        if since_last.len() < 3 {
            assert_eq!(projection.verdict(), "not enough data");
        } else {
            // The level comes from these reports: within their range, not far above them.
            let top = since_last.iter().copied().fold(f64::MIN, f64::max);
            let level = projection.result.level.unwrap();
            assert!(level <= top * 1.5, "level {level} from reports up to {top}");
        }
    }
}
