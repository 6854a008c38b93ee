//! What the clients send while the server is killed: rows, requests, their outcomes.

use crate::harness::{Api, Rng, at, exact_f64};
use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// One report as sent.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub(super) bet: i64,
    pub(super) key: String,
    pub(super) value: f64,
    pub(super) observed_at: String,
}

/// One request: a single report or a batch, by one user.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub(super) token: String,
    pub(super) single: bool,
    pub(super) rows: Vec<Row>,
}

impl Request {
    pub(super) fn path(&self) -> String {
        if self.single {
            format!("/api/v1/bets/{}/reports", self.rows[0].bet)
        } else {
            "/api/v1/reports/batch".to_owned()
        }
    }

    pub(super) fn body(&self) -> Value {
        let row = |r: &Row| json!({"value": r.value, "observed_at": r.observed_at, "idempotency_key": r.key});
        if self.single {
            row(&self.rows[0])
        } else {
            let rows: Vec<Value> = self
                .rows
                .iter()
                .map(|r| {
                    let mut v = row(r);
                    v["bet_id"] = json!(r.bet);
                    v
                })
                .collect();
            json!({ "reports": rows })
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Outcome {
    /// 201: the ids of the stored reports, one per row in order.
    Acknowledged(Vec<i64>),
    /// Answered, but not with 201 (only 503 "busy" is acceptable under this load).
    Refused(u16, Value),
    /// No answer: the server died first.
    NoAnswer,
}

#[derive(Debug, Clone)]
pub(super) struct Sent {
    pub(super) request: Request,
    pub(super) outcome: Outcome,
}

/// Someone who reports, and the bets they report on.
#[derive(Clone)]
pub(super) struct Writer {
    pub(super) token: String,
    pub(super) bets: Vec<i64>,
}

impl Writer {
    pub(super) fn request(&self, rng: &mut Rng, key_prefix: &str) -> Request {
        let single = rng.chance(0.5);
        let n = if single {
            1
        } else {
            usize::try_from(rng.range(2, 40)).unwrap()
        };
        let now = Utc::now();
        let rows = (0..n)
            .map(|i| Row {
                bet: *rng.pick(&self.bets),
                key: format!("{key_prefix}-r{i}"),
                // Quarter units: exact in binary, so equality after the round trip is exact.
                value: exact_f64(rng.range(0, 399_999)) / 4.0,
                observed_at: at(now - chrono::Duration::seconds(rng.range(60, 300 * 86_400))),
            })
            .collect();
        Request {
            token: self.token.clone(),
            single,
            rows,
        }
    }
}

pub(super) async fn send(api: &Api, request: &Request) -> Outcome {
    let body = request.body();
    match api
        .try_call(
            Method::POST,
            &request.path(),
            Some(&request.token),
            Some(&body),
        )
        .await
    {
        Err(_) => Outcome::NoAnswer,
        Ok(reply) if reply.status == 201 => Outcome::Acknowledged(if request.single {
            vec![reply.id()]
        } else {
            reply.body["reports"]
                .as_array()
                .expect("a batch answer lists its reports")
                .iter()
                .map(|r| r["id"].as_i64().expect("an id"))
                .collect()
        }),
        Ok(reply) => Outcome::Refused(reply.status.as_u16(), reply.body),
    }
}

/// Reports until the server stops answering.
pub(super) async fn client(
    api: Api,
    writer: Writer,
    prefix: String,
    mut rng: Rng,
    log: Arc<Mutex<Vec<Sent>>>,
) {
    for n in 0..1_000_000 {
        let request = writer.request(&mut rng, &format!("{prefix}-n{n}"));
        let outcome = send(&api, &request).await;
        let stop = matches!(outcome, Outcome::NoAnswer);
        log.lock().unwrap().push(Sent { request, outcome });
        if stop {
            break;
        }
    }
}
