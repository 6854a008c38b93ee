//! The market's part of the world: a third team S, the services each team provides, and the
//! subscriptions, requests and billing runs the market fixtures make.
//!
//! Team S and its member are no caller of the matrix. They are the other side of every market
//! object, so that what a caller may do follows only from how they stand to the owner's team:
//! S files the requests the owner provides for and provides what the owner subscribes to or
//! requests.

use serde_json::{Value, json};

use super::rules::{Owner, Who};
use super::world::Ctx;

/// The request type every plan of the matrix lists.
const REQUEST_TYPE: &str = "review";

/// What the market fixtures read and build on.
#[derive(Default)]
pub(super) struct Market {
    pub(super) team_s: i64,
    /// The token of team S's member.
    pub(super) token_s: String,
    /// The services teams A, P and S provide, each with a plan in force.
    pub(super) service_a: i64,
    pub(super) service_p: i64,
    pub(super) service_s: i64,
    /// Team A's and team P's subscriptions and requests to S's service, to read.
    pub(super) subscription_a: i64,
    pub(super) subscription_p: i64,
    pub(super) request_a: i64,
    pub(super) request_p: i64,
    /// A draft run, previewed, to read (and export its charges).
    pub(super) billing_run: i64,
    /// Months since 2001-01 of the next billing run's period: no two runs may overlap.
    pub(super) next_month: i64,
}

impl Ctx {
    /// Team S with its member, the services and the objects the reads need.
    pub(super) async fn build_market(&mut self) {
        self.market.team_s = self
            .api
            .post(
                "/api/v1/teams",
                &self.admin(),
                json!({"name": "Team S", "kind": "internal"}),
            )
            .await
            .expect(201)
            .id();
        let member = self
            .api
            .post(
                "/api/v1/users",
                &self.admin(),
                json!({"name": "member-s", "role": "member", "team_id": self.market.team_s}),
            )
            .await
            .expect(201);
        self.market.token_s = member.body["token"]["token"].as_str().unwrap().to_owned();
        // S pays for what it accepts from A's and P's services on credit.
        self.fund(self.market.team_s).await;
        let (team_a, member_a) = (self.team_a, self.acting(Owner::InternalTeam));
        let (team_p, partner_p) = (self.team_p, self.acting(Owner::ExternalTeam));
        self.market.service_a = self.new_service(team_a, &member_a).await;
        self.market.service_p = self.new_service(team_p, &partner_p).await;
        let service_s = self.new_service_of_s().await;
        self.market.service_s = service_s;
        self.market.subscription_a = self.subscribe(Owner::InternalTeam, service_s).await;
        self.market.subscription_p = self.subscribe(Owner::ExternalTeam, service_s).await;
        self.market.request_a = self.request_to_s(Owner::InternalTeam).await;
        self.market.request_p = self.request_to_s(Owner::ExternalTeam).await;
        self.market.billing_run = self.new_billing_run().await;
        self.api
            .post(
                &format!("/api/v1/billing-runs/{}/preview", self.market.billing_run),
                &self.admin(),
                json!({}),
            )
            .await
            .expect(200);
    }

    /// The token of the owner's own member or partner: the one who acts for the owner's team.
    pub(super) fn acting(&self, owner: Owner) -> String {
        match owner {
            Owner::InternalTeam => self.tokens[&Who::MemberA].clone(),
            Owner::ExternalTeam => self.tokens[&Who::PartnerP].clone(),
        }
    }

    /// The service the owner's team provides.
    pub(super) fn service(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.market.service_a,
            Owner::ExternalTeam => self.market.service_p,
        }
    }

    pub(super) fn subscription(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.market.subscription_a,
            Owner::ExternalTeam => self.market.subscription_p,
        }
    }

    pub(super) fn request(&self, owner: Owner) -> i64 {
        match owner {
            Owner::InternalTeam => self.market.request_a,
            Owner::ExternalTeam => self.market.request_p,
        }
    }

    /// The plan the matrix sets: a price per period and one request type.
    pub(super) fn plan() -> Value {
        json!({
            "price": 10_000,
            "request_types": [{"name": REQUEST_TYPE, "unit": "day", "unit_price": 5_000}]
        })
    }

    /// A service of `provider` with its first plan, in force from the current period on (set
    /// by `token`, one of the provider's own people).
    pub(super) async fn new_service(&mut self, provider: i64, token: &str) -> i64 {
        let name = self.unique("Matrix service");
        let service = self
            .api
            .post(
                "/api/v1/services",
                &self.admin(),
                json!({"name": name, "provider_team_id": provider, "description": "matrix"}),
            )
            .await
            .expect(201)
            .id();
        self.api
            .put(
                &format!("/api/v1/services/{service}/plan"),
                token,
                Self::plan(),
            )
            .await
            .expect(200);
        service
    }

    /// A service of team S that no team subscribes to yet.
    pub(super) async fn new_service_of_s(&mut self) -> i64 {
        let (team_s, token_s) = (self.market.team_s, self.market.token_s.clone());
        self.new_service(team_s, &token_s).await
    }

    /// The owner's team subscribes to `service`.
    pub(super) async fn subscribe(&mut self, owner: Owner, service: i64) -> i64 {
        self.api
            .post(
                "/api/v1/subscriptions",
                &self.acting(owner),
                json!({"service_id": service, "team_id": self.team(owner), "quantity": 1}),
            )
            .await
            .expect(201)
            .id()
    }

    /// The body of a request of `team` to `service`.
    pub(super) fn request_body(service: i64, team: i64) -> Value {
        json!({
            "service_id": service, "team_id": team, "request_type": REQUEST_TYPE,
            "quantity": 2, "purpose": "matrix", "max_total": 100_000
        })
    }

    async fn file(&self, service: i64, team: i64, token: &str) -> i64 {
        self.api
            .post("/api/v1/requests", token, Self::request_body(service, team))
            .await
            .expect(201)
            .id()
    }

    /// An open request of the owner's team to S's service.
    pub(super) async fn request_to_s(&self, owner: Owner) -> i64 {
        self.file(self.market.service_s, self.team(owner), &self.acting(owner))
            .await
    }

    /// An open request of team S to the owner's service.
    pub(super) async fn request_from_s(&self, owner: Owner) -> i64 {
        self.file(
            self.service(owner),
            self.market.team_s,
            &self.market.token_s,
        )
        .await
    }

    pub(super) async fn quote(&self, request: i64, token: &str) {
        self.api
            .post(
                &format!("/api/v1/requests/{request}/quote"),
                token,
                json!({"total": 8_000}),
            )
            .await
            .expect(200);
    }

    pub(super) async fn accept(&self, request: i64, token: &str) {
        self.api
            .post(
                &format!("/api/v1/requests/{request}/accept"),
                token,
                json!({}),
            )
            .await
            .expect(200);
    }

    /// Lets `team` go deep into overdraft, so that it can pay whatever the matrix accepts
    /// (`PUT /teams/{id}/account` sets a small limit when it succeeds).
    pub(super) async fn fund(&self, team: i64) {
        self.api
            .put(
                &format!("/api/v1/teams/{team}/account"),
                &self.admin(),
                json!({"overdraft_limit": 100_000_000}),
            )
            .await
            .expect(200);
    }

    /// The next billing period no run covers yet, one month each from 2001-01.
    pub(super) fn next_period(&mut self) -> String {
        let month = self.market.next_month;
        self.market.next_month += 1;
        format!("{}-{:02}", 2001 + month / 12, month % 12 + 1)
    }

    /// A draft billing run of a past period (so that it can be committed).
    pub(super) async fn new_billing_run(&mut self) -> i64 {
        let period = self.next_period();
        self.api
            .post(
                "/api/v1/billing-runs",
                &self.admin(),
                json!({"period": period}),
            )
            .await
            .expect(201)
            .id()
    }
}
