//! Steps on requests, through the child server: file (with a maximum), quote (the provider),
//! accept (the money is held, or 409 when the team cannot pay or the quote is above its
//! maximum), raise, withdraw, decline, cancel (either side, or the committee with a reason) and
//! deliver (the hold pays the provider, or 409 while the request waits in the queue). Every
//! outcome is predicted from the team's account before the request is sent.

use serde_json::json;

use super::market::Request;
use super::sim::Sim;

impl Sim {
    pub(super) async fn file_request(&mut self) {
        let service = self.rng.pick(&self.market.services).clone();
        let parties: Vec<_> = (self.market.parties.iter())
            .filter(|p| p.team != service.provider)
            .cloned()
            .collect();
        let party = self.rng.pick(&parties).clone();
        let (name, unit_price) = self.rng.pick(&service.types).clone();
        let quantity = self.rng.range(1, 5);
        // Around the list price: some maximums are below what the provider will quote.
        let max_total = (unit_price * quantity * self.rng.range(50, 200) / 100).max(1);
        let mut body = json!({
            "service_id": service.id, "team_id": party.team, "request_type": name,
            "quantity": quantity, "purpose": "Simulated work", "max_total": max_total,
        });
        let bets: Vec<i64> = (self.bets.iter())
            .filter(|b| b.team == party.team)
            .map(|b| b.id)
            .collect();
        if !bets.is_empty() && self.rng.chance(0.3) {
            body["bet_id"] = json!(*self.rng.pick(&bets));
        }
        let api = self.api();
        let reply = self
            .keyed_write(&api, "/api/v1/requests", &party.token, body)
            .await
            .expect(201);
        let mut request = Request {
            id: reply.id(),
            team: party.team,
            provider: service.provider,
            status: String::new(),
            max_total,
            quote: None,
            offer: None,
        };
        request.update(&reply.body);
        assert_eq!(request.status, "open");
        self.market.requests.push(request);
    }

    pub(super) async fn quote(&mut self) {
        let open = self.market.requests_in(&["open", "quoted"]);
        if open.is_empty() {
            return;
        }
        let i = *self.rng.pick(&open);
        let r = self.market.requests[i].clone();
        let total = (r.max_total * self.rng.range(60, 130) / 100).max(1);
        let token = self.market.token(r.provider);
        let path = format!("/api/v1/requests/{}/quote", r.id);
        let reply = self
            .api()
            .post(&path, &token, json!({"total": total}))
            .await
            .expect(200);
        self.market.requests[i].update(&reply.body);
        assert_eq!(self.market.requests[i].quote, Some(total));
    }

    /// Accepts a quote: held exactly when it is within the maximum and the team can pay it.
    pub(super) async fn accept(&mut self) {
        let quoted = self.market.requests_in(&["quoted"]);
        if quoted.is_empty() {
            return;
        }
        let i = *self.rng.pick(&quoted);
        let r = self.market.requests[i].clone();
        let total = r.quote.expect("a quote");
        let (balance, on_hold, available) = self.account(r.team).await;
        let (api, token) = (self.api(), self.market.token(r.team));
        let path = format!("/api/v1/requests/{}/accept", r.id);
        if total > r.max_total || total > available {
            let code = if total > r.max_total {
                "quote_above_maximum"
            } else {
                self.market.refused_for_funds += 1;
                "insufficient_funds"
            };
            println!(
                "  request {}: {total} refused ({code}), {available} available",
                r.id
            );
            let key = self.next_key();
            let reply = async {
                super::market::keyed(&api, &path, &token, &key, &json!({}))
                    .await
                    .unwrap()
            };
            self.refused(reply, 409, code).await;
            if total > r.max_total && self.rng.chance(0.7) {
                // The team takes the quote: it raises its maximum to it.
                let (raise, body) = (path.replace("accept", "raise"), json!({"amount": total}));
                let reply = self
                    .keyed_write(&api, &raise, &token, body)
                    .await
                    .expect(200);
                self.market.requests[i].update(&reply.body);
            }
            return;
        }
        let reply = self
            .keyed_write(&api, &path, &token, json!({}))
            .await
            .expect(200);
        assert_eq!(reply.body["held"], total, "{}", reply.body);
        self.market.requests[i].update(&reply.body);
        assert_eq!(
            self.account(r.team).await,
            (balance - total, on_hold + total, available - total),
            "request {}: the quote is held once",
            r.id
        );
    }

    /// Raises the maximum (before acceptance) or the offer (after: the hold grows by the
    /// difference, if the team can pay it).
    pub(super) async fn raise(&mut self) {
        let live = self.market.requests_in(&["open", "quoted", "accepted"]);
        if live.is_empty() {
            return;
        }
        let i = *self.rng.pick(&live);
        let r = self.market.requests[i].clone();
        let accepted = r.status == "accepted";
        let current = if accepted {
            r.offer.unwrap()
        } else {
            r.max_total
        };
        let amount = current + self.rng.range(1, 50_000);
        let (balance, on_hold, available) = self.account(r.team).await;
        let (api, token) = (self.api(), self.market.token(r.team));
        let path = format!("/api/v1/requests/{}/raise", r.id);
        let body = json!({"amount": amount});
        if accepted && amount - current > available {
            self.market.refused_for_funds += 1;
            let key = self.next_key();
            let reply = async {
                super::market::keyed(&api, &path, &token, &key, &body)
                    .await
                    .unwrap()
            };
            self.refused(reply, 409, "insufficient_funds").await;
            return;
        }
        let reply = self
            .keyed_write(&api, &path, &token, body)
            .await
            .expect(200);
        self.market.requests[i].update(&reply.body);
        let moved = if accepted { amount - current } else { 0 };
        assert_eq!(
            self.account(r.team).await,
            (balance - moved, on_hold + moved, available - moved),
            "request {}: a raise holds the difference once",
            r.id
        );
    }

    pub(super) async fn withdraw(&mut self) {
        let open = self.market.requests_in(&["open", "quoted"]);
        if open.is_empty() {
            return;
        }
        let i = *self.rng.pick(&open);
        let r = self.market.requests[i].clone();
        let path = format!("/api/v1/requests/{}/withdraw", r.id);
        let token = self.market.token(r.team);
        let reply = self.api().post(&path, &token, json!({})).await.expect(200);
        self.market.requests[i].update(&reply.body);
        assert_eq!(self.market.requests[i].status, "withdrawn");
    }

    pub(super) async fn decline(&mut self) {
        let open = self.market.requests_in(&["open", "quoted"]);
        if open.is_empty() {
            return;
        }
        let i = *self.rng.pick(&open);
        let r = self.market.requests[i].clone();
        let path = format!("/api/v1/requests/{}/decline", r.id);
        let token = self.market.token(r.provider);
        let body = if self.rng.chance(0.5) {
            json!({"reason": "No time this period"})
        } else {
            json!({})
        };
        let reply = self.api().post(&path, &token, body).await.expect(200);
        self.market.requests[i].update(&reply.body);
        assert_eq!(self.market.requests[i].status, "declined");
    }

    /// Cancels a request that is not delivered: what was held goes back to the requester.
    pub(super) async fn cancel_request(&mut self) {
        let live = self.market.requests_in(&["open", "quoted", "accepted"]);
        let accepted = self.market.requests_in(&["accepted"]);
        if live.is_empty() {
            return;
        }
        // Mostly an accepted one: its hold is what a cancellation must give back.
        let i = if !accepted.is_empty() && self.rng.chance(0.7) {
            *self.rng.pick(&accepted)
        } else {
            *self.rng.pick(&live)
        };
        let r = self.market.requests[i].clone();
        let path = format!("/api/v1/requests/{}/cancel", r.id);
        let (token, body) = match self.rng.below(3) {
            0 => (self.market.token(r.team), json!({})),
            1 => (self.market.token(r.provider), json!({})),
            _ => (
                self.admin.clone(),
                json!({"reason": "The committee stops this work"}),
            ),
        };
        let (balance, on_hold, available) = self.account(r.team).await;
        let reply = self.api().post(&path, &token, body).await.expect(200);
        self.market.requests[i].update(&reply.body);
        assert_eq!(self.market.requests[i].status, "cancelled");
        let released = if r.status == "accepted" {
            r.offer.unwrap()
        } else {
            0
        };
        assert_eq!(
            self.account(r.team).await,
            (balance + released, on_hold - released, available + released),
            "request {}: the cancellation releases the hold once",
            r.id
        );
    }

    /// Delivers an accepted request: the hold pays the provider, unless the request waits
    /// beyond the period's capacity (409, nothing written).
    pub(super) async fn deliver(&mut self) {
        let accepted = self.market.requests_in(&["accepted"]);
        if accepted.is_empty() {
            return;
        }
        let i = *self.rng.pick(&accepted);
        let r = self.market.requests[i].clone();
        let offer = r.offer.unwrap();
        let path = format!("/api/v1/requests/{}/deliver", r.id);
        let (api, token) = (self.api(), self.market.token(r.provider));
        let requester = self.account(r.team).await;
        let provider = self.account(r.provider).await;
        let print = crate::harness::fingerprint(&mut self.conn);
        let reply = self.keyed_write(&api, &path, &token, json!({})).await;
        if reply.status == 409 {
            assert_eq!(reply.code(), "not_scheduled", "{}", reply.body);
            println!("  request {} waits in the queue", r.id);
            assert_eq!(
                crate::harness::fingerprint_diff(
                    &print,
                    &crate::harness::fingerprint(&mut self.conn)
                ),
                Vec::<String>::new()
            );
            return;
        }
        let reply = reply.expect(200);
        self.market.requests[i].update(&reply.body);
        assert_eq!(self.market.requests[i].status, "delivered");
        self.market.delivered += 1;
        let (b, h, a) = requester;
        assert_eq!(
            self.account(r.team).await,
            (b, h - offer, a),
            "request {}: the hold pays",
            r.id
        );
        let (b, h, a) = provider;
        assert_eq!(
            self.account(r.provider).await,
            (b + offer, h, a + offer),
            "request {}: the provider is paid once",
            r.id
        );
    }
}
