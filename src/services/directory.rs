//! The portfolio's directory: teams (each with a ledger account) and arenas. Committee work.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::arenas::{Arena, NewArena};
use crate::db::names::NameKind;
use crate::db::teams::{NewTeam, Team};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Description, Name, TeamKind};
use crate::error::AppError;
use crate::services::{audit, names};

/// The size of a pod unless the committee says otherwise.
pub const DEFAULT_MAX_MEMBERS: i32 = 10;

pub fn create_team(
    conn: &mut DbConnection,
    actor: &Actor,
    name: &Name,
    kind: TeamKind,
    max_members: i32,
    now: DateTime<Utc>,
) -> Result<Team, AppError> {
    if !(1..=1_000).contains(&max_members) {
        return Err(AppError::invalid(
            "max_members",
            "must be between 1 and 1,000",
        ));
    }
    write_transaction(conn, |conn| {
        names::ensure_new(conn, NameKind::Team, name)?;
        let team = Team::create(
            conn,
            &NewTeam {
                name: name.as_str(),
                kind,
                max_members,
                created_at: now.naive_utc(),
            },
        )?;
        audit::record(
            conn,
            Some(actor),
            "team.create",
            ("team", Some(team.id)),
            json!({"name": team.name, "kind": team.kind, "max_members": max_members}),
            now,
        )?;
        Ok(team)
    })
}

pub fn create_arena(
    conn: &mut DbConnection,
    actor: &Actor,
    name: &Name,
    description: &Description,
    now: DateTime<Utc>,
) -> Result<Arena, AppError> {
    write_transaction(conn, |conn| {
        names::ensure_new(conn, NameKind::Arena, name)?;
        let arena = Arena::create(
            conn,
            &NewArena {
                name: name.as_str(),
                description: description.as_str(),
                created_at: now.naive_utc(),
            },
        )?;
        audit::record(
            conn,
            Some(actor),
            "arena.create",
            ("arena", Some(arena.id)),
            json!({"name": arena.name}),
            now,
        )?;
        Ok(arena)
    })
}
