//! The concrete request for each route: its path, its body, and any object it uses up.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::routes::Route;
use super::rules::Owner;
use super::world::Ctx;
use crate::harness::at;

/// A request's path and body (a JSON value, or a string sent as CSV).
pub(super) type Fixture = (String, Option<Value>);

/// A request with no body.
pub(super) fn p(path: String) -> Fixture {
    (path, None)
}

impl Ctx {
    /// The concrete path and body of one request to `route` on the owner's object.
    pub(super) async fn prepare(&mut self, route: &Route, owner: Owner) -> Fixture {
        if let Some(fixture) = self.read_fixture(route, owner) {
            return fixture;
        }
        if let Some(fixture) = self.directory_fixture(route, owner).await {
            return fixture;
        }
        if let Some(fixture) = self.bet_fixture(route, owner).await {
            return fixture;
        }
        if let Some(fixture) = self.round_fixture(route, owner).await {
            return fixture;
        }
        if let Some(fixture) = self.market_fixture(route, owner).await {
            return fixture;
        }
        if let Some(fixture) = self.race_fixture(route, owner).await {
            return fixture;
        }
        let (method, path) = (route.method, route.path);
        panic!("no fixture for {method} {path}: add one to the matrix")
    }

    /// Reads of objects the world already holds: nothing to make first.
    fn read_fixture(&self, route: &Route, owner: Owner) -> Option<Fixture> {
        let team = self.team(owner);
        let user = self.user(owner);
        let bet = self.bet(owner);
        let report = self.report(owner);
        let fixture = match (route.method, route.path) {
            (_, "/healthz" | "/readyz" | "/api/v1/openapi.json" | "/metrics")
            | (
                "GET",
                "/api/v1/teams" | "/api/v1/users" | "/api/v1/users/me" | "/api/v1/arenas"
                | "/api/v1/rounds" | "/api/v1/audit",
            ) => p(route.path.to_owned()),
            ("GET", "/api/v1/bets") => p(format!("/api/v1/bets?team_id={team}")),
            ("GET", "/api/v1/ledger") => p(format!("/api/v1/ledger?bet_id={bet}")),
            ("GET", "/api/v1/teams/{id}") => p(format!("/api/v1/teams/{team}")),
            ("GET", "/api/v1/users/{id}") => p(format!("/api/v1/users/{user}")),
            ("GET", "/api/v1/users/{id}/tokens") => p(format!("/api/v1/users/{user}/tokens")),
            ("GET", "/api/v1/arenas/{id}") => p(format!("/api/v1/arenas/{}", self.arena)),
            ("GET", "/api/v1/bets/{id}") => p(format!("/api/v1/bets/{bet}")),
            ("GET", "/api/v1/bets/{id}/reports") => p(format!("/api/v1/bets/{bet}/reports")),
            ("GET", "/api/v1/reports/{id}") => p(format!("/api/v1/reports/{report}")),
            ("GET", "/api/v1/rounds/{id}") => p(format!("/api/v1/rounds/{}", self.committed_round)),
            ("GET", "/api/v1/rounds/{id}/results.{format}") => p(format!(
                "/api/v1/rounds/{}/results.json",
                self.committed_round
            )),
            ("GET", "/api/v1/exports/portfolio.{format}") => {
                p("/api/v1/exports/portfolio.csv".into())
            }
            ("GET", "/api/v1/exports/ledger.{format}") => p("/api/v1/exports/ledger.json".into()),
            ("GET", "/api/v1/exports/audit.{format}") => p("/api/v1/exports/audit.csv".into()),
            ("GET", "/api/v1/exports/races.{format}") => p("/api/v1/exports/races.csv".into()),
            ("GET", "/api/v1/rounds/{id}/verification") => p(format!(
                "/api/v1/rounds/{}/verification",
                self.committed_round
            )),
            _ => return None,
        };
        Some(fixture)
    }

    /// Teams, users, tokens and arenas: each made under a name of its own.
    async fn directory_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let user = self.user(owner);
        let fixture = match (route.method, route.path) {
            ("POST", "/api/v1/teams") => {
                let name = self.unique("Matrix team");
                (
                    route.path.to_owned(),
                    Some(json!({"name": name, "kind": "internal"})),
                )
            }
            ("POST", "/api/v1/users") => {
                let name = self.unique("matrix-user");
                (
                    route.path.to_owned(),
                    Some(json!({"name": name, "role": "exec"})),
                )
            }
            ("POST", "/api/v1/users/{id}/tokens") => (
                format!("/api/v1/users/{user}/tokens"),
                Some(json!({"label": "matrix"})),
            ),
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
            _ => return None,
        };
        Some(fixture)
    }

    /// Writes to bets and their reports, on a fresh bet or report where a success uses one up.
    async fn bet_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let team = self.team(owner);
        let bet = self.bet(owner);
        let fixture = match (route.method, route.path) {
            ("POST", "/api/v1/bets") => {
                let title = self.unique("Registered bet");
                let body = json!({
                    "arena_id": self.arena, "team_id": team, "title": title,
                    "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0
                });
                (route.path.to_owned(), Some(body))
            }
            ("POST", "/api/v1/bets/{id}/thresholds") => {
                // A distinct future instant each time: two thresholds cannot share one.
                self.counter += 1;
                let days = 30 + i64::try_from(self.counter).unwrap();
                let from = at(Utc::now() + Duration::days(days));
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
            ("POST", "/api/v1/reports/import") => {
                // A CSV file, sent as text/csv (see `send`).
                let csv = format!("bet_id,value,observed_at\n{bet},103,2026-01-02T00:00:00Z\n");
                (route.path.to_owned(), Some(Value::String(csv)))
            }
            _ => return None,
        };
        Some(fixture)
    }

    /// Writes to rounds and their pins, each on a draft of its own.
    async fn round_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let bet = self.bet(owner);
        let fixture = match (route.method, route.path) {
            ("POST", "/api/v1/rounds") => {
                let as_of = self.next_instant();
                (
                    route.path.to_owned(),
                    Some(json!({"budget": 1_000, "as_of": as_of})),
                )
            }
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
            _ => return None,
        };
        Some(fixture)
    }
}
