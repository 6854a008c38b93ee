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
    fn partners_read_only_their_team() {
        assert!(actor(Role::Partner, Some(7)).can_read_team(7));
        assert!(!actor(Role::Partner, Some(7)).can_read_team(8));
        assert!(actor(Role::Member, Some(7)).can_read_team(8));
        assert!(actor(Role::Exec, None).can_read_team(8));
    }
}
