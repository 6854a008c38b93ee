//! The authorization matrix: every documented route, for every kind of caller, on an object of
//! an internal team and on one of an external team, with the exact status each must get. The
//! list of routes is checked against the OpenAPI document at run time, so a route added without
//! a row here fails the test. A refused request must also write nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::schema::tokens;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, at, connect, fingerprint, fingerprint_diff, is_envelope};
use crate::harness::{Reply, spawn_unlimited};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Committee,
    /// A member of team A (internal).
    MemberA,
    /// A member of team B (internal).
    MemberB,
    /// The partner of team P (external).
    PartnerP,
    /// The partner of team Q (external).
    PartnerQ,
    Exec,
    NoToken,
    /// Authorization headers that are not a bearer token (several shapes, each tried).
    Malformed,
    /// A well-formed token nobody was given.
    Unknown,
    /// A committee member's revoked token.
    Revoked,
    /// A committee member's expired token.
    Expired,
}

const EVERYONE: [Who; 11] = [
    Who::Committee,
    Who::MemberA,
    Who::MemberB,
    Who::PartnerP,
    Who::PartnerQ,
    Who::Exec,
    Who::NoToken,
    Who::Malformed,
    Who::Unknown,
    Who::Revoked,
    Who::Expired,
];

/// Whose object a request works on: team A's (member A is its member; for user routes, member
/// A's own user), or team P's (partner P is its partner; for user routes, partner P's user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    InternalTeam,
    ExternalTeam,
}

/// How a caller stands to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Committee,
    Exec,
    OwnMember,
    OtherMember,
    OwnPartner,
    OtherPartner,
    Anonymous,
}

fn relation(who: Who, owner: Owner) -> Relation {
    match (who, owner) {
        (Who::Committee, _) => Relation::Committee,
        (Who::Exec, _) => Relation::Exec,
        (Who::MemberA, Owner::InternalTeam) => Relation::OwnMember,
        (Who::MemberA | Who::MemberB, _) => Relation::OtherMember,
        (Who::PartnerP, Owner::ExternalTeam) => Relation::OwnPartner,
        (Who::PartnerP | Who::PartnerQ, _) => Relation::OtherPartner,
        _ => Relation::Anonymous,
    }
}

/// Who may use a route: README's "Who may do what", one rule per route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, with or without a token.
    Public,
    /// Anyone signed in.
    SignedIn,
    /// Only the committee; everyone else signed in gets 403.
    Committee,
    /// The committee and execs; everyone else signed in gets 403.
    Oversight,
    /// Everyone signed in, except that for a partner another team's object does not exist (404).
    TeamRead,
    /// The committee and the object's own team; another team's member and execs 403, another
    /// team's partner 404 (the object does not exist for them).
    TeamWrite,
    /// Registering a bet for a team: the committee or that team; anyone else 403 (the team is
    /// named in the body, so there is nothing to hide).
    RegisterBet,
    /// A user themself, the committee and execs; anyone else 404.
    SelfOrOversight,
    /// A user themself and the committee; anyone else (execs too) 404.
    SelfOrCommittee,
    /// A CSV import: the committee and the rows' own team store; execs are refused outright
    /// (403); another team's member or partner sees every row refused (422, nothing stored).
    Import,
}

fn expected(rule: Rule, relation: Relation, success: u16) -> u16 {
    use Relation::*;
    match (rule, relation) {
        (Rule::Public, _) => success,
        (_, Anonymous) => 401,
        (Rule::SignedIn, _) => success,
        (Rule::Committee, Committee) => success,
        (Rule::Committee, _) => 403,
        (Rule::Oversight, Committee | Exec) => success,
        (Rule::Oversight, _) => 403,
        (Rule::TeamRead, OtherPartner) => 404,
        (Rule::TeamRead, _) => success,
        (Rule::TeamWrite, Committee | OwnMember | OwnPartner) => success,
        (Rule::TeamWrite, OtherPartner) => 404,
        (Rule::TeamWrite, OtherMember | Exec) => 403,
        (Rule::RegisterBet, Committee | OwnMember | OwnPartner) => success,
        (Rule::RegisterBet, _) => 403,
        (Rule::SelfOrOversight, Committee | Exec | OwnMember | OwnPartner) => success,
        (Rule::SelfOrOversight, _) => 404,
        (Rule::SelfOrCommittee, Committee | OwnMember | OwnPartner) => success,
        (Rule::SelfOrCommittee, _) => 404,
        (Rule::Import, Committee | OwnMember | OwnPartner) => success,
        (Rule::Import, Exec) => 403,
        (Rule::Import, OtherMember | OtherPartner) => 422,
    }
}

/// One documented operation.
struct Route {
    method: &'static str,
    /// As the OpenAPI document spells it.
    path: &'static str,
    rule: Rule,
    /// The status of success.
    success: u16,
    /// A success uses the object up (a token revoked, a bet activated, a round committed), so
    /// each permitted caller gets a fresh one.
    one_shot: bool,
}

const fn route(method: &'static str, path: &'static str, rule: Rule, success: u16) -> Route {
    Route {
        method,
        path,
        rule,
        success,
        one_shot: false,
    }
}

const fn one_shot(method: &'static str, path: &'static str, rule: Rule, success: u16) -> Route {
    Route {
        method,
        path,
        rule,
        success,
        one_shot: true,
    }
}

/// Every route of `src/api/mod.rs` with who may call it.
const ROUTES: &[Route] = &[
    route("GET", "/healthz", Rule::Public, 200),
    route("GET", "/readyz", Rule::Public, 200),
    route("GET", "/api/v1/openapi.json", Rule::Public, 200),
    route("POST", "/api/v1/teams", Rule::Committee, 201),
    route("GET", "/api/v1/teams", Rule::SignedIn, 200),
    route("GET", "/api/v1/teams/{id}", Rule::TeamRead, 200),
    route("POST", "/api/v1/users", Rule::Committee, 201),
    route("GET", "/api/v1/users", Rule::Oversight, 200),
    route("GET", "/api/v1/users/me", Rule::SignedIn, 200),
    route("GET", "/api/v1/users/{id}", Rule::SelfOrOversight, 200),
    route(
        "POST",
        "/api/v1/users/{id}/tokens",
        Rule::SelfOrCommittee,
        201,
    ),
    route(
        "GET",
        "/api/v1/users/{id}/tokens",
        Rule::SelfOrOversight,
        200,
    ),
    one_shot("DELETE", "/api/v1/tokens/{id}", Rule::SelfOrCommittee, 204),
    route("POST", "/api/v1/arenas", Rule::Committee, 201),
    route("GET", "/api/v1/arenas", Rule::SignedIn, 200),
    route("GET", "/api/v1/arenas/{id}", Rule::SignedIn, 200),
    route("POST", "/api/v1/bets", Rule::RegisterBet, 201),
    route("GET", "/api/v1/bets", Rule::SignedIn, 200),
    route("GET", "/api/v1/bets/{id}", Rule::TeamRead, 200),
    // One threshold per instant: each success needs its own.
    one_shot("POST", "/api/v1/bets/{id}/thresholds", Rule::TeamWrite, 201),
    one_shot("POST", "/api/v1/bets/{id}/activate", Rule::Committee, 200),
    one_shot("POST", "/api/v1/bets/{id}/kill", Rule::Committee, 200),
    one_shot("POST", "/api/v1/bets/{id}/graduate", Rule::Committee, 200),
    route("POST", "/api/v1/bets/{id}/reports", Rule::TeamWrite, 201),
    route("GET", "/api/v1/bets/{id}/reports", Rule::TeamRead, 200),
    route("POST", "/api/v1/reports/batch", Rule::TeamWrite, 201),
    one_shot(
        "POST",
        "/api/v1/reports/{id}/corrections",
        Rule::TeamWrite,
        201,
    ),
    route("GET", "/api/v1/reports/{id}", Rule::TeamRead, 200),
    route("POST", "/api/v1/rounds", Rule::Committee, 201),
    route("GET", "/api/v1/rounds", Rule::SignedIn, 200),
    route("GET", "/api/v1/rounds/{id}", Rule::SignedIn, 200),
    one_shot("DELETE", "/api/v1/rounds/{id}", Rule::Committee, 204),
    route("POST", "/api/v1/rounds/{id}/preview", Rule::Committee, 200),
    route(
        "PUT",
        "/api/v1/rounds/{id}/pins/{bet_id}",
        Rule::Committee,
        200,
    ),
    one_shot(
        "DELETE",
        "/api/v1/rounds/{id}/pins/{bet_id}",
        Rule::Committee,
        204,
    ),
    one_shot("POST", "/api/v1/rounds/{id}/commit", Rule::Committee, 200),
    route(
        "GET",
        "/api/v1/rounds/{id}/verification",
        Rule::Oversight,
        200,
    ),
    route("GET", "/api/v1/ledger", Rule::SignedIn, 200),
    route("GET", "/api/v1/audit", Rule::Oversight, 200),
    route("GET", "/metrics", Rule::Public, 200),
    route("POST", "/api/v1/reports/import", Rule::Import, 201),
    route(
        "GET",
        "/api/v1/rounds/{id}/results.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/portfolio.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/ledger.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/audit.{format}",
        Rule::Oversight,
        200,
    ),
];

/// Every (METHOD, path) the server documents.
pub async fn documented_operations(api: &Api) -> BTreeSet<(String, String)> {
    let doc = api
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200);
    let mut operations = BTreeSet::new();
    for (path, item) in doc.body["paths"].as_object().expect("paths") {
        for method in [
            "get", "post", "put", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

/// The world of the matrix, and the fixtures each route needs.
struct Ctx {
    api: Api,
    conn: DbConnection,
    tokens: BTreeMap<Who, String>,
    arena: i64,
    team_a: i64,
    team_p: i64,
    user_a: i64,
    user_p: i64,
    bet_a: i64,
    bet_p: i64,
    report_a: i64,
    report_p: i64,
    committed_round: i64,
    counter: u64,
    next_as_of: DateTime<Utc>,
}

impl Ctx {
    fn admin(&self) -> String {
        self.tokens[&Who::Committee].clone()
    }

    fn unique(&mut self, what: &str) -> String {
        self.counter += 1;
        format!("{what} {}", self.counter)
    }

    fn team(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.team_a,
            Owner::ExternalTeam => self.team_p,
        }
    }

    fn user(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.user_a,
            Owner::ExternalTeam => self.user_p,
        }
    }

    fn bet(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.bet_a,
            Owner::ExternalTeam => self.bet_p,
        }
    }

    fn report(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.report_a,
            Owner::ExternalTeam => self.report_p,
        }
    }

    /// A bet of the owner's team with a threshold in force since 2000 (so every round sees it).
    async fn fresh_bet(&mut self, owner: Owner, active: bool) -> i64 {
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

    async fn fresh_report(&mut self, bet: i64) -> i64 {
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

    fn next_instant(&mut self) -> String {
        let t = self.next_as_of;
        self.next_as_of += Duration::days(1);
        at(t)
    }

    async fn new_draft(&mut self) -> i64 {
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
    async fn only_draft(&mut self) -> i64 {
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

    /// The concrete path and body of one request to `route` on the owner's object.
    async fn prepare(&mut self, route: &Route, owner: Owner) -> (String, Option<Value>) {
        let team = self.team(owner);
        let user = self.user(owner);
        let bet = self.bet(owner);
        let report = self.report(owner);
        let p = |s: String| (s, None);
        match (route.method, route.path) {
            (_, "/healthz" | "/readyz" | "/api/v1/openapi.json" | "/metrics")
            | (
                "GET",
                "/api/v1/teams" | "/api/v1/users" | "/api/v1/users/me" | "/api/v1/arenas"
                | "/api/v1/rounds" | "/api/v1/audit",
            ) => p(route.path.to_owned()),
            ("GET", "/api/v1/bets") => p(format!("/api/v1/bets?team_id={team}")),
            ("GET", "/api/v1/ledger") => p(format!("/api/v1/ledger?bet_id={bet}")),
            ("POST", "/api/v1/teams") => {
                let name = self.unique("Matrix team");
                (
                    route.path.to_owned(),
                    Some(json!({"name": name, "kind": "internal"})),
                )
            }
            ("GET", "/api/v1/teams/{id}") => p(format!("/api/v1/teams/{team}")),
            ("POST", "/api/v1/users") => {
                let name = self.unique("matrix-user");
                (
                    route.path.to_owned(),
                    Some(json!({"name": name, "role": "exec"})),
                )
            }
            ("GET", "/api/v1/users/{id}") => p(format!("/api/v1/users/{user}")),
            ("POST", "/api/v1/users/{id}/tokens") => (
                format!("/api/v1/users/{user}/tokens"),
                Some(json!({"label": "matrix"})),
            ),
            ("GET", "/api/v1/users/{id}/tokens") => p(format!("/api/v1/users/{user}/tokens")),
            ("DELETE", "/api/v1/tokens/{id}") => {
                let admin = self.admin();
                let token = self
                    .api
                    .post(
                        &format!("/api/v1/users/{user}/tokens"),
                        &admin,
                        json!({"label": "to revoke"}),
                    )
                    .await
                    .expect(201)
                    .id();
                p(format!("/api/v1/tokens/{token}"))
            }
            ("POST", "/api/v1/arenas") => {
                let name = self.unique("Matrix arena");
                (route.path.to_owned(), Some(json!({"name": name})))
            }
            ("GET", "/api/v1/arenas/{id}") => p(format!("/api/v1/arenas/{}", self.arena)),
            ("POST", "/api/v1/bets") => {
                let title = self.unique("Registered bet");
                let body = json!({
                    "arena_id": self.arena, "team_id": team, "title": title,
                    "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0
                });
                (route.path.to_owned(), Some(body))
            }
            ("GET", "/api/v1/bets/{id}") => p(format!("/api/v1/bets/{bet}")),
            ("POST", "/api/v1/bets/{id}/thresholds") => {
                // A distinct future instant each time: two thresholds cannot share one.
                self.counter += 1;
                let from = at(Utc::now() + Duration::days(30 + self.counter as i64));
                (
                    format!("/api/v1/bets/{bet}/thresholds"),
                    Some(json!({"target": 150.0, "effective_from": from})),
                )
            }
            ("POST", "/api/v1/bets/{id}/activate") => {
                let fresh = self.fresh_bet(owner, false).await;
                p(format!("/api/v1/bets/{fresh}/activate"))
            }
            ("POST", "/api/v1/bets/{id}/kill" | "/api/v1/bets/{id}/graduate") => {
                let fresh = self.fresh_bet(owner, true).await;
                let action = route.path.rsplit('/').next().unwrap();
                (
                    format!("/api/v1/bets/{fresh}/{action}"),
                    Some(json!({"reason": "Matrix decision"})),
                )
            }
            ("POST", "/api/v1/bets/{id}/reports") => (
                format!("/api/v1/bets/{bet}/reports"),
                Some(json!({"value": 102.0})),
            ),
            ("GET", "/api/v1/bets/{id}/reports") => p(format!("/api/v1/bets/{bet}/reports")),
            ("POST", "/api/v1/reports/batch") => (
                route.path.to_owned(),
                Some(
                    json!({"reports": [{"bet_id": bet, "value": 1.0}, {"bet_id": bet, "value": 2.0}]}),
                ),
            ),
            ("POST", "/api/v1/reports/{id}/corrections") => {
                let fresh = self.fresh_report(bet).await;
                (
                    format!("/api/v1/reports/{fresh}/corrections"),
                    Some(json!({"value": 100.5, "source": "matrix"})),
                )
            }
            ("GET", "/api/v1/reports/{id}") => p(format!("/api/v1/reports/{report}")),
            ("POST", "/api/v1/rounds") => {
                let as_of = self.next_instant();
                (
                    route.path.to_owned(),
                    Some(json!({"budget": 1_000, "as_of": as_of})),
                )
            }
            ("GET", "/api/v1/rounds/{id}") => p(format!("/api/v1/rounds/{}", self.committed_round)),
            ("DELETE", "/api/v1/rounds/{id}") => {
                let draft = self.new_draft().await;
                p(format!("/api/v1/rounds/{draft}"))
            }
            ("POST", "/api/v1/rounds/{id}/preview") => {
                let draft = self.new_draft().await;
                p(format!("/api/v1/rounds/{draft}/preview"))
            }
            ("PUT", "/api/v1/rounds/{id}/pins/{bet_id}") => {
                let draft = self.new_draft().await;
                (
                    format!("/api/v1/rounds/{draft}/pins/{bet}"),
                    Some(json!({"grant": 10, "reason": "Matrix pin"})),
                )
            }
            ("DELETE", "/api/v1/rounds/{id}/pins/{bet_id}") => {
                let draft = self.new_draft().await;
                let path = format!("/api/v1/rounds/{draft}/pins/{bet}");
                self.api
                    .put(
                        &path,
                        &self.admin(),
                        json!({"grant": 10, "reason": "Matrix pin"}),
                    )
                    .await
                    .expect(200);
                p(path)
            }
            ("POST", "/api/v1/rounds/{id}/commit") => {
                let draft = self.only_draft().await;
                p(format!("/api/v1/rounds/{draft}/commit"))
            }
            ("POST", "/api/v1/reports/import") => {
                // A CSV file, sent as text/csv (see `send`).
                let csv = format!("bet_id,value,observed_at\n{bet},103,2026-01-02T00:00:00Z\n");
                (route.path.to_owned(), Some(Value::String(csv)))
            }
            ("GET", "/api/v1/rounds/{id}/results.{format}") => p(format!(
                "/api/v1/rounds/{}/results.json",
                self.committed_round
            )),
            ("GET", "/api/v1/exports/portfolio.{format}") => {
                p("/api/v1/exports/portfolio.csv".into())
            }
            ("GET", "/api/v1/exports/ledger.{format}") => p("/api/v1/exports/ledger.json".into()),
            ("GET", "/api/v1/exports/audit.{format}") => p("/api/v1/exports/audit.csv".into()),
            ("GET", "/api/v1/rounds/{id}/verification") => p(format!(
                "/api/v1/rounds/{}/verification",
                self.committed_round
            )),
            (method, path) => panic!("no fixture for {method} {path}: add one to the matrix"),
        }
    }

    /// Sends the request as `who`; malformed credentials come in several shapes, each sent.
    async fn send(
        &self,
        who: Who,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Vec<(String, Reply)> {
        let method: Method = method.parse().unwrap();
        let admin = self.admin();
        let headers: Vec<(String, Option<String>)> = match who {
            Who::NoToken => vec![("no Authorization header".into(), None)],
            Who::Malformed => [
                "Basic YWRtaW46c2VjcmV0".to_owned(),
                "Bearer".to_owned(),
                "Bearer short".to_owned(),
                format!("Token {admin}"),
                admin.clone(),
                format!("Bearer {admin}x"),
                format!("Bearer {admin} {admin}"),
                format!("Bearer \"{admin}\""),
            ]
            .into_iter()
            .map(|h| (format!("Authorization: {h}"), Some(h)))
            .collect(),
            _ => vec![(
                format!("{who:?}"),
                Some(format!("Bearer {}", self.tokens[&who])),
            )],
        };
        let mut replies = Vec::new();
        for (label, header) in headers {
            let mut request = self.api.http.request(method.clone(), self.api.url(path));
            if let Some(h) = header {
                request = request.header("authorization", h);
            }
            match body {
                Some(Value::String(csv)) => {
                    request = request.header("content-type", "text/csv").body(csv.clone());
                }
                Some(body) => request = request.json(body),
                None => {}
            }
            let reply = crate::harness::read_reply(request.send().await.expect("an answer"))
                .await
                .expect("a body");
            replies.push((label, reply));
        }
        replies
    }
}

async fn build() -> (crate::harness::TestApp, Ctx) {
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
    (app, ctx)
}

/// Sets a token's expiry in the past, straight in the database.
pub fn expire_token(conn: &mut DbConnection, token_id: i64) {
    let past = (Utc::now() - Duration::hours(1)).naive_utc();
    let n = diesel::update(tokens::table.find(token_id))
        .set(tokens::expires_at.eq(Some(past)))
        .execute(conn)
        .expect("expire the token");
    assert_eq!(n, 1);
}

#[tokio::test]
async fn the_matrix_covers_every_documented_route() {
    let app = spawn_unlimited().await;
    let documented = documented_operations(&Api::of(&app)).await;
    let covered: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes the server does not document: {stale:?}"
    );
}

#[tokio::test]
async fn every_route_answers_every_caller_exactly_as_the_rules_say() {
    let (_app, mut ctx) = build().await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for route in ROUTES {
        for owner in [Owner::InternalTeam, Owner::ExternalTeam] {
            let want = |who: Who| expected(route.rule, relation(who, owner), route.success);
            let (path, body) = ctx.prepare(route, owner).await;

            // Refusals first, all on one object: none of them may write anything.
            let before = fingerprint(&mut ctx.conn);
            for who in EVERYONE.into_iter().filter(|w| want(*w) != route.success) {
                for (label, reply) in ctx.send(who, route.method, &path, body.as_ref()).await {
                    cells += 1;
                    let ok = reply.status.as_u16() == want(who) && is_envelope(&reply);
                    if !ok {
                        failures.push(format!(
                            "{} {path} ({owner:?}) as {label}: expected {}, got {} {}",
                            route.method,
                            want(who),
                            reply.status,
                            reply.body
                        ));
                    }
                }
            }
            let changed = fingerprint_diff(&before, &fingerprint(&mut ctx.conn));
            if !changed.is_empty() {
                failures.push(format!(
                    "{} {} ({owner:?}): refused requests wrote {changed:?}",
                    route.method, route.path
                ));
            }

            // Then every caller who may, each on a fresh object if a success uses it up.
            let mut fixture = Some((path, body));
            for who in EVERYONE.into_iter().filter(|w| want(*w) == route.success) {
                let (path, body) = match fixture.take() {
                    Some(f) => f,
                    None => ctx.prepare(route, owner).await,
                };
                for (label, reply) in ctx.send(who, route.method, &path, body.as_ref()).await {
                    cells += 1;
                    if reply.status.as_u16() != route.success {
                        failures.push(format!(
                            "{} {path} ({owner:?}) as {label}: expected {}, got {} {}",
                            route.method, route.success, reply.status, reply.body
                        ));
                    }
                }
                if !route.one_shot {
                    fixture = Some((path, body));
                }
            }
        }
    }
    println!("{cells} requests checked");
    assert!(
        failures.is_empty(),
        "{} of {cells} cells are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
