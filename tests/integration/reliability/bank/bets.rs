//! Steps on bets and their reports: create, activate, report (through a crash too), correct, close.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{count, exact_f64, fingerprint, fingerprint_diff};

use super::sim::{Bet, Sim};

impl Sim {
    pub(super) async fn create_bet(&mut self) {
        let writer = self.rng.pick(&self.writers).clone();
        let team = writer.team.unwrap_or_else(|| *self.rng.pick(&self.teams));
        let higher = self.rng.chance(0.7);
        let baseline = exact_f64(self.rng.range(10, 1_000));
        let step = baseline * exact_f64(self.rng.range(1, 50)) / 100.0;
        let target = if higher {
            baseline + step
        } else {
            baseline - step
        };
        let mut body = json!({
            "arena_id": self.arena, "team_id": team, "title": format!("Sim bet {}", self.bets.len()),
            "metric": {"name": "m", "unit": "u", "direction": if higher { "higher_is_better" } else { "lower_is_better" }},
            "baseline": baseline,
            "thresholds": [{"target": target, "effective_from": "2000-01-01T00:00:00Z"}],
        });
        if self.rng.chance(0.3) {
            body["seed_request"] = json!(self.rng.range(0, 10_000_000));
        }
        let id = self
            .api()
            .post("/api/v1/bets", &writer.token, body)
            .await
            .expect(201)
            .id();
        self.bets.push(Bet {
            id,
            team,
            status: "proposed".into(),
            baseline,
            target,
        });
    }

    pub(super) async fn activate(&mut self) {
        let proposed: Vec<usize> = (0..self.bets.len())
            .filter(|&i| self.bets[i].status == "proposed")
            .collect();
        if proposed.is_empty() {
            return;
        }
        let i = *self.rng.pick(&proposed);
        self.as_admin(
            Method::POST,
            &format!("/api/v1/bets/{}/activate", self.bets[i].id),
            None,
        )
        .await
        .expect(200);
        self.bets[i].status = "active".into();
    }

    pub(super) async fn report(&mut self) {
        let writer = self.rng.pick(&self.writers).clone();
        let mine = self.open_bets_of(&writer);
        if mine.is_empty() {
            return;
        }
        let n = self.rng.range(1, 12);
        let rows: Vec<(Bet, Value)> = (0..n)
            .map(|_| {
                let bet = self.rng.pick(&mine).clone();
                let mut row = self.observation(&bet);
                row["idempotency_key"] = json!(self.next_key());
                (bet, row)
            })
            .collect();
        let closed = rows
            .iter()
            .any(|(b, _)| b.status == "killed" || b.status == "graduated");
        let body = json!({"reports": rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>()});
        let before = fingerprint(&mut self.conn);
        let reply = self
            .api()
            .post("/api/v1/reports/batch", &writer.token, body)
            .await;
        if closed {
            // A closed bet takes no reports, and one bad row refuses the whole batch.
            let reply = reply.expect(403);
            assert!(
                ["bet_closed", "invalid_batch"].contains(&reply.code()),
                "{}",
                reply.body
            );
            assert_eq!(
                fingerprint_diff(&before, &fingerprint(&mut self.conn)),
                Vec::<String>::new()
            );
            return;
        }
        let reply = reply.expect(201);
        for (stored, (bet, _)) in reply.body["reports"].as_array().unwrap().iter().zip(&rows) {
            self.reports.push((stored["id"].as_i64().unwrap(), bet.id));
        }
    }

    /// A batch of reports during which the server is killed; the retry stores it exactly once.
    pub(super) async fn report_through_a_crash(&mut self) {
        let Some(writer) = self.writers.iter().find(|w| w.team.is_none()).cloned() else {
            return;
        };
        let open: Vec<Bet> = self
            .bets
            .iter()
            .filter(|b| b.status == "proposed" || b.status == "active")
            .cloned()
            .collect();
        if open.is_empty() {
            return;
        }
        let rows: Vec<Value> = (0..self.rng.range(50, 2_000))
            .map(|_| {
                let bet = self.rng.pick(&open).clone();
                let mut row = self.observation(&bet);
                row["idempotency_key"] = json!(self.next_key());
                row
            })
            .collect();
        let body = json!({ "reports": rows });
        let api = self.api();
        let (token, sent) = (writer.token.clone(), body.clone());
        let request = tokio::spawn(async move {
            api.try_call(
                Method::POST,
                "/api/v1/reports/batch",
                Some(&token),
                Some(&sent),
            )
            .await
        });
        tokio::time::sleep(Duration::from_millis(self.rng.below(151))).await;
        self.restart();
        let first = request.await.expect("the request task ends");
        let retry = self
            .api()
            .post("/api/v1/reports/batch", &writer.token, body)
            .await
            .expect(201);
        let n = count(rows.len());
        match first {
            Ok(reply) => {
                let reply = reply.expect(201);
                assert_eq!(
                    retry.body["replayed"], n,
                    "an acknowledged batch is replayed whole"
                );
                assert_eq!(retry.body["reports"], reply.body["reports"]);
            }
            Err(_) => assert!(
                retry.body["stored"] == n || retry.body["replayed"] == n,
                "a batch is stored whole or not at all: {}",
                retry.body["stored"]
            ),
        }
        for stored in retry.body["reports"].as_array().unwrap() {
            self.reports.push((
                stored["id"].as_i64().unwrap(),
                stored["bet_id"].as_i64().unwrap(),
            ));
        }
        println!("  crash during a batch of {n} reports: stored once");
    }

    pub(super) async fn correct(&mut self) {
        let open: Vec<usize> = (0..self.reports.len())
            .filter(|&i| {
                let bet = self.reports[i].1;
                self.bets
                    .iter()
                    .any(|b| b.id == bet && (b.status == "proposed" || b.status == "active"))
            })
            .collect();
        if open.is_empty() {
            return;
        }
        let i = *self.rng.pick(&open);
        let (report, bet_id) = self.reports[i];
        let bet = self.bets.iter().find(|b| b.id == bet_id).unwrap().clone();
        let mut body = self.observation(&bet);
        let value = body["value"].clone();
        body = json!({"value": value, "source": "correction", "idempotency_key": self.next_key()});
        let reply = self
            .as_admin(
                Method::POST,
                &format!("/api/v1/reports/{report}/corrections"),
                Some(body),
            )
            .await
            .expect(201);
        self.reports[i] = (reply.id(), bet_id);
    }

    pub(super) async fn close(&mut self) {
        let open: Vec<usize> = (0..self.bets.len())
            .filter(|&i| self.bets[i].status == "proposed" || self.bets[i].status == "active")
            .collect();
        if open.is_empty() {
            return;
        }
        let i = *self.rng.pick(&open);
        let to = if self.rng.chance(0.5) {
            "kill"
        } else {
            "graduate"
        };
        self.as_admin(
            Method::POST,
            &format!("/api/v1/bets/{}/{to}", self.bets[i].id),
            Some(json!({"reason": "Simulated decision"})),
        )
        .await
        .expect(200);
        self.bets[i].status = if to == "kill" { "killed" } else { "graduated" }.into();
    }
}
