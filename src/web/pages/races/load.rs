//! What the race pages read, in one database call each: a race as the viewer may read it with
//! its standings (the service's `watch`) and the evidence behind them (for the chart's dots);
//! the race an arena page leads with; and, for the committee, the teams a decision may change
//! (their people and caps), or for a decided race what the decision did (who moved, where the
//! prize stands). A race whose standings cannot be computed is still shown, with why.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::audit::{AuditEntry, AuditFilter};
use crate::db::bets::Bet;
use crate::db::rounds::Round;
use crate::db::teams::Team;
use crate::db::users::User;
use crate::domain::{Actor, Filter, RaceStatus, RacerFate, RoundStatus};
use crate::engine::{RaceStandings, RacerEvidence};
use crate::error::{AppError, ErrorKind};
use crate::services::races::{self, Readable, standings};

/// A race as one viewer reads it.
pub struct Loaded {
    pub readable: Readable,
    /// None when the engine cannot compute them; `trouble` says why.
    pub standings: Option<RaceStandings>,
    pub trouble: Option<String>,
    /// Each racer's evidence as the engine read it (reports since the start, baseline and
    /// threshold at the finish), by bet id.
    pub evidence: BTreeMap<i64, RacerEvidence>,
    /// The reports reach up to here: now, or the finish once it has passed.
    pub evidence_until: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// The racing bets, by id.
    pub bets: BTreeMap<i64, Bet>,
}

/// Reads race `id` for `actor` as of `now`: 404 when the actor may not read it.
pub fn race(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Loaded, AppError> {
    let (readable, standings, trouble, evidence_until) =
        match standings::watch(conn, actor, id, now) {
            Ok(w) => (w.readable, Some(w.standings), None, w.evidence_until),
            Err(e) if e.kind() == ErrorKind::Conflict => {
                let readable = races::readable(conn, actor, id)?;
                let until = now.min(readable.race.finish_at.and_utc());
                (readable, None, Some(e.detail().message.clone()), until)
            }
            Err(e) => return Err(e),
        };
    let evidence = if standings.is_some() {
        let race = &readable.race;
        standings::input(conn, race, &readable.racers, now)?
            .0
            .racers
            .into_iter()
            .map(|r| (r.bet_id, r))
            .collect()
    } else {
        BTreeMap::new()
    };
    let ids: Vec<i64> = readable.racers.iter().map(|r| r.bet_id).collect();
    let bets = Bet::find_many(conn, &ids)?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    Ok(Loaded {
        readable,
        standings,
        trouble,
        evidence,
        evidence_until,
        now,
        bets,
    })
}

/// The race an arena page leads with.
pub enum InArena {
    /// The race under way, with its standings.
    Running(Box<Loaded>),
    /// No race under way: the latest decided one.
    Decided(Box<Readable>),
    /// None the viewer may read.
    Nothing,
}

/// The race under way in `arena_id` that `actor` may read, else the latest decided one. A race
/// the actor's team is not in is not there for it.
pub fn in_arena(
    conn: &mut DbConnection,
    actor: &Actor,
    arena_id: i64,
    now: DateTime<Utc>,
) -> Result<InArena, AppError> {
    let list = races::list(conn, actor, Some(arena_id))?;
    if let Some(running) = list.iter().find(|r| r.race.status == RaceStatus::Running) {
        return match race(conn, actor, running.race.id, now) {
            Ok(loaded) => Ok(InArena::Running(Box::new(loaded))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(InArena::Nothing),
            Err(e) => Err(e),
        };
    }
    Ok(list
        .into_iter()
        .find(|r| r.race.status == RaceStatus::Decided)
        .map_or(InArena::Nothing, |r| InArena::Decided(Box::new(r))))
}

/// A racing team as a decision may change it.
pub struct TeamFacts {
    pub name: String,
    pub cap: i32,
    pub members: i64,
    pub people: Vec<User>,
}

/// The racing teams, by id: their people (who may move with a merge) and caps.
pub fn teams(
    conn: &mut DbConnection,
    readable: &Readable,
) -> Result<BTreeMap<i64, TeamFacts>, AppError> {
    let mut out = BTreeMap::new();
    for racer in &readable.racers {
        if out.contains_key(&racer.team_id) {
            continue;
        }
        let Some(team) = Team::find(conn, racer.team_id)? else {
            continue;
        };
        let facts = TeamFacts {
            name: team.name,
            cap: team.max_members,
            members: Team::member_count(conn, racer.team_id)?,
            people: User::list(conn, Some(racer.team_id))?,
        };
        out.insert(racer.team_id, facts);
    }
    Ok(out)
}

/// What a decided race's decision did, beyond the racers' fates.
pub struct Decision {
    /// Who decided it.
    pub by: Option<String>,
    /// The people who moved to the winner's team, by the merged bet's id.
    pub moved: BTreeMap<i64, Vec<String>>,
    /// The draft or committed round its prize is pinned on, and whether it is committed.
    pub prize_round: Option<(i64, bool)>,
}

/// Reads what the decision of a decided race did: its decider, the people each merge moved
/// (from the audit of the merge), and the round of its prize.
pub fn decision(conn: &mut DbConnection, readable: &Readable) -> Result<Decision, AppError> {
    let race = &readable.race;
    let by = match race.decided_by {
        Some(id) => User::find(conn, id)?.map(|u| u.name),
        None => None,
    };
    let names: BTreeMap<i64, String> = User::list(conn, None)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut moved = BTreeMap::new();
    for racer in &readable.racers {
        if racer.fate != Some(RacerFate::Merged) {
            continue;
        }
        let filter = AuditFilter {
            action: Filter::optional("action", "bet.merged")?,
            object_type: Filter::optional("object type", "bet")?,
            object_id: Some(racer.bet_id),
            ..AuditFilter::default()
        };
        let (entries, _) = AuditEntry::page(conn, &filter, 0, 20)?;
        let people: Vec<String> = entries
            .iter()
            .filter_map(|e| serde_json::from_str::<Value>(&e.detail).ok())
            .find(|d| d["race_id"].as_i64() == Some(race.id))
            .and_then(|d| d["people"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_i64)
            .map(|id| {
                names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("user {id}"))
            })
            .collect();
        moved.insert(racer.bet_id, people);
    }
    let prize_round = match race.prize_round_id {
        Some(id) => Round::find(conn, id)?.map(|r| (r.id, r.status == RoundStatus::Committed)),
        None => None,
    };
    Ok(Decision {
        by,
        moved,
        prize_round,
    })
}
