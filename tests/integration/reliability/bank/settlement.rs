//! Settlements through a crash: a delivery (or an acceptance) is sent with an idempotency key
//! and the child is killed a moment later. After the restart the request is either moved with
//! its money moved once (delivered and paid, or accepted and held) or left as it was with
//! nothing moved; the retry with the same key then replays a write that landed, or makes one
//! that did not, and never moves the money twice.

use diesel::prelude::*;
use horserace::db::schema::ledger_entries;
use serde_json::json;

use crate::reliability::books::check_books;

use super::market::{keyed, pause, replayed};
use super::sim::Sim;

impl Sim {
    /// The request's ledger entries: (kind, amount), in order.
    fn moved(&mut self, request: i64) -> Vec<(String, i64)> {
        ledger_entries::table
            .filter(ledger_entries::request_id.eq(request))
            .order(ledger_entries::id)
            .select((ledger_entries::kind, ledger_entries::amount))
            .load(&mut self.conn)
            .expect("the request's entries")
    }

    pub(super) async fn deliver_through_a_crash(&mut self) {
        let accepted = self.market.requests_in(&["accepted"]);
        if accepted.is_empty() {
            return;
        }
        let i = *self.rng.pick(&accepted);
        let r = self.market.requests[i].clone();
        let token = self.market.token(r.provider);
        self.settle_through_a_crash(i, ("deliver", &token), "accepted", "delivered")
            .await;
    }

    pub(super) async fn accept_through_a_crash(&mut self) {
        // Only quotes within the maximum.
        let quoted: Vec<usize> = (self.market.requests_in(&["quoted"]).into_iter())
            .filter(|&i| {
                let r = &self.market.requests[i];
                r.quote.is_some_and(|q| q <= r.max_total)
            })
            .collect();
        if quoted.is_empty() {
            return;
        }
        let i = *self.rng.pick(&quoted);
        let team = self.market.requests[i].team;
        // And one the team can pay: a settlement, not a refusal, is under test here.
        if self.account(team).await.2 < self.market.requests[i].quote.unwrap() {
            return;
        }
        let token = self.market.token(team);
        self.settle_through_a_crash(i, ("accept", &token), "quoted", "accepted")
            .await;
    }

    /// Sends `action` with a key, kills the child, checks the request is wholly `from` or
    /// wholly `to`, retries with the same key, and checks again. A retry may still be refused
    /// for a reason that leaves the request `from` (the queue is full, the team cannot pay).
    async fn settle_through_a_crash(
        &mut self,
        i: usize,
        (action, token): (&str, &str),
        from: &str,
        to: &str,
    ) {
        let r = self.market.requests[i].clone();
        let before = self.moved(r.id);
        let path = format!("/api/v1/requests/{}/{action}", r.id);
        let key = self.next_key();
        let (api, sent_path, sent_token, sent_key) =
            (self.api(), path.clone(), token.to_owned(), key.clone());
        let request = tokio::spawn(async move {
            keyed(&api, &sent_path, &sent_token, &sent_key, &json!({})).await
        });
        let delay = self.rng.below(1_500);
        pause(delay).await;
        self.restart();
        let first = request.await.expect("the request task ends");
        let landed = self.wholly(&r, &before, (from, to));
        if let Ok(reply) = &first {
            if reply.status == 200 {
                assert!(
                    landed,
                    "request {}: an acknowledged {action} was lost",
                    r.id
                );
            } else {
                assert!(!landed, "request {}: a refused {action} landed", r.id);
            }
        }
        let retry = keyed(&self.api(), &path, token, &key, &json!({}))
            .await
            .expect("an answer");
        if landed {
            assert_eq!(retry.status, 200, "{}", retry.body);
            assert!(
                replayed(&retry),
                "request {}: the retry replays the {action}",
                r.id
            );
        } else if retry.status != 200 {
            let code = retry.code();
            assert!(
                ["not_scheduled", "insufficient_funds"].contains(&code),
                "request {}: {}",
                r.id,
                retry.body
            );
        }
        let done = self.wholly(&r, &before, (from, to));
        assert_eq!(
            done,
            retry.status == 200,
            "request {}: {}",
            r.id,
            retry.body
        );
        if done {
            self.market.requests[i].update(&retry.body);
            self.market.delivered += usize::from(to == "delivered");
        }
        println!(
            "  crash {delay} µs into the {action} of request {}: {} then {}",
            r.id,
            if landed { to } else { from },
            if done {
                "replayed or done once"
            } else {
                "still waiting"
            }
        );
        check_books(&self.api(), &self.admin, &mut self.conn).await;
    }

    /// Whether the request is wholly `to` (true) or wholly still `from` (false): its status and
    /// its money agree, and the transition moved its offer exactly once.
    fn wholly(
        &mut self,
        r: &super::market::Request,
        before: &[(String, i64)],
        (from, to): (&str, &str),
    ) -> bool {
        let stored = horserace::db::market::requests::Request::find(&mut self.conn, r.id)
            .expect("read the request")
            .expect("the request exists");
        let after = self.moved(r.id);
        let status = stored.status.as_str();
        if status == from {
            assert_eq!(
                after, before,
                "request {} is {from} but its money moved",
                r.id
            );
            return false;
        }
        assert_eq!(status, to, "request {} is {status}", r.id);
        let offer = stored.offer.expect("an offer");
        let kind = if to == "delivered" { "payment" } else { "hold" };
        let mut expected = before.to_vec();
        if offer > 0 {
            expected.push((kind.to_owned(), offer));
        }
        assert_eq!(
            after, expected,
            "request {}: its {kind} is moved exactly once",
            r.id
        );
        true
    }
}
