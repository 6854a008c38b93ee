//! Bank check: a seeded random simulation of a portfolio's life through the API of a child
//! server process that is now and then killed (between requests, during a commit, or during a
//! batch of reports) and restarted. After every commit the books must balance: the ledger sums
//! to zero, each round's grants plus reserve equal its budget, no grant is negative or above the
//! cap unless pinned, each grant is paid once, and the server verifies every committed round.
//!
//! The seed is printed; `HORSERACE_SIM_SEED=<seed>` replays a run (the moments the server is
//! killed depend on timing, so a replay makes the same requests but may kill elsewhere).
//! `HORSERACE_SIM_STEPS` changes the number of steps.

use std::collections::BTreeMap;
use std::time::Duration;

use horserace::db::DbConnection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    Api, Rng, SeedGuard, Server, at, connect, days_ago, fingerprint, fingerprint_diff,
    seed_from_env,
};
use crate::harness::{Reply, spawn_unlimited};
use crate::reliability::books::{
    bet_statuses, check_books, round_is_committed_whole_or_not_at_all,
};

const STEPS: usize = 800;

#[derive(Debug, Clone)]
struct Writer {
    token: String,
    /// None: the committee, which writes for every team.
    team: Option<i64>,
}

#[derive(Debug, Clone)]
struct Bet {
    id: i64,
    team: i64,
    status: String,
    baseline: f64,
    target: f64,
}

#[derive(Debug, Clone)]
struct Draft {
    id: i64,
    budget: i64,
    /// Pinned grants by bet (None: only a waived kill).
    pins: BTreeMap<i64, Option<i64>>,
}

struct Sim {
    rng: Rng,
    server: Server,
    database_url: String,
    admin: String,
    conn: DbConnection,
    arena: i64,
    teams: Vec<i64>,
    writers: Vec<Writer>,
    bets: Vec<Bet>,
    /// Reports not yet corrected, with their bet.
    reports: Vec<(i64, i64)>,
    /// Drafts in `as_of` order (rounds are always created with a later `as_of`).
    drafts: Vec<Draft>,
    /// The next round's `as_of`, in days before now; it only decreases.
    next_days_ago: i64,
    committed: usize,
    crashes: usize,
    keys: u64,
}

impl Sim {
    fn api(&self) -> Api {
        self.server.api.clone()
    }

    async fn as_admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.api()
            .call(method, path, Some(&self.admin), body.as_ref())
            .await
    }

    fn restart(&mut self) {
        self.server.kill();
        self.server = Server::start(&self.database_url);
        self.crashes += 1;
    }

    /// The bet statuses the server holds (rounds kill bets).
    fn refresh_statuses(&mut self) {
        let statuses = bet_statuses(&mut self.conn);
        for bet in &mut self.bets {
            bet.status = statuses[&bet.id].clone();
        }
    }

    fn open_bets_of(&self, writer: &Writer) -> Vec<Bet> {
        self.bets
            .iter()
            .filter(|b| writer.team.is_none_or(|t| t == b.team))
            .cloned()
            .collect()
    }

    fn next_key(&mut self) -> String {
        self.keys += 1;
        format!("sim-{}", self.keys)
    }

    /// A value near the bet's baseline or threshold, observed shortly before the next round.
    fn observation(&mut self, bet: &Bet) -> Value {
        let spread = (bet.target - bet.baseline).abs();
        let value = bet.baseline
            + (bet.target - bet.baseline) * (self.rng.unit() * 1.6 - 0.2)
            + spread * (self.rng.unit() - 0.5) * 0.2;
        // Never after now: the next round's instant may already be behind the last one.
        let days = self.next_days_ago.max(0) + self.rng.range(0, 20);
        let seconds = self.rng.range(0, 86_399);
        json!({
            "bet_id": bet.id,
            "value": (value * 100.0).round() / 100.0,
            "observed_at": at(days_ago(days) - chrono::Duration::seconds(seconds)),
        })
    }

    async fn create_bet(&mut self) {
        let writer = self.rng.pick(&self.writers).clone();
        let team = writer.team.unwrap_or_else(|| *self.rng.pick(&self.teams));
        let higher = self.rng.chance(0.7);
        let baseline = self.rng.range(10, 1_000) as f64;
        let step = baseline * self.rng.range(1, 50) as f64 / 100.0;
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

    async fn activate(&mut self) {
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

    async fn report(&mut self) {
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
    async fn report_through_a_crash(&mut self) {
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
        tokio::time::sleep(Duration::from_millis(self.rng.range(0, 150) as u64)).await;
        self.restart();
        let first = request.await.expect("the request task ends");
        let retry = self
            .api()
            .post("/api/v1/reports/batch", &writer.token, body)
            .await
            .expect(201);
        let n = rows.len() as i64;
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

    async fn correct(&mut self) {
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

    async fn close(&mut self) {
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

    fn policy(&mut self, budget: i64) -> Value {
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

    async fn create_round(&mut self) {
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

    async fn pin(&mut self) {
        if self.drafts.is_empty() {
            return;
        }
        let d = self.rng.below(self.drafts.len() as u64) as usize;
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

    async fn unpin(&mut self) {
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

    async fn preview(&mut self) {
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

    async fn delete_draft(&mut self) {
        if self.drafts.is_empty() {
            return;
        }
        let d = self.rng.below(self.drafts.len() as u64) as usize;
        let id = self.drafts[d].id;
        self.as_admin(Method::DELETE, &format!("/api/v1/rounds/{id}"), None)
            .await
            .expect(204);
        self.drafts.remove(d);
    }

    /// Commits a draft: the earliest commits; a later one is refused while an earlier is open.
    /// Sometimes the server is killed during the commit.
    async fn commit(&mut self, crash: bool) {
        if self.drafts.is_empty() {
            return;
        }
        let d = if self.drafts.len() > 1 && self.rng.chance(0.2) {
            self.rng.range(1, self.drafts.len() as i64 - 1) as usize
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
            tokio::time::sleep(Duration::from_millis(self.rng.range(0, 60) as u64)).await;
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

    async fn step(&mut self, n: usize) {
        // Weights: mostly reports; rounds often enough for a dozen commits per run.
        let roll = self.rng.below(100);
        let name = match roll {
            0..=7 => "create bet",
            8..=13 => "activate",
            14..=37 => "report",
            38..=42 => "correct",
            43..=44 => "close",
            45..=52 => "create round",
            53..=59 => "pin",
            60..=62 => "unpin",
            63..=68 => "preview",
            69..=70 => "delete draft",
            71..=91 => "commit",
            92..=94 => "crash during commit",
            95..=96 => "crash during reports",
            _ => "crash",
        };
        println!("step {n}: {name}");
        match name {
            "create bet" => self.create_bet().await,
            "activate" => self.activate().await,
            "report" => self.report().await,
            "correct" => self.correct().await,
            "close" => self.close().await,
            "create round" => self.create_round().await,
            "pin" => self.pin().await,
            "unpin" => self.unpin().await,
            "preview" => self.preview().await,
            "delete draft" => self.delete_draft().await,
            "commit" => self.commit(false).await,
            "crash during commit" => self.commit(true).await,
            "crash during reports" => self.report_through_a_crash().await,
            _ => {
                self.restart();
                check_books(&self.api(), &self.admin, &mut self.conn).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_books_balance_through_a_random_portfolio_life() {
    let seed = seed_from_env("HORSERACE_SIM_SEED");
    let _guard = SeedGuard {
        var: "HORSERACE_SIM_SEED",
        seed,
    };
    let steps = std::env::var("HORSERACE_SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(STEPS);
    let mut rng = Rng::new(seed);

    let app = spawn_unlimited().await;
    let arena = app.create_arena("Simulation").await;
    let mut teams = Vec::new();
    let mut writers = vec![Writer {
        token: app.admin.clone(),
        team: None,
    }];
    for t in 0..5 {
        let (kind, role) = if t < 3 {
            ("internal", "member")
        } else {
            ("external", "partner")
        };
        let team = app.create_team(&format!("Sim team {t}"), kind).await;
        let (_, token) = app
            .create_user(&format!("sim-user-{t}"), role, Some(team))
            .await;
        teams.push(team);
        writers.push(Writer {
            token,
            team: Some(team),
        });
    }
    let mut sim = Sim {
        rng: Rng::new(rng.next_u64()),
        server: Server::start(&app.database_url),
        database_url: app.database_url.clone(),
        admin: app.admin.clone(),
        conn: connect(&app.database_url),
        arena,
        teams,
        writers,
        bets: Vec::new(),
        reports: Vec::new(),
        drafts: Vec::new(),
        next_days_ago: 400,
        committed: 0,
        crashes: 0,
        keys: 0,
    };
    for _ in 0..6 {
        sim.create_bet().await;
    }
    for n in 0..steps {
        sim.step(n).await;
    }
    // Whatever the dice said, end with every draft committed and the books checked.
    while !sim.drafts.is_empty() {
        sim.commit(false).await;
    }
    check_books(&sim.api(), &sim.admin, &mut sim.conn).await;
    println!(
        "{steps} steps: {} bets, {} rounds committed, {} crashes",
        sim.bets.len(),
        sim.committed,
        sim.crashes
    );
    assert!(
        sim.committed >= 3,
        "the simulation committed too few rounds to mean much"
    );
}
