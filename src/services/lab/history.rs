//! Reading a portfolio's committed rounds into the backtest's compact history, once: the
//! rounds in `as_of` order (or a range of them), each one's stored input with its evidence put
//! back exactly as `round verify` puts it back (`rounds::rebuild`), and each bet's stored
//! outcome. Four queries, however many rounds: the round list, their stored inputs, their stored
//! outcomes, and one range read of the reports they used, split by report id afterwards.
//!
//! Committed rounds never change and reports are never changed or deleted, so reading them in
//! separate statements cannot mix two states: a round committed meanwhile is simply not among
//! the ids read, and a report that arrived later is not among the ids a round stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::round_history::{StoredInput, StoredOutcome, reports_with_ids_between};
use crate::db::rounds::{Round, RoundListing};
use crate::domain::RoundStatus;
use crate::engine::RoundInput;
use crate::error::AppError;
use crate::lab::backtest::{History, HistoryRound, StoredBet};
use crate::services::rounds::rebuild;

/// The committed rounds whose id is in `first..=last`; they must follow one another among the
/// committed rounds (in `as_of` order), since a replay chains each round into the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundRange {
    pub first: i64,
    pub last: i64,
}

/// The committed rounds (all of them, or those of `range`), ready to replay.
pub fn read(conn: &mut DbConnection, range: Option<RoundRange>) -> Result<History, AppError> {
    let mut committed: Vec<RoundListing> = Round::list(conn)?
        .into_iter()
        .filter(|r| r.status == RoundStatus::Committed)
        .collect();
    // The list comes newest first.
    committed.reverse();
    let chosen = choose(&committed, range)?;
    let ids: Vec<i64> = chosen.iter().map(|r| r.id).collect();
    let mut stored: BTreeMap<i64, StoredInput> = StoredInput::of_rounds(conn, &ids)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut parsed = Vec::with_capacity(chosen.len());
    for round in chosen {
        let incomplete =
            || AppError::internal(&format!("committed round {} stored no input", round.id));
        let s = stored.remove(&round.id).ok_or_else(incomplete)?;
        let (Some(input), Some(report_ids), Some(reserve)) =
            (s.engine_input, s.report_ids, s.reserve)
        else {
            return Err(incomplete());
        };
        let (input, report_ids) = rebuild::parse_stored(round.id, &input, &report_ids)?;
        parsed.push((round.id, input, report_ids, reserve));
    }
    let first = parsed.iter().filter_map(|p| p.2.first()).min().copied();
    let last = parsed.iter().filter_map(|p| p.2.last()).max().copied();
    let reports = match (first, last) {
        (Some(first), Some(last)) => reports_with_ids_between(conn, first, last)?,
        _ => Vec::new(),
    };
    let mut outcomes: BTreeMap<i64, Vec<StoredBet>> = BTreeMap::new();
    for o in StoredOutcome::of_rounds(conn, &ids)? {
        let streak = u32::try_from(o.streak).map_err(|_| {
            AppError::internal(&format!(
                "round {}, bet {}: a negative streak",
                o.round_id, o.bet_id
            ))
        })?;
        outcomes.entry(o.round_id).or_default().push(StoredBet {
            bet_id: o.bet_id,
            grant: o.granted,
            decision: o.decision,
            streak,
            outcome: o.outcome,
        });
    }
    let mut rounds = Vec::with_capacity(parsed.len());
    for (round_id, mut input, report_ids, reserve) in parsed {
        put_back(round_id, &mut input, &report_ids, &reports)?;
        rounds.push(HistoryRound {
            round_id,
            input,
            stored: outcomes.remove(&round_id).unwrap_or_default(),
            reserve,
        });
    }
    Ok(History {
        currency: chosen_currency(chosen),
        rounds,
    })
}

/// Each bet's evidence from the reports, which are in id order.
fn put_back(
    round_id: i64,
    input: &mut RoundInput,
    report_ids: &[i64],
    reports: &[crate::db::reports::EvidencePoint],
) -> Result<(), AppError> {
    let found = rebuild::put_back_observations(input, report_ids, |id| {
        reports
            .binary_search_by_key(&id, |p| p.id)
            .ok()
            .and_then(|i| reports.get(i))
    });
    if found == report_ids.len() {
        Ok(())
    } else {
        Err(AppError::conflict(
            "history_incomplete",
            format!(
                "round {round_id}: {} of the {} reports it used are missing, so it cannot be replayed",
                report_ids.len() - found,
                report_ids.len()
            ),
        ))
    }
}

fn chosen_currency(chosen: &[RoundListing]) -> String {
    chosen
        .last()
        .map(|r| r.currency.clone())
        .unwrap_or_default()
}

/// The committed rounds of the range, in `as_of` order, refusing a range that matches none or
/// that skips a committed round between two of its own.
fn choose(
    committed: &[RoundListing],
    range: Option<RoundRange>,
) -> Result<&[RoundListing], AppError> {
    if committed.is_empty() {
        return Err(AppError::conflict(
            "nothing_to_backtest",
            "there is no committed round to backtest",
        ));
    }
    let Some(RoundRange { first, last }) = range else {
        return Ok(committed);
    };
    if first > last {
        return Err(AppError::invalid(
            "rounds",
            format!("the range {first}..{last} is empty: its first round id is after its last"),
        ));
    }
    let inside = |r: &RoundListing| (first..=last).contains(&r.id);
    let (Some(a), Some(b)) = (
        committed.iter().position(inside),
        committed.iter().rposition(inside),
    ) else {
        return Err(AppError::invalid(
            "rounds",
            format!("no committed round has an id in {first}..{last}"),
        ));
    };
    let span = committed.get(a..=b).unwrap_or_default();
    if let Some(gap) = span.iter().find(|r| !inside(r)) {
        return Err(AppError::invalid(
            "rounds",
            format!(
                "the committed rounds with an id in {first}..{last} do not follow one another: \
                 round {} (as of {}) was committed between them, and a replay chains each round \
                 into the next",
                gap.id,
                gap.as_of.and_utc()
            ),
        ));
    }
    Ok(span)
}
