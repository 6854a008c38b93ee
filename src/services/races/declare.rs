//! Declaring a race (committee): who races, on what, until when, how sure the call must be,
//! and the prize. Every rule is checked before anything is written; a bet already racing, a
//! second race in the arena or a measure the racers do not share is refused whole.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::arenas::Arena;
use crate::db::bets::Bet;
use crate::db::races::{NewRace, Race, Racer};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, BetStatus, Money, Name, RaceMeasure, RaceStatus};
use crate::error::AppError;
use crate::services::audit;

/// The confidence a race's winner is called at unless the committee says otherwise.
pub const DEFAULT_CONFIDENCE: f64 = 0.9;
/// The reports a racer needs before it is compared, unless the committee says otherwise.
pub const DEFAULT_MIN_REPORTS: u32 = 3;

/// A race as the committee declares it.
#[derive(Debug, Clone)]
pub struct RaceDraft {
    pub arena_id: i64,
    pub name: Name,
    pub racers: Vec<i64>,
    /// None: the common metric when the racers share it, else progress.
    pub measure: Option<RaceMeasure>,
    /// None: now.
    pub starts_at: Option<DateTime<Utc>>,
    pub finish_at: DateTime<Utc>,
    pub confidence: Option<f64>,
    pub min_reports: Option<u32>,
    pub prize: Option<Money>,
}

/// Declares a race; returns it.
pub fn declare(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: &RaceDraft,
    now: DateTime<Utc>,
) -> Result<Race, AppError> {
    if !actor.is_committee() {
        return Err(AppError::forbidden(
            "only the portfolio committee declares races",
        ));
    }
    // Instants go through the domain's schedule rule (1970 to 9999, no leap second, whole
    // microseconds), so both backends store and compare them alike.
    let schedule = crate::domain::time::schedule_instant;
    let starts_at = schedule("starts_at", draft.starts_at.unwrap_or(now))?;
    let finish_at = schedule("finish_at", draft.finish_at)?;
    let draft = &RaceDraft {
        finish_at,
        starts_at: Some(starts_at),
        ..draft.clone()
    };
    check_terms(draft, starts_at, now)?;
    write_transaction(conn, |conn| {
        Arena::find(conn, draft.arena_id)?
            .ok_or_else(|| AppError::invalid("arena_id", "no arena has this id"))?;
        if let Some(running) = Race::running_in(conn, draft.arena_id)? {
            return Err(AppError::conflict(
                "race_under_way",
                format!(
                    "the arena already has a race under way ({}, race {}); decide it first",
                    running.name, running.id
                ),
            ));
        }
        let bets = racers(conn, draft)?;
        let (measure, metric) = measure(draft.measure, &bets)?;
        let race = Race::create(
            conn,
            &NewRace {
                arena_id: draft.arena_id,
                name: draft.name.as_str(),
                measure,
                metric_name: metric.map(|b| b.metric_name.as_str()),
                metric_unit: metric.map(|b| b.metric_unit.as_str()),
                direction: metric.map(|b| b.direction.as_str()),
                starts_at: starts_at.naive_utc(),
                finish_at: draft.finish_at.naive_utc(),
                confidence: draft.confidence.unwrap_or(DEFAULT_CONFIDENCE),
                min_reports: i32::try_from(draft.min_reports.unwrap_or(DEFAULT_MIN_REPORTS))
                    .unwrap_or(i32::MAX),
                prize: draft.prize.map(Money::minor_units),
                status: RaceStatus::Running,
                created_by: actor.user_id,
                created_at: now.naive_utc(),
            },
        )?;
        let rows: Vec<Racer> = bets
            .iter()
            .map(|b| Racer {
                race_id: race.id,
                bet_id: b.id,
                team_id: b.team_id,
                racing: true,
                fate: None,
                left_at: None,
            })
            .collect();
        Racer::insert_many(conn, &rows)?;
        audit::record(
            conn,
            Some(actor),
            "race.declare",
            ("race", Some(race.id)),
            json!({
                "arena_id": race.arena_id, "name": race.name, "racers": draft.racers,
                "measure": race.measure, "starts_at": race.starts_at.and_utc(),
                "finish_at": race.finish_at.and_utc(), "confidence": race.confidence,
                "min_reports": race.min_reports, "prize": race.prize,
            }),
            now,
        )?;
        Ok(race)
    })
}

/// The rules that need no database: the finish after the start and in the future, the
/// confidence and reports in the engine's ranges, two or more distinct racers.
fn check_terms(
    draft: &RaceDraft,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let at = crate::domain::time::display;
    if draft.finish_at <= now {
        return Err(AppError::invalid(
            "finish_at",
            format!("the finish must be in the future (now is {})", at(now)),
        ));
    }
    if draft.finish_at <= starts_at {
        return Err(AppError::invalid(
            "finish_at",
            format!("the finish must be after the start ({})", at(starts_at)),
        ));
    }
    if let Some(c) = draft.confidence
        && !(c > 0.5 && c < 1.0)
    {
        return Err(AppError::invalid(
            "confidence",
            "must be between 0.5 and 1, both excluded (0.9 calls a winner at P(best) 90%)",
        ));
    }
    if draft
        .min_reports
        .is_some_and(|m| !(3..=1_000_000).contains(&m))
    {
        return Err(AppError::invalid(
            "min_reports",
            "must be at least 3 (a line through fewer has no error to measure)",
        ));
    }
    let distinct: BTreeSet<i64> = draft.racers.iter().copied().collect();
    if distinct.len() != draft.racers.len() {
        return Err(AppError::invalid("racers", "a bet is listed twice"));
    }
    if distinct.len() < 2 {
        return Err(AppError::invalid(
            "racers",
            "a race needs at least two racers",
        ));
    }
    Ok(())
}

/// The racers' bets: active, in the arena, of different teams, none already racing.
fn racers(conn: &mut DbConnection, draft: &RaceDraft) -> Result<Vec<Bet>, AppError> {
    let mut bets = Bet::find_many(conn, &draft.racers)?;
    bets.sort_by_key(|b| b.id);
    if let Some(missing) = draft
        .racers
        .iter()
        .find(|id| !bets.iter().any(|b| b.id == **id))
    {
        return Err(AppError::invalid(
            "racers",
            format!("no bet has id {missing}"),
        ));
    }
    let mut teams = BTreeSet::new();
    for bet in &bets {
        if bet.status != BetStatus::Active {
            return Err(AppError::invalid(
                "racers",
                format!(
                    "bet {} ({}) is {}: only active bets race",
                    bet.id, bet.title, bet.status
                ),
            ));
        }
        if bet.arena_id != draft.arena_id {
            return Err(AppError::invalid(
                "racers",
                format!("bet {} ({}) is in another arena", bet.id, bet.title),
            ));
        }
        if !teams.insert(bet.team_id) {
            return Err(AppError::invalid(
                "racers",
                format!(
                    "two racers of one team (bet {} and another): a race is between teams",
                    bet.id
                ),
            ));
        }
    }
    if let Some(busy) = Racer::racing_among(conn, &draft.racers)?.first() {
        return Err(AppError::conflict(
            "already_racing",
            format!(
                "bet {} is already racing in race {}",
                busy.bet_id, busy.race_id
            ),
        ));
    }
    Ok(bets)
}

/// The measure: the common metric when every racer shares name, unit and direction (and the
/// committee did not ask for progress), else progress. Asking for the metric when they do not
/// share it is refused.
fn measure(
    asked: Option<RaceMeasure>,
    bets: &[Bet],
) -> Result<(RaceMeasure, Option<&Bet>), AppError> {
    let first = bets.first();
    let shared = first.is_some_and(|f| {
        bets.iter().all(|b| {
            b.metric_name == f.metric_name
                && b.metric_unit == f.metric_unit
                && b.direction == f.direction
        })
    });
    match (asked, shared) {
        (Some(RaceMeasure::Progress), _) | (None, false) => Ok((RaceMeasure::Progress, None)),
        (Some(RaceMeasure::Metric) | None, true) => Ok((RaceMeasure::Metric, first)),
        (Some(RaceMeasure::Metric), false) => Err(AppError::invalid(
            "measure",
            "the racers do not share one metric (name, unit and direction): race on progress",
        )),
    }
}
