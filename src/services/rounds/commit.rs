//! Previewing and committing a round. A commit is one transaction: the results are recomputed
//! from the evidence as it stands at that moment, stored, paid out through the ledger, killed
//! bets closed, and the commit audited. Commits of one portfolio are serialised (SQLite's
//! write lock, a PostgreSQL advisory lock), so two commits of one round from two processes
//! leave exactly one set of results and ledger entries.

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use serde_json::json;

use super::evaluation::{Evaluation, RoundLine, run};
use super::evidence::{Gathered, Terms, gather};
use super::id_ranges;
use super::lifecycle::draft;
use crate::db::bets::Bet;
use crate::db::ledger::{Account, Entry, NewEntry};
use crate::db::rounds::{CommitForm, NewRoundResult, Round, RoundListing, RoundResultRow};
use crate::db::{DbConnection, write_transaction};
use crate::domain::time::CLOCK_SKEW;
use crate::domain::{Actor, RoundStatus};
use crate::engine::{Decision, RoundOutcome};
use crate::error::AppError;
use crate::services::audit;

/// Any key works if every process uses the same: it serialises round commits on PostgreSQL.
const COMMIT_LOCK_KEY: i64 = 0x686f_7273_6572_6301;

/// Evaluates a draft against the evidence as it stands and stores the result on the draft.
pub fn preview(
    conn: &mut DbConnection,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Evaluation, AppError> {
    let round = draft(conn, round_id)?;
    let gathered = gather(conn, &Terms::of(&round)?, None)?;
    let (_, evaluation) = run(&gathered, now)?;
    let stored = serde_json::to_string(&evaluation).map_err(|e| AppError::internal(&e))?;
    if !Round::save_preview(conn, round_id, &stored, now.naive_utc())? {
        return Err(AppError::conflict(
            "round_committed",
            "the round was committed meanwhile",
        ));
    }
    Ok(evaluation)
}

pub fn commit(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Evaluation, AppError> {
    let evaluation = write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(pg) = conn {
            pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({COMMIT_LOCK_KEY})"))?;
        }
        let round =
            Round::find_listing(conn, round_id)?.ok_or_else(|| AppError::not_found("round"))?;
        if round.status == RoundStatus::Committed {
            return Err(AppError::conflict(
                "already_committed",
                format!("round {round_id} is already committed"),
            ));
        }
        check_order(conn, &round, now)?;
        let gathered = gather(conn, &Terms::of(&round)?, None)?;
        let (outcome, evaluation) = run(&gathered, now)?;
        let form = commit_form(actor, &gathered, &outcome, &evaluation, now)?;
        if !Round::mark_committed(conn, round_id, &form)? {
            return Err(AppError::conflict(
                "already_committed",
                "the round was committed meanwhile",
            ));
        }
        RoundResultRow::insert_many(conn, &result_rows(round_id, &evaluation))?;
        pay_out(conn, round_id, &evaluation, now)?;
        let killed: Vec<i64> = evaluation
            .results
            .iter()
            .filter(|l| l.result.decision == Decision::Killed)
            .map(|l| l.result.bet_id)
            .collect();
        Bet::kill_active(conn, &killed, now.naive_utc())?;
        crate::services::races::leave::closed(conn, Some(actor), &killed, now)?;
        audit::record(
            conn,
            Some(actor),
            "round.commit",
            ("round", Some(round_id)),
            json!({
                "budget": evaluation.budget, "granted": evaluation.budget - outcome.reserve,
                "reserve": outcome.reserve, "bets": evaluation.results.len(),
                "killed": evaluation.killed, "seeded": evaluation.seeded,
                "reports": evaluation.reports_used,
            }),
            now,
        )?;
        Ok::<_, AppError>(evaluation)
    })?;
    crate::metrics::METRICS.rounds_committed.inc();
    Ok(evaluation)
}

/// Rounds commit in `as_of` order, and only once their instant has passed.
fn check_order(
    conn: &mut DbConnection,
    round: &RoundListing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if round.as_of.and_utc() > now + CLOCK_SKEW {
        return Err(AppError::conflict(
            "round_in_future",
            format!(
                "round {} is as of {}, still in the future: its evidence is not in yet",
                round.id,
                crate::domain::time::display(round.as_of.and_utc())
            ),
        ));
    }
    if let Some(earlier) = Round::earlier_draft(conn, round.as_of)? {
        return Err(AppError::conflict(
            "earlier_draft",
            format!("draft round {earlier} has an earlier as_of: commit or delete it first"),
        ));
    }
    if let Some(latest) = Round::latest_committed(conn, None)?
        && latest.as_of >= round.as_of
    {
        return Err(AppError::conflict(
            "out_of_order",
            format!("round {} was committed with a later as_of", latest.id),
        ));
    }
    Ok(())
}

fn commit_form(
    actor: &Actor,
    gathered: &Gathered,
    outcome: &RoundOutcome,
    evaluation: &Evaluation,
    now: DateTime<Utc>,
) -> Result<CommitForm, AppError> {
    // The stored input leaves the observations out: the report ids name them.
    let mut input = gathered.input.clone();
    for bet in &mut input.bets {
        bet.observations.clear();
    }
    Ok(CommitForm {
        status: RoundStatus::Committed,
        committed_by: actor.user_id,
        committed_at: now.naive_utc(),
        reserve: outcome.reserve,
        engine_input: to_json(&input)?,
        report_ids: id_ranges::encode(&gathered.report_ids),
        preview: Some(to_json(evaluation)?),
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::internal(&e))
}

/// The stored form of one line of a committed round.
pub fn result_row(round_id: i64, line: &RoundLine) -> NewRoundResult {
    let r = &line.result;
    let small = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    NewRoundResult {
        round_id,
        bet_id: r.bet_id,
        team_id: line.bet.team_id,
        n: small(r.n),
        level: r.level,
        se: r.se,
        nu: r.nu.map(small),
        threshold: r.threshold,
        p_beat: r.p_beat,
        outcome: r.outcome.as_str(),
        streak: small(r.streak),
        progress: r.progress,
        fitness: r.fitness,
        weight: r.weight,
        prev_grant: r.prev_grant,
        target: r.target,
        granted: r.grant,
        pinned: r.pinned,
        kill_waived: r.kill_waived,
        decision: r.decision.as_str(),
        reasons: serde_json::to_string(&r.reasons).unwrap_or_default(),
        last_report_at: line.quality.last_report_at.map(|t| t.naive_utc()),
        stale: line.quality.stale,
        outlier_report_ids: serde_json::to_string(&line.quality.outlier_report_ids)
            .unwrap_or_default(),
    }
}

fn result_rows(round_id: i64, evaluation: &Evaluation) -> Vec<NewRoundResult> {
    evaluation
        .results
        .iter()
        .map(|line| result_row(round_id, line))
        .collect()
}

/// One ledger entry per positive grant: from the portfolio to the bet's team.
fn pay_out(
    conn: &mut DbConnection,
    round_id: i64,
    evaluation: &Evaluation,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let portfolio = Account::portfolio(conn)?;
    let team_accounts = Account::team_accounts(conn)?;
    let mut entries = Vec::new();
    for line in evaluation.results.iter().filter(|l| l.result.grant > 0) {
        let team = line.bet.team_id;
        let account = team_accounts
            .get(&team)
            .map(|a| a.id)
            .ok_or_else(|| AppError::internal(&format!("team {team} has no account")))?;
        entries.push(
            NewEntry::grant(
                portfolio.id,
                account,
                line.result.grant,
                round_id,
                line.result.bet_id,
            )
            .memo(format!(
                "round {round_id}: {} for bet {} ({})",
                line.result.decision.as_str(),
                line.result.bet_id,
                line.bet.title
            ))
            .at(now.naive_utc()),
        );
    }
    Entry::insert_many(conn, &entries)?;
    Ok(())
}
