//! Races: in an arena, two or more bets of different teams compared on one measure until a
//! finish, with the engine's P(best) for each (`docs/engine.md`, "Races"), then decided by the
//! committee in one transaction. This module owns who may read a race and what a reader sees;
//! `declare` the rules of a new race, `standings` the evidence read for the engine, `decide`
//! the decision (and moving the finish), `prize` the prize pin on a draft round, `leave` a
//! racer that a round or the committee closed, and `export` the races as rows.

pub mod decide;
pub mod declare;
pub mod export;
pub mod leave;
pub mod prize;
pub mod standings;

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::races::{Race, Racer};
use crate::db::teams::Team;
use crate::domain::Actor;
use crate::error::AppError;

/// A racer as a reader sees it: the bet, and its team unless the reader may not see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RacerLabel {
    pub bet_id: i64,
    pub title: String,
    /// The team's name; null for a partner reading another team's racer.
    pub team: Option<String>,
    pub team_id: Option<i64>,
    /// Still racing (false once the race is decided or the bet left it).
    pub racing: bool,
    /// `winner`, `killed`, `merged`, `continues`, or `left` (closed before the decision).
    #[schema(value_type = Option<String>)]
    pub fate: Option<crate::domain::RacerFate>,
    /// The reader's own team races this bet.
    pub own: bool,
}

/// A race read for one reader: the race and its racers, labelled as the reader may see them.
#[derive(Debug, Clone)]
pub struct Readable {
    pub race: Race,
    pub racers: Vec<Racer>,
    pub labels: BTreeMap<i64, RacerLabel>,
}

/// Reads a race the actor may read: 404 for a race that does not exist or that the reader may
/// not see (a member or partner whose team does not race in it), so that neither learns of it.
pub fn readable(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<Readable, AppError> {
    let race = Race::find(conn, id)?.ok_or_else(|| AppError::not_found("race"))?;
    let racers = Racer::of_race(conn, id)?;
    let teams: Vec<i64> = racers.iter().map(|r| r.team_id).collect();
    if !actor.reads_race(&teams) {
        return Err(AppError::not_found("race"));
    }
    let labels = labels(conn, actor, &racers)?;
    Ok(Readable {
        race,
        racers,
        labels,
    })
}

/// The races an actor may read, newest first, of one arena or of all.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    arena_id: Option<i64>,
) -> Result<Vec<Readable>, AppError> {
    let races = Race::list(conn, arena_id)?;
    let ids: Vec<i64> = races.iter().map(|r| r.id).collect();
    let mut by_race: BTreeMap<i64, Vec<Racer>> = BTreeMap::new();
    for racer in Racer::of_races(conn, &ids)? {
        by_race.entry(racer.race_id).or_default().push(racer);
    }
    let mut out = Vec::new();
    for race in races {
        let racers = by_race.remove(&race.id).unwrap_or_default();
        let teams: Vec<i64> = racers.iter().map(|r| r.team_id).collect();
        if actor.reads_race(&teams) {
            let labels = labels(conn, actor, &racers)?;
            out.push(Readable {
                race,
                racers,
                labels,
            });
        }
    }
    Ok(out)
}

/// Each racer's bet and team; a partner sees the names of its own team only.
fn labels(
    conn: &mut DbConnection,
    actor: &Actor,
    racers: &[Racer],
) -> Result<BTreeMap<i64, RacerLabel>, AppError> {
    let ids: Vec<i64> = racers.iter().map(|r| r.bet_id).collect();
    let bets: BTreeMap<i64, Bet> = Bet::find_many(conn, &ids)?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let teams: BTreeMap<i64, String> = Team::list(conn, None)?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(racers
        .iter()
        .map(|r| {
            let shown = actor.can_read_team(r.team_id);
            let label = RacerLabel {
                bet_id: r.bet_id,
                title: bets
                    .get(&r.bet_id)
                    .map_or_else(|| format!("bet {}", r.bet_id), |b| b.title.clone()),
                team: shown.then(|| teams.get(&r.team_id).cloned()).flatten(),
                team_id: shown.then_some(r.team_id),
                racing: r.racing,
                fate: r.fate,
                own: actor.team_id == Some(r.team_id),
            };
            (r.bet_id, label)
        })
        .collect())
}
