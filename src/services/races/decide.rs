//! Deciding a race (committee), in one transaction: the winner moves to the next stage, each
//! loser is killed, merged into the winner (its chosen people join the winner's team within its
//! cap) or continues outside the race, the prize is pinned on the next draft round, and every
//! change is audited. A decision before the finish, against the engine's call, or without a
//! call needs a written reason. Moving the finish later is the other way out of a close race.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::prize;
use super::standings::input;
use crate::db::bets::Bet;
use crate::db::races::{Decided, Race, Racer};
use crate::db::teams::Team;
use crate::db::users::User;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, BetStatus, RaceStatus, RacerFate, Reason};
use crate::engine::{self, RaceCall};
use crate::error::AppError;
use crate::services::audit;

/// What becomes of a loser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoserFate {
    Kill,
    /// Closed as merged; `people` of its team move to the winner's.
    Merge,
    Continue,
}

#[derive(Debug, Clone)]
pub struct Loser {
    pub bet_id: i64,
    pub fate: LoserFate,
    /// For a merge: the users of the losing team who move to the winner's team.
    pub people: Vec<i64>,
}

/// The committee's decision.
#[derive(Debug, Clone)]
pub struct Decision {
    /// None: the engine's call, when it names a winner.
    pub winner: Option<i64>,
    pub reason: Option<Reason>,
    /// Every other racer still racing, with its fate.
    pub losers: Vec<Loser>,
    /// Raises the winner's team cap in the same step, so that a merge fits.
    pub raise_cap_to: Option<i32>,
}

/// Decides a running race; returns it decided.
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    race_id: i64,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<Race, AppError> {
    if !actor.is_committee() {
        return Err(AppError::forbidden(
            "only the portfolio committee decides races",
        ));
    }
    write_transaction(conn, |conn| {
        let race = running(conn, race_id)?;
        let racers = Racer::of_race(conn, race_id)?;
        let (race_input, _) = input(conn, &race, &racers, now)?;
        let call = engine::standings(&race_input)
            .map_err(|e| AppError::conflict("race_not_computable", e.to_string()))?
            .call;
        let winner = winner_of(decision, call, &racers)?;
        needs_reason(decision, call, winner, &race, now)?;
        let fates = fates(decision, winner, &racers)?;

        let winning_bet = Bet::find(conn, winner)?.ok_or_else(|| AppError::not_found("bet"))?;
        let next = winning_bet.stage.next();
        if !Bet::advance(conn, winner, next)? {
            return Err(AppError::conflict(
                "bet_changed",
                "the winner changed meanwhile; try again",
            ));
        }
        Racer::settle(conn, race_id, winner, RacerFate::Winner)?;
        audit::record(
            conn,
            Some(actor),
            "bet.advance",
            ("bet", Some(winner)),
            json!({"race_id": race_id, "from": winning_bet.stage, "to": next}),
            now,
        )?;
        settle_losers(conn, actor, (&race, &winning_bet), (&fates, decision), now)?;

        let reason = decision.reason.as_ref().map(Reason::as_str);
        let decided = Decided {
            status: RaceStatus::Decided,
            winner_bet_id: Some(winner),
            decision_reason: reason,
            decided_by: actor.user_id,
            decided_at: now.naive_utc(),
        };
        if !Race::decide(conn, race_id, &decided)? {
            return Err(AppError::conflict(
                "race_decided",
                "the race was decided meanwhile",
            ));
        }
        let race = Race::find(conn, race_id)?.ok_or_else(|| AppError::not_found("race"))?;
        let prize_round = prize::pin_on_next_draft(conn, &race, now)?;
        audit::record(
            conn,
            Some(actor),
            "race.decide",
            ("race", Some(race_id)),
            json!({
                "winner": winner, "call": call, "reason": reason,
                "losers": fates.iter().map(|(id, f)| json!({"bet_id": id, "fate": f})).collect::<Vec<_>>(),
                "prize": race.prize, "prize_round_id": prize_round,
            }),
            now,
        )?;
        Race::find(conn, race_id)?.ok_or_else(|| AppError::not_found("race"))
    })
}

/// Moves a running race's finish later (the choice when the race is too close to call).
pub fn extend(
    conn: &mut DbConnection,
    actor: &Actor,
    race_id: i64,
    finish_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Race, AppError> {
    if !actor.is_committee() {
        return Err(AppError::forbidden(
            "only the portfolio committee moves a race's finish",
        ));
    }
    let finish_at = crate::domain::time::schedule_instant("finish_at", finish_at)?;
    write_transaction(conn, |conn| {
        let race = running(conn, race_id)?;
        let at = crate::domain::time::display;
        let old = race.finish_at.and_utc();
        if finish_at <= old.max(now) {
            return Err(AppError::invalid(
                "finish_at",
                format!(
                    "must be after the current finish ({}) and in the future (now is {})",
                    at(old),
                    at(now)
                ),
            ));
        }
        if !Race::move_finish(conn, race_id, finish_at.naive_utc())? {
            return Err(AppError::conflict(
                "race_decided",
                "the race was decided meanwhile",
            ));
        }
        audit::record(
            conn,
            Some(actor),
            "race.extend",
            ("race", Some(race_id)),
            json!({"from": old, "to": finish_at}),
            now,
        )?;
        Race::find(conn, race_id)?.ok_or_else(|| AppError::not_found("race"))
    })
}

fn running(conn: &mut DbConnection, race_id: i64) -> Result<Race, AppError> {
    let race = Race::find(conn, race_id)?.ok_or_else(|| AppError::not_found("race"))?;
    if race.status != RaceStatus::Running {
        return Err(AppError::conflict(
            "race_decided",
            format!("race {race_id} is already decided"),
        ));
    }
    Ok(race)
}

/// The winner: the one named, or the engine's call; a racer still racing either way.
fn winner_of(decision: &Decision, call: RaceCall, racers: &[Racer]) -> Result<i64, AppError> {
    let winner = match (decision.winner, call) {
        (Some(w), _) => w,
        (None, RaceCall::Winner { bet_id }) => bet_id,
        (None, _) => {
            return Err(AppError::invalid(
                "winner",
                "the race has no call yet: name the winner, with a reason",
            ));
        }
    };
    if !racers.iter().any(|r| r.bet_id == winner && r.racing) {
        return Err(AppError::invalid(
            "winner",
            format!("bet {winner} is not racing in this race"),
        ));
    }
    Ok(winner)
}

/// A reason is needed before the finish, against the call, or without one.
fn needs_reason(
    decision: &Decision,
    call: RaceCall,
    winner: i64,
    race: &Race,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if decision.reason.is_some() {
        return Ok(());
    }
    let why = if now < race.finish_at.and_utc() {
        "the finish has not come"
    } else if call != (RaceCall::Winner { bet_id: winner }) {
        "the evidence does not call this winner"
    } else {
        return Ok(());
    };
    Err(AppError::invalid(
        "reason",
        format!("{why}, so deciding now needs a written reason"),
    ))
}

/// Every other racer still racing has exactly one fate; a merge names people only for a merge.
fn fates(
    decision: &Decision,
    winner: i64,
    racers: &[Racer],
) -> Result<BTreeMap<i64, &'static str>, AppError> {
    let mut fates = BTreeMap::new();
    for loser in &decision.losers {
        if loser.bet_id == winner || !racers.iter().any(|r| r.bet_id == loser.bet_id && r.racing) {
            return Err(AppError::invalid(
                "losers",
                format!(
                    "bet {} is not a loser still racing in this race",
                    loser.bet_id
                ),
            ));
        }
        if loser.fate != LoserFate::Merge && !loser.people.is_empty() {
            return Err(AppError::invalid("losers", "only a merge moves people"));
        }
        let word = match loser.fate {
            LoserFate::Kill => "killed",
            LoserFate::Merge => "merged",
            LoserFate::Continue => "continues",
        };
        if fates.insert(loser.bet_id, word).is_some() {
            return Err(AppError::invalid(
                "losers",
                format!("bet {} is listed twice", loser.bet_id),
            ));
        }
    }
    if let Some(missing) = racers
        .iter()
        .find(|r| r.racing && r.bet_id != winner && !fates.contains_key(&r.bet_id))
    {
        return Err(AppError::invalid(
            "losers",
            format!(
                "say what becomes of bet {}: killed, merged or continues",
                missing.bet_id
            ),
        ));
    }
    Ok(fates)
}

/// Kills, merges or lets continue each loser; a merge moves its people within the cap.
fn settle_losers(
    conn: &mut DbConnection,
    actor: &Actor,
    (race, winner): (&Race, &Bet),
    (fates, decision): (&BTreeMap<i64, &'static str>, &Decision),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let moving: usize = decision
        .losers
        .iter()
        .filter(|l| l.fate == LoserFate::Merge)
        .map(|l| l.people.len())
        .sum();
    if moving > 0 || decision.raise_cap_to.is_some() {
        fit_the_cap(
            conn,
            actor,
            winner.team_id,
            moving,
            decision.raise_cap_to,
            now,
        )?;
    }
    for loser in &decision.losers {
        let (to, fate) = match loser.fate {
            LoserFate::Kill => (Some(BetStatus::Killed), RacerFate::Killed),
            LoserFate::Merge => (Some(BetStatus::Merged), RacerFate::Merged),
            LoserFate::Continue => (None, RacerFate::Continues),
        };
        Racer::settle(conn, race.id, loser.bet_id, fate)?;
        let Some(to) = to else { continue };
        let bet = Bet::find(conn, loser.bet_id)?.ok_or_else(|| AppError::not_found("bet"))?;
        if !Bet::transition(conn, bet.id, BetStatus::Active, to, now.naive_utc())? {
            return Err(AppError::conflict(
                "bet_changed",
                format!("bet {} changed meanwhile; try again", bet.id),
            ));
        }
        if loser.fate == LoserFate::Merge && !loser.people.is_empty() {
            let moved = User::move_team(conn, &loser.people, (bet.team_id, winner.team_id))?;
            if moved != loser.people.len() {
                return Err(AppError::invalid(
                    "losers",
                    format!(
                        "only people of the losing team ({}) move with its bet {}",
                        bet.team_id, bet.id
                    ),
                ));
            }
        }
        audit::record(
            conn,
            Some(actor),
            &format!("bet.{}", fates.get(&bet.id).copied().unwrap_or("close")),
            ("bet", Some(bet.id)),
            json!({"race_id": race.id, "into": winner.id, "people": loser.people}),
            now,
        )?;
    }
    Ok(())
}

/// The winner's team takes `moving` more people within its cap, raised first when asked.
fn fit_the_cap(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: i64,
    moving: usize,
    raise_to: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let team = Team::find(conn, team_id)?.ok_or_else(|| AppError::not_found("team"))?;
    let cap = match raise_to {
        Some(cap) if cap < team.max_members || cap > 1_000 => {
            return Err(AppError::invalid(
                "raise_cap_to",
                format!(
                    "must be from the team's cap of {} up to 1,000",
                    team.max_members
                ),
            ));
        }
        Some(cap) => {
            Team::set_max_members(conn, team_id, cap)?;
            audit::record(
                conn,
                Some(actor),
                "team.cap",
                ("team", Some(team_id)),
                json!({"from": team.max_members, "to": cap}),
                now,
            )?;
            cap
        }
        None => team.max_members,
    };
    let members = Team::member_count(conn, team_id)?;
    let after = members.saturating_add(i64::try_from(moving).unwrap_or(i64::MAX));
    if after > i64::from(cap) {
        return Err(AppError::invalid(
            "losers",
            format!(
                "{} has {members} of its {cap} places: {moving} more would break its cap; raise the cap in the same decision (raise_cap_to) or move fewer people",
                team.name
            ),
        ));
    }
    Ok(())
}
