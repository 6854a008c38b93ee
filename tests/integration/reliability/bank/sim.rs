//! The simulation's state, its helpers, and the dice that choose each step (the market's
//! steps are in [`super::market`], [`super::requests`], [`super::billing`] and
//! [`super::settlement`]).

use std::collections::BTreeMap;

use horserace::db::DbConnection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::Reply;
use crate::harness::{Api, Rng, Server, at, days_ago};
use crate::reliability::books::{bet_statuses, check_books};

use super::market::Market;

#[derive(Debug, Clone)]
pub(super) struct Writer {
    pub(super) token: String,
    /// None: the committee, which writes for every team.
    pub(super) team: Option<i64>,
}

#[derive(Debug, Clone)]
pub(super) struct Bet {
    pub(super) id: i64,
    pub(super) team: i64,
    pub(super) status: String,
    pub(super) baseline: f64,
    pub(super) target: f64,
}

#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) id: i64,
    pub(super) budget: i64,
    /// Pinned grants by bet (None: only a waived kill).
    pub(super) pins: BTreeMap<i64, Option<i64>>,
}

pub(super) struct Sim {
    pub(super) rng: Rng,
    pub(super) server: Server,
    pub(super) database_url: String,
    pub(super) admin: String,
    pub(super) conn: DbConnection,
    pub(super) arena: i64,
    pub(super) teams: Vec<i64>,
    pub(super) writers: Vec<Writer>,
    pub(super) bets: Vec<Bet>,
    /// Reports not yet corrected, with their bet.
    pub(super) reports: Vec<(i64, i64)>,
    /// Drafts in `as_of` order (rounds are always created with a later `as_of`).
    pub(super) drafts: Vec<Draft>,
    /// The next round's `as_of`, in days before now; it only decreases.
    pub(super) next_days_ago: i64,
    pub(super) committed: usize,
    pub(super) crashes: usize,
    pub(super) keys: u64,
    pub(super) market: Market,
}

impl Sim {
    pub(super) fn api(&self) -> Api {
        self.server.api.clone()
    }

    pub(super) async fn as_admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.api()
            .call(method, path, Some(&self.admin), body.as_ref())
            .await
    }

    pub(super) fn restart(&mut self) {
        self.server.kill();
        self.server = Server::start(&self.database_url);
        self.crashes += 1;
    }

    /// The bet statuses the server holds (rounds kill bets).
    pub(super) fn refresh_statuses(&mut self) {
        let statuses = bet_statuses(&mut self.conn);
        for bet in &mut self.bets {
            bet.status = statuses[&bet.id].clone();
        }
    }

    pub(super) fn open_bets_of(&self, writer: &Writer) -> Vec<Bet> {
        self.bets
            .iter()
            .filter(|b| writer.team.is_none_or(|t| t == b.team))
            .cloned()
            .collect()
    }

    pub(super) fn next_key(&mut self) -> String {
        self.keys += 1;
        format!("sim-{}", self.keys)
    }

    /// A value near the bet's baseline or threshold, observed shortly before the next round.
    pub(super) fn observation(&mut self, bet: &Bet) -> Value {
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

    pub(super) async fn step(&mut self, n: usize) {
        let name = self.roll();
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
            "crash" => {
                self.restart();
                check_books(&self.api(), &self.admin, &mut self.conn).await;
            }
            _ => self.market_step(name).await,
        }
    }

    /// Weights, out of 150: the first 100 as before the market (mostly reports; rounds often
    /// enough for a dozen commits per run), the last 50 the market's (mostly requests moving
    /// along; a billing run every few dozen steps, so a run bills a dozen periods or more).
    fn roll(&mut self) -> &'static str {
        match self.rng.below(150) {
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
            97..=99 => "crash",
            100..=103 => "subscribe",
            104..=105 => "cancel subscription",
            106..=113 => "file request",
            114..=120 => "quote",
            121..=127 => "accept",
            128..=129 => "raise",
            130 => "withdraw",
            131 => "decline",
            132..=133 => "cancel request",
            134..=139 => "deliver",
            140..=142 => "billing run",
            143..=144 => "crash during billing commit",
            145..=146 => "crash during delivery",
            147..=148 => "crash during acceptance",
            _ => "overdraft limit",
        }
    }

    async fn market_step(&mut self, name: &str) {
        match name {
            "subscribe" => self.subscribe().await,
            "cancel subscription" => self.cancel_subscription().await,
            "file request" => self.file_request().await,
            "quote" => self.quote().await,
            "accept" => self.accept().await,
            "raise" => self.raise().await,
            "withdraw" => self.withdraw().await,
            "decline" => self.decline().await,
            "cancel request" => self.cancel_request().await,
            "deliver" => self.deliver().await,
            "billing run" => self.bill(false).await,
            "crash during billing commit" => self.bill(true).await,
            "crash during delivery" => self.deliver_through_a_crash().await,
            "crash during acceptance" => self.accept_through_a_crash().await,
            "overdraft limit" => self.set_overdraft().await,
            other => unreachable!("no step {other}"),
        }
    }
}
