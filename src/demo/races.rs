//! The demo's races, through the same services as the API. Payments races three checkout and
//! refund bets on progress for five weeks after the third round, and the committee decides it
//! now: the winner scales, one loser merges into it (its second person moves), one is killed,
//! and the prize waits for the next draft round. Two races are under way: Messaging on its
//! common metric (weekly active users) and Search on progress, with the partner's bet racing.

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::DbConnection;
use crate::db::users::User;
use crate::domain::{Actor, Money, Name, Reason};
use crate::engine::RaceCall;
use crate::error::AppError;
use crate::services::races::decide::{Decision, Loser, LoserFate, decide};
use crate::services::races::declare::{RaceDraft, declare};
use crate::services::races::standings;

/// How long the finished race ran.
const FINISHED_RACE_DAYS: i64 = 35;

/// Declares the Payments race at `at` (just after the third round); returns its id.
pub(super) fn declare_finished(
    conn: &mut DbConnection,
    admin: &Actor,
    racers: Vec<i64>,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let draft = RaceDraft {
        arena_id: arena_of(conn, &racers)?,
        name: Name::parse("name", "Checkout race")?,
        racers,
        measure: None,
        starts_at: Some(at),
        finish_at: at + TimeDelta::days(FINISHED_RACE_DAYS),
        confidence: None,
        min_reports: None,
        prize: Some(Money::parse("prize", 10_000_000)?),
    };
    Ok(declare(conn, admin, &draft, at)?.id)
}

/// Decides the Payments race at `at`, after its finish: the leader wins (by the call, or on
/// its lead with a reason), the first other racer merges into it, the second is killed.
pub(super) fn decide_finished(
    conn: &mut DbConnection,
    admin: &Actor,
    race_id: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let watched = standings::watch(conn, admin, race_id, at)?;
    let (winner, reason) = match (watched.standings.call, watched.standings.leader) {
        (RaceCall::Winner { bet_id }, _) => (bet_id, None),
        (_, Some(leader)) => (
            leader,
            Some(Reason::parse(
                "reason",
                "The committee calls it on the lead: the gap has held for five weeks.",
            )?),
        ),
        (_, None) => return Err(AppError::internal(&"demo race without a leader")),
    };
    let losers: Vec<i64> = watched
        .readable
        .racers
        .iter()
        .map(|r| r.bet_id)
        .filter(|&b| b != winner)
        .collect();
    let merged = losers.first().copied();
    let mut decided = Vec::new();
    for bet_id in losers {
        if Some(bet_id) == merged {
            let team = watched
                .readable
                .racers
                .iter()
                .find(|r| r.bet_id == bet_id)
                .map(|r| r.team_id)
                .unwrap_or_default();
            // The team's first person keeps reporting for its other bets; the rest move.
            let people: Vec<i64> = User::list(conn, Some(team))?
                .iter()
                .skip(1)
                .map(|u| u.id)
                .collect();
            decided.push(Loser {
                bet_id,
                fate: LoserFate::Merge,
                people,
            });
        } else {
            decided.push(Loser {
                bet_id,
                fate: LoserFate::Kill,
                people: Vec::new(),
            });
        }
    }
    let decision = Decision {
        winner: Some(winner),
        reason,
        losers: decided,
        raise_cap_to: None,
    };
    decide(conn, admin, race_id, &decision, at)?;
    Ok(())
}

/// The races under way now: Messaging on its common metric, Search on progress.
pub(super) fn declare_running(
    conn: &mut DbConnection,
    admin: &Actor,
    (messaging, search): (Vec<i64>, Vec<i64>),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (name, racers, weeks) in [
        ("Weekly actives race", messaging, 2),
        ("Search quality race", search, 3),
    ] {
        let draft = RaceDraft {
            arena_id: arena_of(conn, &racers)?,
            name: Name::parse("name", name)?,
            racers,
            measure: None,
            starts_at: Some(now - TimeDelta::days(35)),
            finish_at: now + TimeDelta::weeks(weeks),
            confidence: None,
            min_reports: None,
            prize: Some(Money::parse("prize", 20_000_000)?),
        };
        declare(conn, admin, &draft, now)?;
    }
    Ok(())
}

fn arena_of(conn: &mut DbConnection, racers: &[i64]) -> Result<i64, AppError> {
    let first = racers
        .first()
        .ok_or_else(|| AppError::internal(&"demo race without racers"))?;
    crate::db::bets::Bet::find(conn, *first)?
        .map(|b| b.arena_id)
        .ok_or_else(|| AppError::internal(&"demo racer missing"))
}
