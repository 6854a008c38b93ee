//! The world of the matrix: its teams, users, tokens and objects, and the fixtures they make.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use horserace::db::DbConnection;
use serde_json::json;

use super::expire_token;
use super::market::Market;
use super::race_fixtures::Races;
use super::rules::{Owner, Who};
use crate::harness::{Api, at, connect, spawn_unlimited};

/// The world of the matrix, and the fixtures each route needs.
pub(super) struct Ctx {
    pub(super) api: Api,
    pub(super) conn: DbConnection,
    pub(super) tokens: BTreeMap<Who, String>,
    pub(super) arena: i64,
    pub(super) team_a: i64,
    pub(super) team_p: i64,
    pub(super) user_a: i64,
    pub(super) user_p: i64,
    pub(super) bet_a: i64,
    pub(super) bet_p: i64,
    pub(super) report_a: i64,
    pub(super) report_p: i64,
    pub(super) committed_round: i64,
    pub(super) counter: u64,
    pub(super) next_as_of: DateTime<Utc>,
    pub(super) market: Market,
    pub(super) races: Races,
}

impl Ctx {
    pub(super) fn admin(&self) -> String {
        self.tokens[&Who::Committee].clone()
    }

    pub(super) fn unique(&mut self, what: &str) -> String {
        self.counter += 1;
        format!("{what} {}", self.counter)
    }

    pub(super) fn team(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.team_a,
            Owner::ExternalTeam => self.team_p,
        }
    }

    pub(super) fn user(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.user_a,
            Owner::ExternalTeam => self.user_p,
        }
    }

    pub(super) fn bet(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.bet_a,
            Owner::ExternalTeam => self.bet_p,
        }
    }

    pub(super) fn report(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.report_a,
            Owner::ExternalTeam => self.report_p,
        }
    }

    /// A bet of the owner's team with a threshold in force since 2000 (so every round sees it).
    pub(super) async fn fresh_bet(&mut self, owner: Owner, active: bool) -> i64 {
        let title = self.unique("Matrix bet");
        let body = json!({
            "arena_id": self.arena, "team_id": self.team(owner), "title": title,
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
        if active {
            self.api
                .post(
                    &format!("/api/v1/bets/{bet}/activate"),
                    &self.admin(),
                    json!({}),
                )
                .await
                .expect(200);
        }
        bet
    }

    pub(super) async fn fresh_report(&mut self, bet: i64) -> i64 {
        self.api
            .post(
                &format!("/api/v1/bets/{bet}/reports"),
                &self.admin(),
                json!({"value": 101.0, "observed_at": "2026-01-01T00:00:00Z"}),
            )
            .await
            .expect(201)
            .id()
    }

    pub(super) fn next_instant(&mut self) -> String {
        let t = self.next_as_of;
        self.next_as_of += Duration::days(1);
        at(t)
    }

    pub(super) async fn new_draft(&mut self) -> i64 {
        let as_of = self.next_instant();
        self.api
            .post(
                "/api/v1/rounds",
                &self.admin(),
                json!({"budget": 1_000_000, "as_of": as_of, "policy": {"kill_after_misses": 1000}}),
            )
            .await
            .expect(201)
            .id()
    }

    /// A draft with no earlier draft beside it, so that it can be committed.
    pub(super) async fn only_draft(&mut self) -> i64 {
        let rounds = self
            .api
            .get("/api/v1/rounds", &self.admin())
            .await
            .expect(200);
        for r in rounds.body.as_array().unwrap() {
            if r["status"] == "draft" {
                self.api
                    .delete(&format!("/api/v1/rounds/{}", r["id"]), &self.admin())
                    .await
                    .expect(204);
            }
        }
        self.new_draft().await
    }
}

pub(super) async fn build() -> (crate::harness::TestApp, Ctx) {
    let app = spawn_unlimited().await;
    let api = Api::of(&app);
    let admin = app.admin.clone();
    let arena = app.create_arena("Matrix arena").await;
    let team_a = app.create_team("Team A", "internal").await;
    let team_b = app.create_team("Team B", "internal").await;
    let team_p = app.create_team("Team P", "external").await;
    let team_q = app.create_team("Team Q", "external").await;
    let (user_a, member_a) = app.create_user("member-a", "member", Some(team_a)).await;
    let (_, member_b) = app.create_user("member-b", "member", Some(team_b)).await;
    let (user_p, partner_p) = app.create_user("partner-p", "partner", Some(team_p)).await;
    let (_, partner_q) = app.create_user("partner-q", "partner", Some(team_q)).await;
    let (_, exec) = app.create_user("exec", "exec", None).await;

    // A revoked and an expired token, both of committee members: were they still honoured,
    // they could do anything.
    let revoked_user = api
        .post(
            "/api/v1/users",
            &admin,
            json!({"name": "revoked", "role": "committee"}),
        )
        .await
        .expect(201);
    let revoked = revoked_user.body["token"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    api.delete(
        &format!("/api/v1/tokens/{}", revoked_user.body["token"]["id"]),
        &admin,
    )
    .await
    .expect(204);
    let expired_user = api
        .post(
            "/api/v1/users",
            &admin,
            json!({"name": "expired", "role": "committee"}),
        )
        .await
        .expect(201);
    let expired = expired_user.body["token"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut conn = connect(&app.database_url);
    expire_token(
        &mut conn,
        expired_user.body["token"]["id"].as_i64().unwrap(),
    );

    let tokens = BTreeMap::from([
        (Who::Committee, admin.clone()),
        (Who::MemberA, member_a),
        (Who::MemberB, member_b),
        (Who::PartnerP, partner_p),
        (Who::PartnerQ, partner_q),
        (Who::Exec, exec),
        (Who::Unknown, format!("hr_{}", "0123456789abcdef".repeat(4))),
        (Who::Revoked, revoked),
        (Who::Expired, expired),
    ]);
    let mut ctx = Ctx {
        api,
        conn,
        tokens,
        arena,
        team_a,
        team_p,
        user_a,
        user_p,
        bet_a: 0,
        bet_p: 0,
        report_a: 0,
        report_p: 0,
        committed_round: 0,
        counter: 0,
        next_as_of: Utc.with_ymd_and_hms(2001, 1, 1, 0, 0, 0).unwrap(),
        market: Market::default(),
        races: Races::default(),
    };
    ctx.bet_a = ctx.fresh_bet(Owner::InternalTeam, true).await;
    ctx.bet_p = ctx.fresh_bet(Owner::ExternalTeam, true).await;
    ctx.report_a = ctx.fresh_report(ctx.bet_a).await;
    ctx.report_p = ctx.fresh_report(ctx.bet_p).await;
    let round = ctx.only_draft().await;
    ctx.api
        .post(&format!("/api/v1/rounds/{round}/commit"), &admin, json!({}))
        .await
        .expect(200);
    ctx.committed_round = round;
    ctx.build_market().await;
    ctx.build_races().await;
    (app, ctx)
}
