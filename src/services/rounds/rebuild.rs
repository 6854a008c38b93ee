//! Rebuilding a committed round's engine input from what it stored: the input without
//! observations, and the ids of the reports it used (`id_ranges`). Verifying a round and the
//! policy lab's backtest both read a committed round this way, so both see exactly the evidence
//! the commit saw, whatever reports arrived or were corrected since.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::reports::EvidencePoint;
use crate::engine::{Observation, RoundInput};
use crate::error::AppError;

use super::id_ranges;

/// A committed round's stored input (its observations still empty) and the ids of the reports it
/// used, ascending. `round_id` only names the round in the error.
pub fn parse_stored(
    round_id: i64,
    engine_input: &str,
    report_ids: &str,
) -> Result<(RoundInput, Vec<i64>), AppError> {
    let input: RoundInput = serde_json::from_str(engine_input).map_err(|e| {
        AppError::internal(&format!(
            "round {round_id}: its stored input is unreadable: {e}"
        ))
    })?;
    let ids = id_ranges::decode(report_ids)
        .map_err(|e| AppError::internal(&format!("round {round_id}: {e}")))?;
    Ok((input, ids))
}

/// Puts back into `input` the observations the round used: for each id of `report_ids`, the
/// report `report` finds under it, when it belongs to one of the round's bets. Each bet's
/// observations come in (observed_at, id) order, as the commit gathered them. `report` may know
/// any reports (the round's bets over its window, or a whole stretch of a portfolio's reports):
/// only the ids decide, so reports that arrived after the commit never come in. Returns how
/// many of the ids were found.
pub fn put_back_observations<'a>(
    input: &mut RoundInput,
    report_ids: &[i64],
    report: impl Fn(i64) -> Option<&'a EvidencePoint>,
) -> usize {
    let bets: BTreeSet<i64> = input.bets.iter().map(|b| b.id).collect();
    let mut found: BTreeMap<i64, Vec<&EvidencePoint>> = BTreeMap::new();
    let mut seen = 0usize;
    for &id in report_ids {
        let Some(point) = report(id) else { continue };
        if point.id == id && bets.contains(&point.bet_id) {
            seen += 1;
            found.entry(point.bet_id).or_default().push(point);
        }
    }
    for bet in &mut input.bets {
        let mut points = found.remove(&bet.id).unwrap_or_default();
        points.sort_by_key(|p| (p.observed_at, p.id));
        bet.observations = points
            .into_iter()
            .map(|p| Observation {
                at: p.observed_at.and_utc(),
                value: p.value,
            })
            .collect();
    }
    seen
}
