//! The simulation's market: what it knows of the services, subscriptions and requests it made,
//! the market's clock, keyed writes (retried now and then with the same key, which must write
//! nothing again), and the steps on subscriptions and overdraft limits.
//!
//! Time: a child server reads the system clock, and a billing run can be committed only for a
//! period that has begun. So the market's time starts months ago, on the clock of the server
//! inside the test process (the "clerk", on the same database), and walks forward one period
//! per billing run; subscriptions are made through the clerk, so they start and end on the
//! market's clock, while requests, and most billing, go to the child, which is the one killed.

use chrono::{DateTime, Utc};
use horserace::domain::BillingPeriod;
use horserace::domain::time::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, Reply, fingerprint, fingerprint_diff, read_reply};

use super::sim::Sim;

/// A team that takes part in the market, and the token of its member or partner.
#[derive(Debug, Clone)]
pub(super) struct Party {
    pub(super) team: i64,
    pub(super) token: String,
}

#[derive(Debug, Clone)]
pub(super) struct Service {
    pub(super) id: i64,
    pub(super) provider: i64,
    pub(super) per_seat: bool,
    /// Request types: name and unit price.
    pub(super) types: Vec<(String, i64)>,
}

#[derive(Debug, Clone)]
pub(super) struct Subscription {
    pub(super) id: i64,
    pub(super) team: i64,
    pub(super) service: i64,
    pub(super) bet: Option<i64>,
    pub(super) live: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Request {
    pub(super) id: i64,
    pub(super) team: i64,
    pub(super) provider: i64,
    pub(super) status: String,
    pub(super) max_total: i64,
    pub(super) quote: Option<i64>,
    pub(super) offer: Option<i64>,
}

impl Request {
    /// Takes what the server says the request now is.
    pub(super) fn update(&mut self, view: &Value) {
        self.status = view["status"].as_str().expect("a status").to_owned();
        self.max_total = view["max_total"].as_i64().expect("a maximum");
        self.quote = view["quote_total"].as_i64();
        self.offer = view["offer"].as_i64();
    }
}

pub(super) struct Market {
    /// The server inside the test process, whose clock is the market's.
    pub(super) clerk: Api,
    pub(super) clock: Clock,
    pub(super) parties: Vec<Party>,
    pub(super) services: Vec<Service>,
    pub(super) subscriptions: Vec<Subscription>,
    pub(super) requests: Vec<Request>,
    /// The next period to bill, and the last one that may be (it has ended in real time).
    pub(super) next_period: BillingPeriod,
    pub(super) last_period: BillingPeriod,
    /// The draft billing run of `next_period`, if one is open.
    pub(super) run: Option<i64>,
    pub(super) billed: usize,
    pub(super) delivered: usize,
    pub(super) refused_for_funds: usize,
}

/// A POST with an `Idempotency-Key`; a transport failure is an `Err`.
pub(super) async fn keyed(
    api: &Api,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> Result<Reply, reqwest::Error> {
    let response = api
        .http
        .post(api.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await?;
    read_reply(response).await
}

/// Waits `micros` microseconds, finer than tokio's timer (whole milliseconds, rounded up),
/// which would let every write of a few hundred microseconds finish before the kill.
pub(super) async fn pause(micros: u64) {
    let pause = std::time::Duration::from_micros(micros);
    tokio::task::spawn_blocking(move || std::thread::sleep(pause))
        .await
        .expect("a pause");
}

/// Whether the reply answers an earlier request with the same key.
pub(super) fn replayed(reply: &Reply) -> bool {
    reply
        .headers
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

impl Market {
    pub(super) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(super) fn token(&self, team: i64) -> String {
        self.parties
            .iter()
            .find(|p| p.team == team)
            .unwrap_or_else(|| panic!("team {team} is not in the market"))
            .token
            .clone()
    }

    /// The indexes of the requests in one of these statuses.
    pub(super) fn requests_in(&self, statuses: &[&str]) -> Vec<usize> {
        (0..self.requests.len())
            .filter(|&i| statuses.contains(&self.requests[i].status.as_str()))
            .collect()
    }
}

impl Sim {
    /// A keyed write that must be answered. Now and then it is sent again with the same key:
    /// the retry answers the same, says it is replayed, and writes nothing.
    pub(super) async fn keyed_write(
        &mut self,
        api: &Api,
        path: &str,
        token: &str,
        body: Value,
    ) -> Reply {
        let key = self.next_key();
        let first = keyed(api, path, token, &key, &body)
            .await
            .unwrap_or_else(|e| panic!("POST {path}: no answer: {e}"));
        if first.status.is_success() && self.rng.chance(0.25) {
            let before = fingerprint(&mut self.conn);
            let again = keyed(api, path, token, &key, &body)
                .await
                .expect("an answer");
            assert_eq!(
                again.status, first.status,
                "{path}: the retry answers the same"
            );
            assert!(
                replayed(&again),
                "{path}: the retry is a replay: {:?}",
                again.headers
            );
            assert_eq!(again.body["id"], first.body["id"]);
            assert_eq!(
                fingerprint_diff(&before, &fingerprint(&mut self.conn)),
                Vec::<String>::new(),
                "{path}: a replay writes nothing"
            );
        }
        first
    }

    /// A refused write: the status and code expected, and nothing written.
    pub(super) async fn refused(
        &mut self,
        reply: impl Future<Output = Reply>,
        status: u16,
        code: &str,
    ) {
        let before = fingerprint(&mut self.conn);
        let reply = reply.await.expect(status);
        assert_eq!(reply.code(), code, "{}", reply.body);
        assert_eq!(
            fingerprint_diff(&before, &fingerprint(&mut self.conn)),
            Vec::<String>::new(),
            "a refused {code} wrote something"
        );
    }

    /// A team's (balance, on hold, available), as the server says.
    pub(super) async fn account(&self, team: i64) -> (i64, i64, i64) {
        let a = self
            .as_admin(Method::GET, &format!("/api/v1/teams/{team}/account"), None)
            .await
            .expect(200)
            .body;
        let n = |k: &str| a[k].as_i64().unwrap();
        (n("balance"), n("on_hold"), n("available"))
    }

    /// A team subscribes to a service not its own, sometimes for one of its bets; a second live
    /// subscription for the same service and bet is refused.
    pub(super) async fn subscribe(&mut self) {
        let party = self.rng.pick(&self.market.parties).clone();
        let services: Vec<Service> = (self.market.services.iter())
            .filter(|s| s.provider != party.team)
            .cloned()
            .collect();
        let service = self.rng.pick(&services).clone();
        let bets: Vec<i64> = (self.bets.iter())
            .filter(|b| b.team == party.team)
            .map(|b| b.id)
            .collect();
        let bet = (!bets.is_empty() && self.rng.chance(0.3)).then(|| *self.rng.pick(&bets));
        let quantity = if service.per_seat {
            self.rng.range(1, 5)
        } else {
            1
        };
        let mut body =
            json!({"service_id": service.id, "team_id": party.team, "quantity": quantity});
        if let Some(bet) = bet {
            body["bet_id"] = json!(bet);
        }
        let clerk = self.market.clerk.clone();
        let taken = (self.market.subscriptions.iter())
            .any(|s| s.live && s.team == party.team && s.service == service.id && s.bet == bet);
        if taken {
            let key = self.next_key();
            let reply = async {
                keyed(&clerk, "/api/v1/subscriptions", &party.token, &key, &body)
                    .await
                    .unwrap()
            };
            self.refused(reply, 409, "already_subscribed").await;
            return;
        }
        let reply = self
            .keyed_write(&clerk, "/api/v1/subscriptions", &party.token, body)
            .await
            .expect(201);
        assert_eq!(reply.body["state"], "scheduled", "{}", reply.body);
        self.market.subscriptions.push(Subscription {
            id: reply.id(),
            team: party.team,
            service: service.id,
            bet,
            live: true,
        });
    }

    /// A team cancels one of its live subscriptions: billed to the end of the market's period.
    pub(super) async fn cancel_subscription(&mut self) {
        let live: Vec<usize> = (0..self.market.subscriptions.len())
            .filter(|&i| self.market.subscriptions[i].live)
            .collect();
        if live.is_empty() {
            return;
        }
        let i = *self.rng.pick(&live);
        let s = self.market.subscriptions[i].clone();
        let token = self.market.token(s.team);
        let path = format!("/api/v1/subscriptions/{}/cancel", s.id);
        let reply = self
            .market
            .clerk
            .post(&path, &token, json!({}))
            .await
            .expect(200);
        assert!(reply.body["ends_at"].is_string(), "{}", reply.body);
        self.market.subscriptions[i].live = false;
    }

    /// The committee moves a team's overdraft limit, never below what the team already owes
    /// (the server would allow it, but then "no account below minus its limit" would not hold).
    pub(super) async fn set_overdraft(&mut self) {
        let team = self.rng.pick(&self.market.parties).team;
        let (balance, _, _) = self.account(team).await;
        let owed = (-balance).max(0);
        let limit = owed + self.rng.range(0, 1_000_000);
        let reply = self
            .as_admin(
                Method::PUT,
                &format!("/api/v1/teams/{team}/account"),
                Some(json!({"overdraft_limit": limit})),
            )
            .await
            .expect(200);
        assert_eq!(reply.body["overdraft_limit"], limit);
        assert_eq!(reply.body["available"], balance + limit);
    }
}
