//! The race's input checks, run before anything is computed, and the canonical order of the
//! racers (ascending bet id). Checks run in a fixed order (confidence, min_reports, window,
//! number of racers, duplicate bets, then each racer by ascending bet id), so a shuffled
//! input reports the same first error.

use super::error::RaceError;
use super::types::{RaceInput, RaceMeasure, RacerEvidence};

/// Checks the race and returns its racers in ascending bet id.
pub(super) fn check(input: &RaceInput) -> Result<Vec<&RacerEvidence>, RaceError> {
    // The same ranges as the round policy's fields of the same names (`policy.rs`).
    if !(input.confidence > 0.5 && input.confidence < 1.0) {
        return Err(RaceError::InvalidSetting {
            field: "confidence",
            reason: "must be strictly between 0.5 and 1",
        });
    }
    if input.min_reports < 3 {
        return Err(RaceError::InvalidSetting {
            field: "min_reports",
            reason: "must be at least 3",
        });
    }
    if input.start >= input.finish {
        return Err(RaceError::EmptyWindow {
            start: input.start,
            finish: input.finish,
        });
    }
    if input.racers.len() < 2 {
        return Err(RaceError::TooFewRacers(input.racers.len()));
    }
    let mut racers: Vec<&RacerEvidence> = input.racers.iter().collect();
    racers.sort_by_key(|r| r.bet_id);
    if let Some(id) = racers.windows(2).find_map(|pair| match pair {
        [a, b] if a.bet_id == b.bet_id => Some(a.bet_id),
        _ => None,
    }) {
        return Err(RaceError::DuplicateRacer(id));
    }
    for racer in &racers {
        check_racer(racer, input.measure)?;
    }
    Ok(racers)
}

fn check_racer(racer: &RacerEvidence, measure: RaceMeasure) -> Result<(), RaceError> {
    let bet_id = racer.bet_id;
    let non_finite = |what: String| RaceError::NonFiniteValue { bet_id, what };
    if !racer.baseline.is_finite() {
        return Err(non_finite("its baseline".to_owned()));
    }
    if !racer.threshold.is_finite() {
        return Err(non_finite("its threshold".to_owned()));
    }
    // Every report is checked, in the window or not; the earliest bad one is named.
    if let Some(bad) = racer
        .observations
        .iter()
        .filter(|o| !o.value.is_finite())
        .min_by_key(|o| o.at)
    {
        return Err(non_finite(format!("the report at {}", bad.at.to_rfc3339())));
    }
    match measure {
        RaceMeasure::Metric { direction } if racer.direction != direction => {
            Err(RaceError::DirectionMismatch {
                bet_id,
                racer: racer.direction,
                race: direction,
            })
        }
        RaceMeasure::Progress if racer.threshold == racer.baseline => {
            Err(RaceError::ThresholdAtBaseline {
                bet_id,
                baseline: racer.baseline,
            })
        }
        _ => Ok(()),
    }
}
