//! A race's standings: its racers' uncorrected reports since the start, up to the finish or
//! now if sooner, handed to the engine, which forecasts each racer at the finish and gives its
//! P(best) and expected loss. Racers that left the race (killed by a round) are handed over
//! without reports, so the engine lists them as not enough data and compares the others.
//! Nothing is stored: standings are read again each time, from the evidence as it stands.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Readable, readable};
use crate::db::DbConnection;
use crate::db::bets::{Bet, Threshold};
use crate::db::races::{Race, Racer};
use crate::db::reports::EvidencePoint;
use crate::domain::{Actor, RaceMeasure, RacerFate};
use crate::engine::{self, Direction, Observation, RaceInput, RaceStandings, RacerEvidence};
use crate::error::AppError;

/// A race as it stands for one reader.
#[derive(Debug, Clone)]
pub struct Watched {
    pub readable: Readable,
    pub standings: RaceStandings,
    /// The evidence reaches up to this instant: now, or the finish once it has passed.
    pub evidence_until: DateTime<Utc>,
}

/// The engine's measure of a race.
pub fn measure_of(race: &Race) -> Result<engine::RaceMeasure, AppError> {
    match race.measure {
        RaceMeasure::Progress => Ok(engine::RaceMeasure::Progress),
        RaceMeasure::Metric => {
            let direction: Direction = race
                .direction
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e: String| AppError::internal(&e))?;
            Ok(engine::RaceMeasure::Metric { direction })
        }
    }
}

/// Reads a race for `actor` with its standings as of `now`.
pub fn watch(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Watched, AppError> {
    let readable = readable(conn, actor, id)?;
    let (input, evidence_until) = input(conn, &readable.race, &readable.racers, now)?;
    let standings = engine::standings(&input)
        .map_err(|e| AppError::conflict("race_not_computable", e.to_string()))?;
    Ok(Watched {
        readable,
        standings,
        evidence_until,
    })
}

/// The engine's input for a race as of `now`: every racer with its threshold in force at the
/// finish and its uncorrected reports in (start, min(now, finish)], none for a racer that left.
pub fn input(
    conn: &mut DbConnection,
    race: &Race,
    racers: &[Racer],
    now: DateTime<Utc>,
) -> Result<(RaceInput, DateTime<Utc>), AppError> {
    let finish = race.finish_at.and_utc();
    let until = now.min(finish);
    let ids: Vec<i64> = racers.iter().map(|r| r.bet_id).collect();
    let left: HashSet<i64> = racers
        .iter()
        .filter(|r| r.fate == Some(RacerFate::Left))
        .map(|r| r.bet_id)
        .collect();
    let bets: BTreeMap<i64, Bet> = Bet::find_many(conn, &ids)?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let corrected: HashSet<i64> = EvidencePoint::corrected_before(conn, until.naive_utc())?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut points: BTreeMap<i64, Vec<Observation>> = BTreeMap::new();
    if until > race.starts_at.and_utc() {
        for p in
            EvidencePoint::in_window(conn, Some(race.starts_at), until.naive_utc(), Some(&ids))?
        {
            if !corrected.contains(&p.id) && !left.contains(&p.bet_id) {
                points.entry(p.bet_id).or_default().push(Observation {
                    at: p.observed_at.and_utc(),
                    value: p.value,
                });
            }
        }
    }
    let mut evidence = Vec::with_capacity(racers.len());
    for racer in racers {
        let bet = bets
            .get(&racer.bet_id)
            .ok_or_else(|| AppError::not_found("bet"))?;
        let threshold = Threshold::in_force(conn, bet.id, race.finish_at)?
            .map(|t| t.target)
            .ok_or_else(|| {
                AppError::conflict(
                    "no_threshold_at_finish",
                    format!("bet {} has no threshold in force at the finish", bet.id),
                )
            })?;
        evidence.push(RacerEvidence {
            bet_id: bet.id,
            direction: bet.direction,
            baseline: bet.baseline,
            threshold,
            observations: points.remove(&bet.id).unwrap_or_default(),
        });
    }
    let input = RaceInput {
        start: race.starts_at.and_utc(),
        finish,
        measure: measure_of(race)?,
        min_reports: u32::try_from(race.min_reports).unwrap_or(3),
        confidence: race.confidence,
        racers: evidence,
    };
    Ok((input, until))
}

/// One racer's figures for the API and the pages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandingView {
    pub bet_id: i64,
    pub reports: u32,
    /// The fitted line's value at the finish, in the measure (a forecast before the finish).
    pub forecast: Option<f64>,
    pub se: Option<f64>,
    pub p_best: Option<f64>,
    /// How much worse than the true best the racer may be, in the measure; null without
    /// enough data, or when the loss is unbounded.
    pub expected_loss: Option<f64>,
    /// How far its forecast must improve to equal the leader's, in the measure.
    pub gap_to_leader: Option<f64>,
}

impl StandingView {
    pub fn of(s: &engine::RacerStanding) -> Self {
        StandingView {
            bet_id: s.bet_id,
            reports: s.n,
            forecast: s.forecast,
            se: s.se,
            p_best: s.p_best,
            expected_loss: s.expected_loss,
            gap_to_leader: s.gap_to_leader,
        }
    }
}
