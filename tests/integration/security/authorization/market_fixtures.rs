//! The concrete request for each route of the market (see `market` for the objects it makes).

use serde_json::json;

use super::fixtures::{Fixture, p};
use super::routes::Route;
use super::rules::Owner;
use super::world::Ctx;

impl Ctx {
    /// The market's fixture for `route`, if it is one of the market's.
    pub(super) async fn market_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        if let Some(fixture) = self.market_read_fixture(route, owner) {
            return Some(fixture);
        }
        if let Some(fixture) = self.catalogue_fixture(route, owner).await {
            return Some(fixture);
        }
        if let Some(fixture) = self.request_fixture(route, owner).await {
            return Some(fixture);
        }
        self.billing_fixture(route, owner).await
    }

    /// Reads of the market objects the world already holds.
    fn market_read_fixture(&self, route: &Route, owner: Owner) -> Option<Fixture> {
        let team = self.team(owner);
        let service = self.service(owner);
        let fixture = match (route.method, route.path) {
            ("GET", "/api/v1/services" | "/api/v1/billing-runs" | "/api/v1/market/settings") => {
                p(route.path.to_owned())
            }
            ("GET", "/api/v1/services/{id}") => p(format!("/api/v1/services/{service}")),
            ("GET", "/api/v1/services/{id}/queue") => {
                p(format!("/api/v1/services/{service}/queue"))
            }
            ("GET", "/api/v1/services/{id}/subscriptions") => {
                p(format!("/api/v1/services/{service}/subscriptions"))
            }
            ("GET", "/api/v1/subscriptions") => p(format!("/api/v1/subscriptions?team_id={team}")),
            ("GET", "/api/v1/subscriptions/{id}") => p(format!(
                "/api/v1/subscriptions/{}",
                self.subscription(owner)
            )),
            ("GET", "/api/v1/requests") => p(format!("/api/v1/requests?team_id={team}")),
            ("GET", "/api/v1/requests/{id}") => {
                p(format!("/api/v1/requests/{}", self.request(owner)))
            }
            ("GET", "/api/v1/billing-runs/{id}") => {
                p(format!("/api/v1/billing-runs/{}", self.market.billing_run))
            }
            ("GET", "/api/v1/teams/{id}/account") => p(format!("/api/v1/teams/{team}/account")),
            ("GET", "/api/v1/teams/{id}/statement") => p(format!("/api/v1/teams/{team}/statement")),
            _ => return self.market_export_fixture(route, owner),
        };
        Some(fixture)
    }

    /// The market's exports, in one format or the other, on the objects the reads use.
    fn market_export_fixture(&self, route: &Route, owner: Owner) -> Option<Fixture> {
        let team = self.team(owner);
        let fixture = match (route.method, route.path) {
            ("GET", "/api/v1/exports/services.{format}") => {
                p("/api/v1/exports/services.csv".into())
            }
            ("GET", "/api/v1/exports/subscriptions.{format}") => {
                p(format!("/api/v1/exports/subscriptions.json?team_id={team}"))
            }
            ("GET", "/api/v1/exports/requests.{format}") => {
                p(format!("/api/v1/exports/requests.csv?team_id={team}"))
            }
            // The world's run is previewed, so that it has charges to export.
            ("GET", "/api/v1/billing-runs/{id}/charges.{format}") => p(format!(
                "/api/v1/billing-runs/{}/charges.json",
                self.market.billing_run
            )),
            ("GET", "/api/v1/teams/{id}/statement.{format}") => {
                p(format!("/api/v1/teams/{team}/statement.csv"))
            }
            _ => return None,
        };
        Some(fixture)
    }

    /// Services, plans and subscriptions. A subscription is to a fresh service of team S: a
    /// team holds one live subscription to a service (for one bet).
    async fn catalogue_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let team = self.team(owner);
        let fixture = match (route.method, route.path) {
            ("POST", "/api/v1/services") => {
                let name = self.unique("Matrix service");
                let body = json!({"name": name, "provider_team_id": team, "description": "matrix"});
                (route.path.to_owned(), Some(body))
            }
            ("PUT", "/api/v1/services/{id}/plan") => (
                format!("/api/v1/services/{}/plan", self.service(owner)),
                Some(Self::plan()),
            ),
            ("POST", "/api/v1/subscriptions") => {
                let service = self.new_service_of_s().await;
                let body = json!({"service_id": service, "team_id": team, "quantity": 1});
                (route.path.to_owned(), Some(body))
            }
            ("POST", "/api/v1/subscriptions/{id}/cancel") => {
                let service = self.new_service_of_s().await;
                let subscription = self.subscribe(owner, service).await;
                p(format!("/api/v1/subscriptions/{subscription}/cancel"))
            }
            _ => return None,
        };
        Some(fixture)
    }

    /// Requests and their transitions, each on a fresh request in the state it starts from.
    /// The owner's team is the provider (quote, decline, deliver: S requests) or the requester
    /// (accept, raise, withdraw, cancel: S provides).
    async fn request_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let action = |r: i64| {
            format!(
                "/api/v1/requests/{r}/{}",
                route.path.rsplit('/').next().unwrap()
            )
        };
        let fixture = match (route.method, route.path) {
            ("POST", "/api/v1/requests") => (
                route.path.to_owned(),
                Some(Self::request_body(self.market.service_s, self.team(owner))),
            ),
            ("POST", "/api/v1/requests/{id}/quote") => {
                let request = self.request_from_s(owner).await;
                (action(request), Some(json!({"total": 8_000})))
            }
            ("POST", "/api/v1/requests/{id}/decline") => {
                let request = self.request_from_s(owner).await;
                (action(request), Some(json!({"reason": "busy"})))
            }
            ("POST", "/api/v1/requests/{id}/deliver") => {
                // Accepted by S; the plan sets no capacity, so every accepted request is
                // scheduled and can be delivered.
                let request = self.request_from_s(owner).await;
                self.quote(request, &self.acting(owner)).await;
                self.accept(request, &self.market.token_s).await;
                p(action(request))
            }
            ("POST", "/api/v1/requests/{id}/accept") => {
                let request = self.request_to_s(owner).await;
                self.quote(request, &self.market.token_s).await;
                self.fund(self.team(owner)).await;
                p(action(request))
            }
            ("POST", "/api/v1/requests/{id}/raise") => {
                // Above the maximum of 100,000 every fresh request starts with.
                let request = self.request_to_s(owner).await;
                (action(request), Some(json!({"amount": 200_000})))
            }
            ("POST", "/api/v1/requests/{id}/withdraw") => p(action(self.request_to_s(owner).await)),
            ("POST", "/api/v1/requests/{id}/cancel") => {
                // The committee cancels a team's request only with a reason.
                let request = self.request_to_s(owner).await;
                (action(request), Some(json!({"reason": "matrix"})))
            }
            _ => return None,
        };
        Some(fixture)
    }

    /// Billing runs, each success on a period or a draft of its own, and the committee's
    /// settings of the market.
    async fn billing_fixture(&mut self, route: &Route, owner: Owner) -> Option<Fixture> {
        let fixture = match (route.method, route.path) {
            ("POST", "/api/v1/billing-runs") => {
                let period = self.next_period();
                (route.path.to_owned(), Some(json!({"period": period})))
            }
            ("POST", "/api/v1/billing-runs/{id}/preview" | "/api/v1/billing-runs/{id}/commit") => {
                let run = self.new_billing_run().await;
                let action = route.path.rsplit('/').next().unwrap();
                p(format!("/api/v1/billing-runs/{run}/{action}"))
            }
            ("DELETE", "/api/v1/billing-runs/{id}") => {
                let run = self.new_billing_run().await;
                p(format!("/api/v1/billing-runs/{run}"))
            }
            ("PUT", "/api/v1/teams/{id}/account") => (
                format!("/api/v1/teams/{}/account", self.team(owner)),
                Some(json!({"overdraft_limit": 1_000})),
            ),
            // The length it has: the periods of the runs already made stay valid.
            ("PUT", "/api/v1/market/settings") => (
                route.path.to_owned(),
                Some(json!({"billing_period_months": 1})),
            ),
            _ => return None,
        };
        Some(fixture)
    }
}
