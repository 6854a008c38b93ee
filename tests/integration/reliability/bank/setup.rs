//! The market the simulation starts with, made through the API: the market's clock set back to
//! months ago; two teams that only trade (one internal with an overdraft, one external partner
//! that provides a service); two or three services of the sim's teams, at least one run by an
//! external partner, each with a plan; overdraft limits on some teams, so that some charges go
//! unpaid and some acceptances are refused; and a few first subscriptions.

use chrono::{TimeDelta, Utc};
use horserace::domain::{BillingPeriod, PeriodLength};
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, TestApp};

use super::market::{Market, Party, Service};
use super::sim::Sim;

impl Market {
    /// An empty market whose clock will start `months` periods ago.
    pub(super) fn new(app: &TestApp, months: usize) -> Market {
        let current = BillingPeriod::containing(Utc::now(), PeriodLength::MONTH);
        let first = (0..months).fold(current, |p, _| p.previous());
        Market {
            clerk: Api::of(app),
            clock: app.clock.clone(),
            parties: Vec::new(),
            services: Vec::new(),
            subscriptions: Vec::new(),
            requests: Vec::new(),
            // Subscriptions made in the first period start at the next one.
            next_period: first.next(),
            // A period still running in real time is not billed: it has not ended.
            last_period: current.previous(),
            run: None,
            billed: 0,
            delivered: 0,
            refused_for_funds: 0,
        }
    }
}

/// One service's plan: a price (per seat or flat), a capacity, request types.
fn plan(price: i64, per_seat: bool, capacity: Option<i64>, types: &[(&str, &str, i64)]) -> Value {
    let mut body = json!({
        "price": price,
        "request_types": types.iter().map(|(n, u, p)| json!({"name": n, "unit": u, "unit_price": p})).collect::<Vec<_>>(),
    });
    if per_seat {
        body["quantity_unit"] = json!("seat");
    }
    if let Some(c) = capacity {
        body["capacity"] = json!(c);
    }
    body
}

impl Sim {
    pub(super) async fn open_market(&mut self, app: &TestApp) {
        // The clerk's clock goes back to the start of the first period (an adjustable clock
        // moves by any offset), so the market's time runs from months ago towards now.
        let first = self.market.next_period.previous();
        let start = first.start() + TimeDelta::hours(2);
        self.market.clock.advance(start - self.market.now());
        for writer in self.writers.iter().filter(|w| w.team.is_some()) {
            self.market.parties.push(Party {
                team: writer.team.unwrap(),
                token: writer.token.clone(),
            });
        }
        for (name, kind, role) in [
            ("Sim buyer", "internal", "member"),
            ("Sim partner", "external", "partner"),
        ] {
            let team = app.create_team(name, kind).await;
            let (_, token) = app
                .create_user(&format!("{name} user"), role, Some(team))
                .await;
            self.market.parties.push(Party { team, token });
        }
        // After the five sim teams.
        let (buyer, partner) = (self.market.parties[5].team, self.market.parties[6].team);
        // A small capacity (units a period; deliveries all fall in the real current period) so
        // that later requests wait in the queue and a delivery is refused.
        let mut offers = vec![
            (
                "Sim payments",
                self.teams[0],
                true,
                Some(6),
                vec![("integration", "day", 50_000), ("support", "hour", 8_000)],
            ),
            (
                "Sim design",
                self.teams[3],
                false,
                None,
                vec![("review", "screen", 10_000)],
            ),
        ];
        if self.rng.chance(0.5) {
            offers.push((
                "Sim data",
                partner,
                false,
                Some(1_000_000),
                vec![("query", "run", 2_000)],
            ));
        }
        for (name, provider, per_seat, capacity, types) in offers {
            let price = if per_seat {
                self.rng.range(1_000, 20_000)
            } else {
                self.rng.range(5_000, 60_000)
            };
            let id = self
                .register(name, provider, plan(price, per_seat, capacity, &types))
                .await;
            self.market.services.push(Service {
                id,
                provider,
                per_seat,
                types: types
                    .iter()
                    .map(|(n, _, p)| ((*n).to_owned(), *p))
                    .collect(),
            });
        }
        // The buyer has only its overdraft; the partner only what its service earns (if it runs
        // one); one bet team may overdraw a little.
        for (team, limit) in [
            (buyer, self.rng.range(100_000, 500_000)),
            (self.teams[1], 1_000_000),
        ] {
            self.as_admin(
                Method::PUT,
                &format!("/api/v1/teams/{team}/account"),
                Some(json!({"overdraft_limit": limit})),
            )
            .await
            .expect(200);
        }
        for _ in 0..4 {
            self.subscribe().await;
        }
    }

    /// The committee registers a service; its provider sets the first plan (in force from the
    /// market's current period, on the clerk's clock).
    async fn register(&mut self, name: &str, provider: i64, plan: Value) -> i64 {
        let id = self
            .as_admin(
                Method::POST,
                "/api/v1/services",
                Some(
                    json!({"name": name, "provider_team_id": provider, "description": "Simulated"}),
                ),
            )
            .await
            .expect(201)
            .id();
        let token = self.market.token(provider);
        self.market
            .clerk
            .put(&format!("/api/v1/services/{id}/plan"), &token, plan)
            .await
            .expect(200);
        id
    }
}
