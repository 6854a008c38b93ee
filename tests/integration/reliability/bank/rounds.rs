//! Steps on rounds: create, pin, unpin, preview, delete and commit (through a crash too).

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{at, days_ago, fingerprint, fingerprint_diff};
use crate::reliability::books::{
    bet_statuses, check_books, round_is_committed_whole_or_not_at_all,
};

use super::sim::{Draft, Sim};

impl Sim {
    pub(super) fn policy(&mut self, budget: i64) -> Value {
        let rng = &mut self.rng;
        json!({
            "confidence": 0.55 + rng.unit() * 0.44,
            "min_reports": rng.range(3, 6),
            "selection_pressure": if rng.chance(0.2) { 0.0 } else { rng.unit() * 10.0 },
            "progress_cap": 0.5 + rng.unit() * 4.5,
            "kill_after_misses": rng.range(1, 4),
            "exploration_share": rng.unit(),
            "max_share": 0.05 + rng.unit() * 0.95,
            "min_grant": if rng.chance(0.5) { 0 } else { rng.range(0, budget / 20) },
        })
    }

    pub(super) async fn create_round(&mut self) {
        if self.drafts.len() >= 3 || self.next_days_ago < 1 {
            return;
        }
        let budget = match self.rng.below(5) {
            0 => 0,
            1 => self.rng.range(1, 100),
            2 => self.rng.range(100, 1_000_000),
            3 => self.rng.range(1_000_000, 1_000_000_000),
            _ => self.rng.range(1_000_000_000, 1_000_000_000_000_000),
        };
        let mut body = json!({"budget": budget, "as_of": at(days_ago(self.next_days_ago))});
        if self.rng.chance(0.8) {
            body["policy"] = self.policy(budget);
        }
        let id = self
            .as_admin(Method::POST, "/api/v1/rounds", Some(body))
            .await
            .expect(201)
            .id();
        self.drafts.push(Draft {
            id,
            budget,
            pins: BTreeMap::new(),
        });
        self.next_days_ago -= self.rng.range(2, 15);
    }

    pub(super) async fn pin(&mut self) {
        if self.drafts.is_empty() {
            return;
        }
        let d = self.rng.index(self.drafts.len());
        let active: Vec<i64> = self
            .bets
            .iter()
            .filter(|b| b.status == "active")
            .map(|b| b.id)
            .collect();
        if active.is_empty() {
            return;
        }
        let bet = *self.rng.pick(&active);
        let draft = self.drafts[d].clone();
        let others: i64 = draft
            .pins
            .iter()
            .filter(|(b, _)| **b != bet)
            .filter_map(|(_, g)| *g)
            .sum();
        let room = draft.budget - others;
        let path = format!("/api/v1/rounds/{}/pins/{bet}", draft.id);
        if self.rng.chance(0.15) {
            // Pins beyond the budget are refused and change nothing.
            let before = fingerprint(&mut self.conn);
            let reply = self
                .as_admin(
                    Method::PUT,
                    &path,
                    Some(json!({"grant": room + 1, "reason": "Too much"})),
                )
                .await
                .expect(422);
            assert_eq!(reply.code(), "pins_exceed_budget");
            assert_eq!(
                fingerprint_diff(&before, &fingerprint(&mut self.conn)),
                Vec::<String>::new()
            );
            return;
        }
        let grant = if self.rng.chance(0.3) {
            None
        } else {
            Some(self.rng.range(0, room.max(0)))
        };
        let mut body = json!({"reason": "Simulated committee judgement", "waive_kill": grant.is_none() || self.rng.chance(0.3)});
        if let Some(g) = grant {
            body["grant"] = json!(g);
        }
        self.as_admin(Method::PUT, &path, Some(body))
            .await
            .expect(200);
        self.drafts[d].pins.insert(bet, grant);
    }

    pub(super) async fn unpin(&mut self) {
        let pinned: Vec<(usize, i64)> = self
            .drafts
            .iter()
            .enumerate()
            .flat_map(|(d, draft)| draft.pins.keys().map(move |b| (d, *b)))
            .collect();
        if pinned.is_empty() {
            return;
        }
        let (d, bet) = *self.rng.pick(&pinned);
        self.as_admin(
            Method::DELETE,
            &format!("/api/v1/rounds/{}/pins/{bet}", self.drafts[d].id),
            None,
        )
        .await
        .expect(204);
        self.drafts[d].pins.remove(&bet);
    }

    pub(super) async fn preview(&mut self) {
        if self.drafts.is_empty() {
            return;
        }
        let draft = self.rng.pick(&self.drafts).clone();
        let reply = self
            .as_admin(
                Method::POST,
                &format!("/api/v1/rounds/{}/preview", draft.id),
                None,
            )
            .await
            .expect(200);
        let e = &reply.body["evaluation"];
        let granted: i64 = e["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["grant"].as_i64().unwrap())
            .sum();
        assert_eq!(
            granted + e["money"]["reserve"].as_i64().unwrap(),
            draft.budget,
            "a preview adds up"
        );
    }

    pub(super) async fn delete_draft(&mut self) {
        if self.drafts.is_empty() {
            return;
        }
        let d = self.rng.index(self.drafts.len());
        let id = self.drafts[d].id;
        self.as_admin(Method::DELETE, &format!("/api/v1/rounds/{id}"), None)
            .await
            .expect(204);
        self.drafts.remove(d);
    }

    /// Commits a draft: the earliest commits; a later one is refused while an earlier is open.
    /// Sometimes the server is killed during the commit.
    pub(super) async fn commit(&mut self, crash: bool) {
        if self.drafts.is_empty() {
            return;
        }
        let d = if self.drafts.len() > 1 && self.rng.chance(0.2) {
            1 + self.rng.index(self.drafts.len() - 1)
        } else {
            0
        };
        let id = self.drafts[d].id;
        let path = format!("/api/v1/rounds/{id}/commit");
        let before = bet_statuses(&mut self.conn);
        if d > 0 {
            let print = fingerprint(&mut self.conn);
            let reply = self.as_admin(Method::POST, &path, None).await.expect(409);
            assert_eq!(reply.code(), "earlier_draft");
            assert_eq!(
                fingerprint_diff(&print, &fingerprint(&mut self.conn)),
                Vec::<String>::new()
            );
            return;
        }
        let committed = if crash {
            let (api, token) = (self.api(), self.admin.clone());
            let path = path.clone();
            let request =
                tokio::spawn(
                    async move { api.try_call(Method::POST, &path, Some(&token), None).await },
                );
            tokio::time::sleep(Duration::from_millis(self.rng.below(61))).await;
            self.restart();
            let answered = request.await.expect("the commit task ends");
            let committed = round_is_committed_whole_or_not_at_all(&mut self.conn, id, &before);
            if let Ok(reply) = answered {
                assert_eq!(reply.status, 200, "{}", reply.body);
                assert!(committed, "an acknowledged commit was lost");
            }
            println!(
                "  crash during the commit of round {id}: {}",
                if committed { "committed" } else { "draft" }
            );
            committed
        } else {
            self.as_admin(Method::POST, &path, None).await.expect(200);
            assert!(round_is_committed_whole_or_not_at_all(
                &mut self.conn,
                id,
                &before
            ));
            true
        };
        if committed {
            self.drafts.remove(0);
            self.committed += 1;
            self.refresh_statuses();
            check_books(&self.api(), &self.admin, &mut self.conn).await;
        }
    }
}
