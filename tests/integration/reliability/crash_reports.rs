//! Crash: every report the server acknowledged survives a SIGKILL, exactly once, and every
//! request it did not acknowledge can be retried (same key, same body) and is then stored
//! exactly once.
//!
//! Four clients report as fast as they can (single reports and batches, each row with a unique
//! idempotency key) while the server is killed at a random moment. The server restarts on the
//! same database, and the test compares what was acknowledged with what is stored.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::reports::Report;
use horserace::db::schema::reports;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, Rng, SeedGuard, Server, at, connect, seed_from_env};
use crate::harness::spawn_app;

/// Kill-and-restart cycles; `HORSERACE_CRASH_ITERATIONS` runs more.
const ITERATIONS: usize = 10;
const CLIENTS: usize = 4;

/// One report as sent.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    bet: i64,
    key: String,
    value: f64,
    observed_at: String,
}

/// One request: a single report or a batch, by one user.
#[derive(Debug, Clone)]
struct Request {
    token: String,
    single: bool,
    rows: Vec<Row>,
}

impl Request {
    fn path(&self) -> String {
        if self.single {
            format!("/api/v1/bets/{}/reports", self.rows[0].bet)
        } else {
            "/api/v1/reports/batch".to_owned()
        }
    }

    fn body(&self) -> Value {
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
enum Outcome {
    /// 201: the ids of the stored reports, one per row in order.
    Acknowledged(Vec<i64>),
    /// Answered, but not with 201 (only 503 "busy" is acceptable under this load).
    Refused(u16, Value),
    /// No answer: the server died first.
    NoAnswer,
}

#[derive(Debug, Clone)]
struct Sent {
    request: Request,
    outcome: Outcome,
}

/// Someone who reports, and the bets they report on.
#[derive(Clone)]
struct Writer {
    token: String,
    bets: Vec<i64>,
}

impl Writer {
    fn request(&self, rng: &mut Rng, key_prefix: &str) -> Request {
        let single = rng.chance(0.5);
        let n = if single { 1 } else { rng.range(2, 40) as usize };
        let now = Utc::now();
        let rows = (0..n)
            .map(|i| Row {
                bet: *rng.pick(&self.bets),
                key: format!("{key_prefix}-r{i}"),
                // Quarter units: exact in binary, so equality after the round trip is exact.
                value: rng.below(400_000) as f64 / 4.0,
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

async fn send(api: &Api, request: &Request) -> Outcome {
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
async fn client(
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

/// The stored reports whose key starts with `prefix`, by (bet, key).
fn stored(conn: &mut DbConnection, prefix: &str) -> BTreeMap<(i64, String), Vec<Report>> {
    let rows: Vec<Report> = reports::table
        .filter(reports::idempotency_key.like(format!("{prefix}%")))
        .select(Report::as_select())
        .load(conn)
        .expect("load reports");
    let mut by_key: BTreeMap<(i64, String), Vec<Report>> = BTreeMap::new();
    for r in rows {
        let key = r.idempotency_key.clone().expect("a key");
        by_key.entry((r.bet_id, key)).or_default().push(r);
    }
    by_key
}

fn matches_row(stored: &Report, row: &Row) -> bool {
    stored.value == row.value && at(stored.observed_at.and_utc()) == row.observed_at
}

/// What the database holds must be exactly what was acknowledged, plus whole unacknowledged
/// requests, and nothing else.
fn check_after_crash(conn: &mut DbConnection, prefix: &str, sent: &[Sent]) {
    let stored = stored(conn, prefix);
    let mut expected: BTreeMap<(i64, String), &Row> = BTreeMap::new();
    for s in sent {
        for row in &s.request.rows {
            expected.insert((row.bet, row.key.clone()), row);
        }
    }
    for ((bet, key), rows) in &stored {
        assert_eq!(
            rows.len(),
            1,
            "bet {bet} key {key} is stored {} times",
            rows.len()
        );
        let row = expected
            .get(&(*bet, key.clone()))
            .unwrap_or_else(|| panic!("bet {bet} key {key} is stored but was never sent"));
        assert!(
            matches_row(&rows[0], row),
            "bet {bet} key {key}: stored {:?}, sent {row:?}",
            rows[0]
        );
    }
    for s in sent {
        let present: Vec<bool> = s
            .request
            .rows
            .iter()
            .map(|r| stored.contains_key(&(r.bet, r.key.clone())))
            .collect();
        match &s.outcome {
            Outcome::Acknowledged(ids) => {
                for (row, id) in s.request.rows.iter().zip(ids) {
                    let found = stored.get(&(row.bet, row.key.clone())).unwrap_or_else(|| {
                        panic!(
                            "acknowledged report {id} (bet {} key {}) was lost",
                            row.bet, row.key
                        )
                    });
                    assert_eq!(
                        found[0].id, *id,
                        "key {} is stored under another id",
                        row.key
                    );
                }
            }
            Outcome::Refused(status, body) => {
                assert_eq!(*status, 503, "a valid report was refused: {body}");
                assert!(
                    present.iter().all(|p| !p),
                    "a refused request was stored: {body}"
                );
            }
            Outcome::NoAnswer => assert!(
                present.iter().all(|p| *p) || present.iter().all(|p| !p),
                "an unacknowledged batch was stored in part: {present:?}"
            ),
        }
    }
}

/// Sends every unacknowledged request again and checks it is stored exactly once: replayed if
/// it had been stored before the crash, stored now if not.
async fn retry_unacknowledged(
    api: &Api,
    conn: &mut DbConnection,
    prefix: &str,
    sent: &[Sent],
) -> usize {
    let before = stored(conn, prefix);
    let mut replayed_rows = 0;
    for s in sent
        .iter()
        .filter(|s| !matches!(s.outcome, Outcome::Acknowledged(_)))
    {
        let was_stored =
            before.contains_key(&(s.request.rows[0].bet, s.request.rows[0].key.clone()));
        let reply = api
            .call(
                Method::POST,
                &s.request.path(),
                Some(&s.request.token),
                Some(&s.request.body()),
            )
            .await
            .expect(201);
        if s.request.single {
            assert_eq!(
                reply.headers.get("idempotent-replayed").is_some(),
                was_stored,
                "a retry replays exactly when the first attempt was stored"
            );
            if was_stored {
                let row = &s.request.rows[0];
                assert_eq!(reply.id(), before[&(row.bet, row.key.clone())][0].id);
            }
        } else {
            let n = s.request.rows.len() as i64;
            let (stored_now, replayed) = if was_stored { (0, n) } else { (n, 0) };
            assert_eq!(reply.body["stored"], stored_now, "{}", reply.body);
            assert_eq!(reply.body["replayed"], replayed, "{}", reply.body);
        }
        if was_stored {
            replayed_rows += s.request.rows.len();
        }
    }
    replayed_rows
}

/// After the retries every row sent is stored exactly once, and the API shows the same.
async fn check_all_stored_once(
    api: &Api,
    admin: &str,
    conn: &mut DbConnection,
    prefix: &str,
    sent: &[Sent],
    bets: &[i64],
) {
    let stored = stored(conn, prefix);
    let sent_keys: BTreeSet<(i64, String)> = sent
        .iter()
        .flat_map(|s| s.request.rows.iter().map(|r| (r.bet, r.key.clone())))
        .collect();
    let stored_keys: BTreeSet<(i64, String)> = stored.keys().cloned().collect();
    assert_eq!(
        stored_keys, sent_keys,
        "after the retries, every report sent is stored"
    );
    assert!(stored.values().all(|rows| rows.len() == 1));

    // The API's view: page through each bet's history.
    for &bet in bets {
        let mut seen = BTreeSet::new();
        let mut page = 1;
        loop {
            let reply = api
                .get(
                    &format!("/api/v1/bets/{bet}/reports?per_page=500&page={page}"),
                    admin,
                )
                .await
                .expect(200);
            let items = reply.body["items"].as_array().unwrap().clone();
            for item in &items {
                if let Some(key) = item["idempotency_key"]
                    .as_str()
                    .filter(|k| k.starts_with(prefix))
                {
                    assert!(seen.insert(key.to_owned()), "the API lists key {key} twice");
                }
            }
            if items.len() < 500 {
                break;
            }
            page += 1;
        }
        let expected: BTreeSet<String> = sent_keys
            .iter()
            .filter(|(b, _)| *b == bet)
            .map(|(_, k)| k.clone())
            .collect();
        assert_eq!(
            seen, expected,
            "the API shows bet {bet}'s reports exactly once each"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_reports_survive_sigkill_exactly_once() {
    let seed = seed_from_env("HORSERACE_CRASH_SEED");
    let _guard = SeedGuard {
        var: "HORSERACE_CRASH_SEED",
        seed,
    };
    let iterations = std::env::var("HORSERACE_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ITERATIONS);
    let mut rng = Rng::new(seed);

    // The world is built in-process; the crashes happen to child processes on its database.
    let app = spawn_app().await;
    let w = app.world().await;
    let bets = [w.bet_a, w.bet_b, w.partner_bet];
    let writers = [
        Writer {
            token: w.member_a.clone(),
            bets: vec![w.bet_a],
        },
        Writer {
            token: w.member_b.clone(),
            bets: vec![w.bet_b],
        },
        Writer {
            token: w.partner.clone(),
            bets: vec![w.partner_bet],
        },
        Writer {
            token: app.admin.clone(),
            bets: bets.to_vec(),
        },
    ];
    let mut conn = connect(&app.database_url);
    let mut server = Server::start(&app.database_url);

    for iteration in 0..iterations {
        let prefix = format!("i{iteration}-");
        let log = Arc::new(Mutex::new(Vec::new()));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                tokio::spawn(client(
                    server.api.clone(),
                    writers[c % writers.len()].clone(),
                    format!("{prefix}c{c}"),
                    Rng::new(rng.next_u64()),
                    Arc::clone(&log),
                ))
            })
            .collect();
        let kill_after = Duration::from_millis(rng.range(20, 1_500) as u64);
        tokio::time::sleep(kill_after).await;
        server.kill();
        for c in clients {
            c.await.expect("a client finishes");
        }
        let sent = log.lock().unwrap().clone();

        server = Server::start(&app.database_url);
        check_after_crash(&mut conn, &prefix, &sent);
        let replayed = retry_unacknowledged(&server.api, &mut conn, &prefix, &sent).await;
        check_all_stored_once(&server.api, &app.admin, &mut conn, &prefix, &sent, &bets).await;

        // Acknowledged requests sent again are replays of what was stored.
        for s in sent
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Acknowledged(_)))
            .take(20)
        {
            let Outcome::Acknowledged(ids) = &s.outcome else {
                unreachable!()
            };
            let reply = server
                .api
                .call(
                    Method::POST,
                    &s.request.path(),
                    Some(&s.request.token),
                    Some(&s.request.body()),
                )
                .await
                .expect(201);
            if s.request.single {
                assert_eq!(reply.headers["idempotent-replayed"], "true");
                assert_eq!(reply.id(), ids[0]);
            } else {
                assert_eq!(reply.body["stored"], 0);
            }
        }

        let acknowledged = sent
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Acknowledged(_)))
            .count();
        println!(
            "iteration {iteration}: killed after {kill_after:?}; {} requests ({} rows), {acknowledged} acknowledged, \
             {} rows stored but unacknowledged (replayed on retry)",
            sent.len(),
            sent.iter().map(|s| s.request.rows.len()).sum::<usize>(),
            replayed
        );
    }
}
