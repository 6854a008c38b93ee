//! Teams (pods) and their ledger accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{accounts, teams, users};
use crate::domain::{AccountKind, TeamKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub kind: TeamKind,
    pub max_members: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = teams)]
pub struct NewTeam<'a> {
    pub name: &'a str,
    pub kind: TeamKind,
    pub max_members: i32,
    pub created_at: NaiveDateTime,
}

impl Team {
    /// Inserts the team and opens its two ledger accounts: its own, and its hold account.
    pub fn create(conn: &mut DbConnection, form: &NewTeam<'_>) -> QueryResult<Team> {
        let team: Team = diesel::insert_into(teams::table)
            .values(form)
            .returning(teams::all_columns)
            .get_result(conn)?;
        for (kind, prefix) in [(AccountKind::Team, "team"), (AccountKind::Hold, "hold")] {
            diesel::insert_into(accounts::table)
                .values((
                    accounts::kind.eq(kind),
                    accounts::team_id.eq(team.id),
                    accounts::name.eq(format!("{prefix}:{}", team.name)),
                    accounts::created_at.eq(form.created_at),
                ))
                .execute(conn)?;
        }
        Ok(team)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Team>> {
        teams::table
            .find(id)
            .select(Team::as_select())
            .first(conn)
            .optional()
    }

    /// All teams, or only `only` when the reader may see just one team.
    pub fn list(conn: &mut DbConnection, only: Option<i64>) -> QueryResult<Vec<Team>> {
        let mut query = teams::table
            .select(Team::as_select())
            .order(teams::id)
            .into_boxed();
        if let Some(id) = only {
            query = query.filter(teams::id.eq(id));
        }
        query.load(conn)
    }

    /// How many people belong to the team (members and partners).
    pub fn member_count(conn: &mut DbConnection, team_id: i64) -> QueryResult<i64> {
        users::table
            .filter(users::team_id.eq(team_id))
            .count()
            .get_result(conn)
    }

    /// Sets how many people the team may hold.
    pub fn set_max_members(conn: &mut DbConnection, team_id: i64, cap: i32) -> QueryResult<()> {
        diesel::update(teams::table.find(team_id))
            .set(teams::max_members.eq(cap))
            .execute(conn)
            .map(drop)
    }
}
