//! Billing runs: the next unbilled period is opened as a draft, previewed, and committed (by the
//! child, or by the clerk on the market's clock), now and then deleted instead; and sometimes
//! the child is killed during the commit, after which the run is committed whole or not at
//! all. A commit charges exactly what the preview just before it said.

use chrono::TimeDelta;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::Api;
use crate::reliability::books::{billing_run_is_committed_whole_or_not_at_all, check_books};

use super::sim::Sim;

/// What must match between a preview and the commit right after it.
fn decided(billing: &Value) -> Value {
    json!([
        billing["period"],
        billing["charges"],
        billing["charged"],
        billing["unpaid"]
    ])
}

impl Sim {
    /// The draft run of the next unbilled period, opened if needed after the market's clock
    /// has entered the period (so what it bills was decided before it began); None once every
    /// period that has ended is billed.
    async fn draft_run(&mut self) -> Option<i64> {
        let period = self.market.next_period;
        if period.start() > self.market.last_period.start() {
            return None;
        }
        let into = period.start() + TimeDelta::hours(self.rng.range(1, 72));
        if self.market.now() < into {
            self.market.clock.advance(into - self.market.now());
        }
        if let Some(run) = self.market.run {
            return Some(run);
        }
        let run = self
            .as_admin(
                Method::POST,
                "/api/v1/billing-runs",
                Some(json!({"period": period.label()})),
            )
            .await
            .expect(201)
            .id();
        self.market.run = Some(run);
        Some(run)
    }

    /// Previews, then commits (or deletes) the next period's run. `crash`: the child is killed
    /// during the commit.
    pub(super) async fn bill(&mut self, crash: bool) {
        let Some(run) = self.draft_run().await else {
            return;
        };
        let reviewer = if self.rng.chance(0.5) {
            self.api()
        } else {
            self.market.clerk.clone()
        };
        let started = std::time::Instant::now();
        let preview = reviewer
            .post(
                &format!("/api/v1/billing-runs/{run}/preview"),
                &self.admin,
                json!({}),
            )
            .await
            .expect(200)
            .body;
        // A commit takes about as long as a preview: the kill is spread over twice that.
        let window = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let charges = preview["charges"].as_array().unwrap();
        let sum = |paid: bool| -> i64 {
            (charges.iter())
                .filter(|c| c["paid"] == paid)
                .map(|c| c["amount"].as_i64().unwrap())
                .sum()
        };
        assert_eq!(
            preview["charged"],
            sum(true),
            "a preview adds up: {preview}"
        );
        assert_eq!(
            preview["unpaid"],
            sum(false),
            "a preview adds up: {preview}"
        );
        if !crash && self.rng.chance(0.1) {
            self.as_admin(Method::DELETE, &format!("/api/v1/billing-runs/{run}"), None)
                .await
                .expect(204);
            self.market.run = None;
            return;
        }
        let committed = if crash {
            self.commit_run_through_a_crash(run, &preview, window).await
        } else {
            let api: Api = if self.rng.chance(0.5) {
                self.api()
            } else {
                self.market.clerk.clone()
            };
            let path = format!("/api/v1/billing-runs/{run}/commit");
            let reply = api.post(&path, &self.admin, json!({})).await.expect(200);
            assert_eq!(
                decided(&reply.body),
                decided(&preview),
                "run {run}: the commit is the preview"
            );
            assert!(billing_run_is_committed_whole_or_not_at_all(
                &mut self.conn,
                run
            ));
            true
        };
        if committed {
            println!(
                "  billed {}: {} charges, {} charged, {} unpaid",
                self.market.next_period.label(),
                charges.len(),
                preview["charged"],
                preview["unpaid"]
            );
            self.market.run = None;
            self.market.next_period = self.market.next_period.next();
            self.market.billed += 1;
            check_books(&self.api(), &self.admin, &mut self.conn).await;
        }
    }

    /// The commit sent to the child, which is killed after a moment; then the run is committed
    /// whole (what the preview said) or a draft with nothing written, and an acknowledged
    /// commit is never lost.
    async fn commit_run_through_a_crash(&mut self, run: i64, preview: &Value, window: u64) -> bool {
        let (api, token) = (self.api(), self.admin.clone());
        let path = format!("/api/v1/billing-runs/{run}/commit");
        let request =
            tokio::spawn(
                async move { api.try_call(Method::POST, &path, Some(&token), None).await },
            );
        let delay = self.rng.below(2 * window + 1);
        super::market::pause(delay).await;
        self.restart();
        let answered = request.await.expect("the commit task ends");
        let committed = billing_run_is_committed_whole_or_not_at_all(&mut self.conn, run);
        if let Ok(reply) = &answered {
            assert_eq!(reply.status, 200, "{}", reply.body);
            assert!(committed, "run {run}: an acknowledged commit was lost");
        }
        if committed {
            let stored = self
                .as_admin(Method::GET, &format!("/api/v1/billing-runs/{run}"), None)
                .await
                .expect(200);
            assert_eq!(
                decided(&stored.body["billing"]),
                decided(preview),
                "run {run}: the commit is the preview"
            );
        }
        println!(
            "  crash {delay} µs into the commit of billing run {run} (~{window} µs): {}",
            if committed { "committed" } else { "draft" }
        );
        if !committed {
            check_books(&self.api(), &self.admin, &mut self.conn).await;
        }
        committed
    }
}
