//! Bets: registration by a team, thresholds, activation and closing by the committee.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::arenas::Arena;
use crate::db::bets::{Bet, NewBet, NewThreshold as ThresholdRow, Threshold};
use crate::db::teams::Team;
use crate::db::{DbConnection, write_transaction};
use crate::domain::threshold::{BetTerms, NewThreshold};
use crate::domain::{
    Actor, BetStatus, Description, Direction, Money, Name, Reason, Stage, Title, Unit, slugify,
};
use crate::error::AppError;
use crate::services::audit;

/// A bet as its team registers it, every field parsed.
pub struct BetForm {
    pub arena_id: i64,
    pub team_id: i64,
    pub title: Title,
    pub thesis: Description,
    pub metric_name: Name,
    pub metric_unit: Unit,
    pub direction: Direction,
    pub baseline: f64,
    pub stage: Stage,
    pub seed_request: Option<Money>,
    /// Targets (and optional start instants) to add with the bet.
    pub thresholds: Vec<(f64, Option<DateTime<Utc>>)>,
}

/// Registers a proposed bet (with any first thresholds) for a team the actor may write for.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    form: BetForm,
    now: DateTime<Utc>,
) -> Result<(Bet, Vec<Threshold>), AppError> {
    if !actor.can_write_team(form.team_id) {
        return Err(
            AppError::forbidden("you may register bets only for your own team")
                .with_field("team_id"),
        );
    }
    let terms = BetTerms {
        direction: form.direction,
        baseline: form.baseline,
        status: BetStatus::Proposed,
    };
    let thresholds = form
        .thresholds
        .iter()
        .enumerate()
        .map(|(i, (target, from))| {
            NewThreshold::parse(terms, *target, *from, now)
                .map_err(|e| AppError::invalid(format!("thresholds[{i}].{}", e.field), e.message))
        })
        .collect::<Result<Vec<_>, _>>()?;
    write_transaction(conn, |conn| {
        Arena::find(conn, form.arena_id)?.ok_or_else(|| {
            AppError::invalid(
                "arena_id",
                format!("arena {} does not exist", form.arena_id),
            )
        })?;
        Team::find(conn, form.team_id)?.ok_or_else(|| {
            AppError::invalid("team_id", format!("team {} does not exist", form.team_id))
        })?;
        let bet = Bet::create(
            conn,
            NewBet {
                slug: slugify(form.title.as_str()),
                arena_id: form.arena_id,
                team_id: form.team_id,
                title: form.title.as_str(),
                thesis: form.thesis.as_str(),
                metric_name: form.metric_name.as_str(),
                metric_unit: form.metric_unit.as_str(),
                direction: form.direction.as_str(),
                baseline: form.baseline,
                seed_request: form.seed_request.map(Money::minor_units),
                stage: form.stage,
                status: BetStatus::Proposed,
                created_by: actor.user_id,
                created_at: now.naive_utc(),
            },
        )?;
        let mut stored = Vec::with_capacity(thresholds.len());
        for t in &thresholds {
            stored.push(insert_threshold(conn, bet.id, *t, actor, now)?);
        }
        audit::record(
            conn,
            Some(actor),
            "bet.create",
            ("bet", Some(bet.id)),
            json!({"title": bet.title, "team_id": bet.team_id, "arena_id": bet.arena_id,
                   "baseline": bet.baseline, "direction": bet.direction}),
            now,
        )?;
        Ok((bet, stored))
    })
}

fn insert_threshold(
    conn: &mut DbConnection,
    bet_id: i64,
    t: NewThreshold,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Threshold, AppError> {
    if Threshold::exists_at(conn, bet_id, t.effective_from.naive_utc())? {
        return Err(AppError::conflict(
            "duplicate_threshold",
            format!(
                "the bet already has a threshold taking effect at {}",
                crate::domain::time::display(t.effective_from)
            ),
        )
        .with_field("effective_from"));
    }
    Ok(Threshold::create(
        conn,
        &ThresholdRow {
            bet_id,
            target: t.target,
            effective_from: t.effective_from.naive_utc(),
            created_by: actor.user_id,
            created_at: now.naive_utc(),
        },
    )?)
}

/// Loads a bet the actor can see, else 404.
pub fn visible_bet(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<Bet, AppError> {
    Bet::find(conn, id)?
        .filter(|b| actor.can_read_team(b.team_id))
        .ok_or_else(|| AppError::not_found("bet"))
}

/// Adds a threshold: its team or the committee; never on a closed bet; on an active bet only
/// for the future.
pub fn add_threshold(
    conn: &mut DbConnection,
    actor: &Actor,
    bet_id: i64,
    target: f64,
    effective_from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Threshold, AppError> {
    write_transaction(conn, |conn| {
        let bet = visible_bet(conn, actor, bet_id)?;
        if !actor.can_write_team(bet.team_id) {
            return Err(AppError::forbidden("this bet belongs to another team"));
        }
        let status = bet.status;
        if status.is_closed() {
            return Err(AppError::conflict(
                "bet_closed",
                format!("bet {bet_id} is {status}; its thresholds no longer change"),
            ));
        }
        let terms = BetTerms {
            direction: bet.direction,
            baseline: bet.baseline,
            status,
        };
        let parsed = NewThreshold::parse(terms, target, effective_from, now)?;
        let threshold = insert_threshold(conn, bet_id, parsed, actor, now)?;
        audit::record(
            conn,
            Some(actor),
            "threshold.create",
            ("bet", Some(bet_id)),
            json!({"threshold_id": threshold.id, "target": threshold.target,
                   "effective_from": parsed.effective_from}),
            now,
        )?;
        Ok(threshold)
    })
}

/// Activates a proposed bet (committee): it needs a threshold in force now.
pub fn activate(
    conn: &mut DbConnection,
    actor: &Actor,
    bet_id: i64,
    now: DateTime<Utc>,
) -> Result<Bet, AppError> {
    write_transaction(conn, |conn| {
        let bet = visible_bet(conn, actor, bet_id)?;
        let status = bet.status;
        if status != BetStatus::Proposed {
            return Err(AppError::conflict(
                "not_proposed",
                format!("bet {bet_id} is {status}; only a proposed bet can be activated"),
            ));
        }
        if Threshold::in_force(conn, bet_id, now.naive_utc())?.is_none() {
            return Err(AppError::conflict(
                "no_threshold_in_force",
                "add a threshold in force now before activating the bet",
            ));
        }
        if !Bet::transition(
            conn,
            bet_id,
            BetStatus::Proposed,
            BetStatus::Active,
            now.naive_utc(),
        )? {
            return Err(AppError::conflict(
                "not_proposed",
                "the bet changed meanwhile; try again",
            ));
        }
        audit::record(
            conn,
            Some(actor),
            "bet.activate",
            ("bet", Some(bet_id)),
            json!({}),
            now,
        )?;
        visible_bet(conn, actor, bet_id)
    })
}

/// Closes a proposed or active bet by the committee's decision, with a written reason:
/// `killed` stops it, `graduated` means it has done its job and leaves the race funded no more.
pub fn close(
    conn: &mut DbConnection,
    actor: &Actor,
    bet_id: i64,
    to: BetStatus,
    reason: &Reason,
    now: DateTime<Utc>,
) -> Result<Bet, AppError> {
    write_transaction(conn, |conn| {
        let bet = visible_bet(conn, actor, bet_id)?;
        let status = bet.status;
        if status.is_closed() {
            return Err(AppError::conflict(
                "bet_closed",
                format!("bet {bet_id} is already {status}"),
            ));
        }
        if !Bet::transition(conn, bet_id, status, to, now.naive_utc())? {
            return Err(AppError::conflict(
                "bet_changed",
                "the bet changed meanwhile; try again",
            ));
        }
        audit::record(
            conn,
            Some(actor),
            &format!(
                "bet.{}",
                if to == BetStatus::Killed {
                    "kill"
                } else {
                    "graduate"
                }
            ),
            ("bet", Some(bet_id)),
            json!({"from": status.as_str(), "reason": reason.as_str()}),
            now,
        )?;
        super::races::leave::closed(conn, Some(actor), &[bet_id], now)?;
        visible_bet(conn, actor, bet_id)
    })
}
