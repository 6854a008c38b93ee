//! Who is asking, and what their role lets them touch. Every permission rule of `docs/design.md`'s
//! role table lives here, so handlers ask and never decide.

use super::Role;

/// The signed-in user behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// The one team of a member or partner; none for committee and execs.
    pub team_id: Option<i64>,
}

impl Actor {
    pub fn is_committee(&self) -> bool {
        self.role == Role::Committee
    }

    /// Committee and execs see all teams' data; members see everything too; partners only their
    /// own team.
    pub fn can_read_team(&self, team_id: i64) -> bool {
        self.role != Role::Partner || self.team_id == Some(team_id)
    }

    /// Whether this actor may read across all teams (listings need no team filter).
    pub fn reads_all_teams(&self) -> bool {
        self.role != Role::Partner
    }

    /// Committee writes anywhere; members and partners only for their own team; execs never.
    pub fn can_write_team(&self, team_id: i64) -> bool {
        match self.role {
            Role::Committee => true,
            Role::Member | Role::Partner => self.team_id == Some(team_id),
            Role::Exec => false,
        }
    }

    /// Committee and execs read the audit log and the user list.
    pub fn can_oversee(&self) -> bool {
        matches!(self.role, Role::Committee | Role::Exec)
    }

    /// In the market a team acts for itself: only its members and partners subscribe, file,
    /// quote, accept and deliver for it. The committee sets the rules but spends no team's
    /// money; execs change nothing.
    pub fn acts_for(&self, team_id: i64) -> bool {
        matches!(self.role, Role::Member | Role::Partner) && self.team_id == Some(team_id)
    }

    /// A race is read by the committee and execs, and by the people of a team racing in it
    /// (`racing_teams`, the racers' teams at declaration).
    pub fn reads_race(&self, racing_teams: &[i64]) -> bool {
        self.can_oversee() || self.team_id.is_some_and(|t| racing_teams.contains(&t))
    }

    /// A team's books (its statement and account) are read by the team itself, the committee
    /// and execs; not by other teams.
    pub fn reads_books_of(&self, team_id: i64) -> bool {
        self.can_oversee() || self.team_id == Some(team_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, team_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            name: "a".into(),
            role,
            team_id,
        }
    }

    #[test]
    fn each_role_writes_only_where_it_may() {
        assert!(actor(Role::Committee, None).can_write_team(7));
        assert!(actor(Role::Member, Some(7)).can_write_team(7));
        assert!(!actor(Role::Member, Some(7)).can_write_team(8));
        assert!(actor(Role::Partner, Some(7)).can_write_team(7));
        assert!(!actor(Role::Exec, None).can_write_team(7));
    }

    #[test]
    fn in_the_market_only_a_team_acts_for_itself_and_reads_its_books() {
        assert!(actor(Role::Member, Some(7)).acts_for(7));
        assert!(actor(Role::Partner, Some(7)).acts_for(7));
        assert!(!actor(Role::Member, Some(7)).acts_for(8));
        assert!(!actor(Role::Committee, None).acts_for(7));
        assert!(!actor(Role::Exec, None).acts_for(7));
        assert!(actor(Role::Exec, None).reads_books_of(7));
        assert!(actor(Role::Committee, None).reads_books_of(7));
        assert!(actor(Role::Member, Some(7)).reads_books_of(7));
        assert!(!actor(Role::Member, Some(8)).reads_books_of(7));
        assert!(!actor(Role::Partner, Some(8)).reads_books_of(7));
    }

    #[test]
    fn partners_read_only_their_team() {
        assert!(actor(Role::Partner, Some(7)).can_read_team(7));
        assert!(!actor(Role::Partner, Some(7)).can_read_team(8));
        assert!(actor(Role::Member, Some(7)).can_read_team(8));
        assert!(actor(Role::Exec, None).can_read_team(8));
    }
}
