//! The races' part of the world, and the concrete request for each race route.
//!
//! Every race of the matrix is between a bet of the owner's team and one of team R. Team R
//! has no caller of the matrix among its people, so whether a caller may read a race follows
//! only from how they stand to the owner's team. Each race has an arena of its own: an arena
//! holds one running race at a time, and a bet races in one race at a time.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::fixtures::{Fixture, p};
use super::routes::Route;
use super::rules::Owner;
use super::world::Ctx;
use crate::harness::at;

/// What the race fixtures read and build on.
#[derive(Default)]
pub(super) struct Races {
    /// The team every race is run against.
    pub(super) team_r: i64,
    /// A running race of team A's bet against team R's, to read.
    pub(super) race_a: i64,
    /// A running race of team P's bet against team R's, to read.
    pub(super) race_p: i64,
}

/// A fresh running race and its two racers.
struct Fresh {
    race: i64,
    /// The owner's team's bet.
    mine: i64,
    /// Team R's bet.
    theirs: i64,
}

impl Ctx {
    /// Team R and the two races the reads use.
    pub(super) async fn build_races(&mut self) {
        self.races.team_r = self
            .api
            .post(
                "/api/v1/teams",
                &self.admin(),
                json!({"name": "Team R", "kind": "internal"}),
            )
            .await
            .expect(201)
            .id();
        self.races.race_a = self.new_race(Owner::InternalTeam).await.race;
        self.races.race_p = self.new_race(Owner::ExternalTeam).await.race;
    }

    fn race(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.races.race_a,
            Owner::ExternalTeam => self.races.race_p,
        }
    }

    /// An active bet of `team` in `arena`, with a threshold in force since 2000 (so at any
    /// finish).
    async fn race_bet(&mut self, arena: i64, team: i64) -> i64 {
        let title = self.unique("Matrix racer");
        let body = json!({
            "arena_id": arena, "team_id": team, "title": title,
            "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"},
            "baseline": 100.0,
            "thresholds": [{"target": 120.0, "effective_from": "2000-01-01T00:00:00Z"}]
        });
        let bet = self
            .api
            .post("/api/v1/bets", &self.admin(), body)
            .await
            .expect(201)
            .id();
        self.api
            .post(
                &format!("/api/v1/bets/{bet}/activate"),
                &self.admin(),
                json!({}),
            )
            .await
            .expect(200);
        bet
    }

    /// A fresh arena with no race, holding an active bet of the owner's team and one of team
    /// R: `(arena, the owner's bet, R's bet)`.
    async fn race_arena(&mut self, owner: Owner) -> (i64, i64, i64) {
        let name = self.unique("Race arena");
        let arena = self
            .api
            .post("/api/v1/arenas", &self.admin(), json!({"name": name}))
            .await
            .expect(201)
            .id();
        let mine = self.race_bet(arena, self.team(owner)).await;
        let theirs = self.race_bet(arena, self.races.team_r).await;
        (arena, mine, theirs)
    }

    /// The declaration of a race between `racers` in `arena`, finishing in 30 days.
    fn race_body(&mut self, arena: i64, racers: [i64; 2]) -> Value {
        let name = self.unique("Matrix race");
        json!({
            "arena_id": arena, "name": name, "racers": racers,
            "finish_at": at(Utc::now() + Duration::days(30))
        })
    }

    /// A running race of the owner's team's bet against team R's, in an arena of its own.
    async fn new_race(&mut self, owner: Owner) -> Fresh {
        let (arena, mine, theirs) = self.race_arena(owner).await;
        let body = self.race_body(arena, [mine, theirs]);
        let race = self
            .api
            .post("/api/v1/races", &self.admin(), body)
            .await
            .expect(201)
            .id();
        Fresh { race, mine, theirs }
    }

    /// The races' fixture for `route`, if it is one of the races'. Declaring, extending and
    /// deciding each use a race (or an arena) up, so each gets a fresh one.
    pub(super) async fn race_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let fixture = match (route.method, route.path) {
            ("GET", "/api/v1/races") => p("/api/v1/races?status=running".into()),
            ("GET", "/api/v1/races/{id}") => p(format!("/api/v1/races/{}", self.race(owner))),
            ("POST", "/api/v1/races") => {
                let (arena, mine, theirs) = self.race_arena(owner).await;
                let body = self.race_body(arena, [mine, theirs]);
                (route.path.to_owned(), Some(body))
            }
            ("POST", "/api/v1/races/{id}/extend") => {
                let race = self.new_race(owner).await.race;
                let finish_at = at(Utc::now() + Duration::days(60));
                (
                    format!("/api/v1/races/{race}/extend"),
                    Some(json!({"finish_at": finish_at})),
                )
            }
            ("POST", "/api/v1/races/{id}/decision") => {
                // Before the finish, so with a reason; R's bet, the only other racer, goes on.
                let Fresh { race, mine, theirs } = self.new_race(owner).await;
                let body = json!({
                    "winner": mine, "reason": "Matrix decision",
                    "losers": [{"bet_id": theirs, "fate": "continues"}]
                });
                (format!("/api/v1/races/{race}/decision"), Some(body))
            }
            _ => return None,
        };
        Some(fixture)
    }
}
