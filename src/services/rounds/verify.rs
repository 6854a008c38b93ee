//! Verifying a committed round: rebuild the engine's input from what the round stored (its
//! input without observations, and the ids of the reports it used), evaluate again, and compare
//! bit for bit with the stored evaluation (every bet's result and the round's totals), the
//! stored result rows and the ledger.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::rebuild;
use crate::db::DbConnection;
use crate::db::ledger::Entry;
use crate::db::reports::EvidencePoint;
use crate::db::rounds::{Round, RoundResultRow};
use crate::engine::{BetResult, RoundOutcome, evaluate, judged_from};
use crate::error::AppError;
use crate::services::rounds::Evaluation;

/// The verdict on one committed round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub round_id: i64,
    /// Everything matches: outcome, stored results, ledger, and the budget adds up.
    pub matches: bool,
    pub bets: usize,
    pub reports: usize,
    /// What did not match, in words.
    pub problems: Vec<String>,
}

pub fn verify(conn: &mut DbConnection, round_id: i64) -> Result<Verification, AppError> {
    let round = Round::find(conn, round_id)?.ok_or_else(|| AppError::not_found("round"))?;
    let (Some(input), Some(ids), Some(stored)) =
        (&round.engine_input, &round.report_ids, &round.preview)
    else {
        return Err(AppError::conflict(
            "not_committed",
            format!("round {round_id} is a draft: only a committed round can be verified"),
        ));
    };
    let (mut input, ids) = rebuild::parse_stored(round_id, input, ids)?;
    let mut problems = Vec::new();

    let bet_ids: Vec<i64> = input.bets.iter().map(|b| b.id).collect();
    let points = EvidencePoint::for_bets_in_window(
        conn,
        &bet_ids,
        judged_from(&input).map(|t| t.naive_utc()),
        input.as_of.naive_utc(),
    )?;
    let by_id: HashMap<i64, &EvidencePoint> = points.iter().map(|p| (p.id, p)).collect();
    let seen = rebuild::put_back_observations(&mut input, &ids, |id| by_id.get(&id).copied());
    if seen != ids.len() {
        problems.push(format!(
            "{} of the {} reports the round used are missing from its bets' window",
            ids.len() - seen,
            ids.len()
        ));
    }

    match evaluate(&input) {
        Err(e) => problems.push(format!("the engine refuses the stored input: {e}")),
        Ok(outcome) => {
            let stored: Evaluation =
                serde_json::from_str(stored).map_err(|e| AppError::internal(&e))?;
            compare(&outcome, &stored, &mut problems)?;
            let granted: i64 = outcome.results.iter().map(|r| r.grant).sum();
            if granted + outcome.reserve != outcome.budget || Some(outcome.reserve) != round.reserve
            {
                problems.push(format!(
                    "grants {granted} + reserve {} do not add up to the budget {}",
                    outcome.reserve, outcome.budget
                ));
            }
            check_rows(conn, round_id, &outcome.results, &mut problems)?;
            check_ledger(conn, round_id, &outcome.results, &mut problems)?;
        }
    }
    Ok(Verification {
        round_id,
        matches: problems.is_empty(),
        bets: input.bets.len(),
        reports: ids.len(),
        problems,
    })
}

/// The recomputed outcome against the stored evaluation, bit for bit: every bet's result as
/// JSON (floats included), and the round's totals.
fn compare(
    outcome: &RoundOutcome,
    stored: &Evaluation,
    problems: &mut Vec<String>,
) -> Result<(), AppError> {
    let stored_results: Vec<&BetResult> = stored.results.iter().map(|l| &l.result).collect();
    if to_json(&outcome.results)? != to_json(&stored_results)? {
        problems.push("recomputing the round gives different results".to_owned());
    }
    let money = stored.money.as_ref();
    let same_totals = stored.budget == outcome.budget
        && stored.max_grant == Some(outcome.max_grant)
        && money.is_some_and(|m| {
            m.reserve == outcome.reserve
                && m.pinned_total == outcome.pinned_total
                && m.available == outcome.available
                && m.exploration_pool == outcome.exploration_pool
                && m.main_pool.to_bits() == outcome.main_pool.to_bits()
                && m.spilled.to_bits() == outcome.spilled.to_bits()
        });
    if !same_totals {
        problems.push("recomputing the round gives different totals".to_owned());
    }
    Ok(())
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::internal(&e))
}

fn check_rows(
    conn: &mut DbConnection,
    round_id: i64,
    results: &[crate::engine::BetResult],
    problems: &mut Vec<String>,
) -> Result<(), AppError> {
    let rows: BTreeMap<i64, RoundResultRow> = RoundResultRow::for_round(conn, round_id)?
        .into_iter()
        .map(|r| (r.bet_id, r))
        .collect();
    if rows.len() != results.len() {
        problems.push(format!(
            "{} stored results for {} bets",
            rows.len(),
            results.len()
        ));
    }
    for r in results {
        match rows.get(&r.bet_id) {
            None => problems.push(format!("bet {}: no stored result", r.bet_id)),
            Some(row) => {
                let same = row.granted == r.grant
                    && row.decision == r.decision
                    && row.outcome == r.outcome
                    && i64::from(row.streak) == i64::from(r.streak)
                    && row.prev_grant == r.prev_grant
                    && row.target.to_bits() == r.target.to_bits()
                    && row.level.map(f64::to_bits) == r.level.map(f64::to_bits)
                    && row.p_beat.map(f64::to_bits) == r.p_beat.map(f64::to_bits);
                if !same {
                    problems.push(format!(
                        "bet {}: the stored result differs from the recomputed one",
                        r.bet_id
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_ledger(
    conn: &mut DbConnection,
    round_id: i64,
    results: &[crate::engine::BetResult],
    problems: &mut Vec<String>,
) -> Result<(), AppError> {
    let mut paid: BTreeMap<i64, i64> = BTreeMap::new();
    for entry in Entry::for_round(conn, round_id)? {
        *paid.entry(entry.bet_id.unwrap_or(0)).or_insert(0) += entry.amount;
    }
    let granted: BTreeMap<i64, i64> = results
        .iter()
        .filter(|r| r.grant > 0)
        .map(|r| (r.bet_id, r.grant))
        .collect();
    if paid != granted {
        problems.push("the ledger entries of the round do not match its grants".to_owned());
    }
    Ok(())
}
