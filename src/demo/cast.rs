//! Who takes part in the demo: its arenas, its teams and their people (the first of each team
//! is the one whose token the demo prints), an executive and a committee chair, and the bets
//! the teams register and the committee activates.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::portfolio::{self, ARENAS, TEAMS};
use super::{actor_of, bet_start, name_of};
use crate::db::DbConnection;
use crate::domain::{Actor, ApiToken, Description, Money, Role, Stage, TeamKind, Title, Unit};
use crate::error::AppError;
use crate::services::bets::{self as bets_service, BetForm};
use crate::services::users::{UserForm, create_user};
use crate::services::{directory, directory::DEFAULT_MAX_MEMBERS};

/// The teams as created, in the order of [`TEAMS`].
pub(super) struct Teams {
    pub(super) ids: Vec<i64>,
    /// The first person of each team, acting for it.
    pub(super) people: Vec<Actor>,
    /// That person's name and sign-in token, by team index.
    pub(super) first_tokens: BTreeMap<usize, (String, ApiToken)>,
}

/// The arenas, in the order of [`ARENAS`].
pub(super) fn arenas(
    conn: &mut DbConnection,
    admin: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for (name, description) in ARENAS {
        let arena = directory::create_arena(
            conn,
            admin,
            &name_of(name)?,
            &Description::parse("description", description)?,
            now,
        )?;
        ids.push(arena.id);
    }
    Ok(ids)
}

/// The teams and their people: members of internal teams, partners of external ones.
pub(super) fn teams(
    conn: &mut DbConnection,
    admin: &Actor,
    now: DateTime<Utc>,
) -> Result<Teams, AppError> {
    let mut teams = Teams {
        ids: Vec::new(),
        people: Vec::new(),
        first_tokens: BTreeMap::new(),
    };
    for (t, spec) in TEAMS.iter().enumerate() {
        let team = directory::create_team(
            conn,
            admin,
            &name_of(spec.name)?,
            spec.kind,
            DEFAULT_MAX_MEMBERS,
            now,
        )?;
        teams.ids.push(team.id);
        let role = if spec.kind == TeamKind::External {
            Role::Partner
        } else {
            Role::Member
        };
        for (i, person) in spec.people.iter().enumerate() {
            let form = UserForm {
                name: name_of(person)?,
                role,
                team_id: Some(team.id),
            };
            let (user, issued) = create_user(conn, admin, form, now)?;
            if i == 0 {
                teams
                    .first_tokens
                    .insert(t, (user.name.clone(), issued.secret));
                teams.people.push(actor_of(&user, role));
            }
        }
    }
    Ok(teams)
}

/// The executive (name and token, printed) and the committee chair who pins (acting).
pub(super) fn staff(
    conn: &mut DbConnection,
    admin: &Actor,
    now: DateTime<Utc>,
) -> Result<((String, ApiToken), Actor), AppError> {
    let exec = UserForm {
        name: name_of("erin")?,
        role: Role::Exec,
        team_id: None,
    };
    let (exec_user, exec_token) = create_user(conn, admin, exec, now)?;
    let chair = UserForm {
        name: name_of("chair")?,
        role: Role::Committee,
        team_id: None,
    };
    let (chair_user, _) = create_user(conn, admin, chair, now)?;
    Ok((
        (exec_user.name, exec_token.secret),
        actor_of(&chair_user, Role::Committee),
    ))
}

/// The bets, registered by their teams with the first target (and a harder one later), then
/// activated by the committee; their ids in the order of [`portfolio::bets`].
pub(super) fn register_bets(
    conn: &mut DbConnection,
    admin: &Actor,
    arenas: &[i64],
    teams: &Teams,
    start: DateTime<Utc>,
    round_at: &dyn Fn(usize) -> DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut bet_ids = Vec::new();
    for spec in portfolio::bets() {
        let begins = bet_start(spec, start, round_at);
        let mut thresholds = vec![(spec.target, Some(begins))];
        if spec.later_target != 0.0 {
            thresholds.push((
                spec.later_target,
                Some(round_at(1) + chrono::TimeDelta::days(7)),
            ));
        }
        let form = BetForm {
            arena_id: arenas[spec.arena],
            team_id: teams.ids[spec.team],
            title: Title::parse("title", spec.title)?,
            thesis: Description::parse("thesis", spec.thesis)?,
            metric_name: name_of(spec.metric)?,
            metric_unit: Unit::parse("unit", spec.unit)?,
            direction: spec.direction,
            baseline: spec.baseline,
            stage: if spec.starts_before_round > 0 {
                Stage::Explore
            } else {
                Stage::Validate
            },
            seed_request: spec
                .seed_request
                .map(|m| Money::parse("seed_request", m))
                .transpose()?,
            thresholds,
        };
        let (bet, _) = bets_service::create(conn, &teams.people[spec.team], form, now)?;
        bets_service::activate(conn, admin, bet.id, now)?;
        bet_ids.push(bet.id);
    }
    Ok(bet_ids)
}
