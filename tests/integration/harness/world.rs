//! A small portfolio most tests start from.

use crate::harness::TestApp;

/// One arena, two internal teams with a member each, an external team with a partner, an
/// exec, and an active bet per team.
pub struct World {
    pub arena: i64,
    pub team_a: i64,
    pub team_b: i64,
    pub partner_team: i64,
    pub member_a: String,
    pub member_b: String,
    pub partner: String,
    pub exec: String,
    pub bet_a: i64,
    pub bet_b: i64,
    pub partner_bet: i64,
}

impl TestApp {
    pub async fn world(&self) -> World {
        let arena = self.create_arena("Mobile messaging").await;
        let team_a = self.create_team("Pod A", "internal").await;
        let team_b = self.create_team("Pod B", "internal").await;
        let partner_team = self.create_team("Partner Co", "external").await;
        let (_, member_a) = self.create_user("alice", "member", Some(team_a)).await;
        let (_, member_b) = self.create_user("bob", "member", Some(team_b)).await;
        let (_, partner) = self.create_user("pat", "partner", Some(partner_team)).await;
        let (_, exec) = self.create_user("erin", "exec", None).await;
        let bet_a = self
            .create_bet(&member_a, arena, team_a, "Chat stickers")
            .await;
        let bet_b = self
            .create_bet(&member_b, arena, team_b, "Voice notes")
            .await;
        let partner_bet = self
            .create_bet(&partner, arena, partner_team, "Partner bots")
            .await;
        for bet in [bet_a, bet_b, partner_bet] {
            self.activate(bet).await;
        }
        World {
            arena,
            team_a,
            team_b,
            partner_team,
            member_a,
            member_b,
            partner,
            exec,
            bet_a,
            bet_b,
            partner_bet,
        }
    }
}
