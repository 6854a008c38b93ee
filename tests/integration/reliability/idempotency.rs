//! The idempotency matrix: single reports, corrections and batches; replays, conflicts,
//! concurrency and the scope of a key. A replay answers what the first request answered and
//! writes nothing (not even an audit row); a conflict answers 409 and writes nothing.

use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::schema::reports;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, connect, fingerprint, fingerprint_diff};
use crate::harness::{Reply, TestApp, World, spawn_app};

/// How many stored reports of `bet` carry `key`.
fn rows_with_key(conn: &mut DbConnection, bet: i64, key: &str) -> i64 {
    reports::table
        .filter(reports::bet_id.eq(bet))
        .filter(reports::idempotency_key.eq(key))
        .count()
        .get_result(conn)
        .expect("count reports")
}

/// Runs `request` and checks that it changed nothing stored.
async fn writes_nothing<F: std::future::Future<Output = Reply>>(
    conn: &mut DbConnection,
    request: F,
) -> Reply {
    let before = fingerprint(conn);
    let reply = request.await;
    let changed = fingerprint_diff(&before, &fingerprint(conn));
    assert!(
        changed.is_empty(),
        "the request wrote {changed:?}; answer: {} {}",
        reply.status,
        reply.body
    );
    reply
}

async fn setup() -> (TestApp, World, DbConnection) {
    let app = spawn_app().await;
    let w = app.world().await;
    let conn = connect(&app.database_url);
    (app, w, conn)
}

fn reports_path(bet: i64) -> String {
    format!("/api/v1/bets/{bet}/reports")
}

#[tokio::test]
async fn the_same_key_and_body_replays_the_first_answer_and_writes_nothing() {
    let (app, w, mut conn) = setup().await;
    for body in [
        json!({"value": 101.5, "observed_at": "2026-03-01T00:00:00Z", "source": "export", "idempotency_key": "k-full"}),
        // Defaults (observed_at = now) are part of the request as sent, not as stored.
        json!({"value": 101.5, "idempotency_key": "k-defaults"}),
    ] {
        let key = body["idempotency_key"].as_str().unwrap();
        let first = app
            .report(&w.member_a, w.bet_a, body.clone())
            .await
            .expect(201);
        assert!(
            first.headers.get("idempotent-replayed").is_none(),
            "a first request is no replay"
        );
        for _ in 0..3 {
            let again = writes_nothing(&mut conn, app.report(&w.member_a, w.bet_a, body.clone()))
                .await
                .expect(201);
            assert_eq!(again.body, first.body, "a replay answers the same body");
            assert_eq!(again.headers["idempotent-replayed"], "true");
        }
        assert_eq!(rows_with_key(&mut conn, w.bet_a, key), 1);
    }
    // Another writer of the same team retrying the same request gets the same report.
    let body =
        json!({"value": 3.0, "observed_at": "2026-03-02T00:00:00Z", "idempotency_key": "k-shared"});
    let first = app
        .report(&w.member_a, w.bet_a, body.clone())
        .await
        .expect(201);
    let by_committee = writes_nothing(&mut conn, app.report(&app.admin, w.bet_a, body))
        .await
        .expect(201);
    assert_eq!(by_committee.body, first.body);
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_a_409_and_writes_nothing() {
    let (app, w, mut conn) = setup().await;
    let original = json!({"value": 10.0, "observed_at": "2026-03-01T00:00:00Z", "source": "a", "idempotency_key": "k"});
    let first = app.report(&w.member_a, w.bet_a, original).await.expect(201);
    let variants = [
        (
            "value",
            json!({"value": 10.25, "observed_at": "2026-03-01T00:00:00Z", "source": "a", "idempotency_key": "k"}),
        ),
        (
            "observed_at",
            json!({"value": 10.0, "observed_at": "2026-03-01T00:00:01Z", "source": "a", "idempotency_key": "k"}),
        ),
        (
            "source",
            json!({"value": 10.0, "observed_at": "2026-03-01T00:00:00Z", "source": "b", "idempotency_key": "k"}),
        ),
        (
            "no source",
            json!({"value": 10.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "k"}),
        ),
        (
            "default instant",
            json!({"value": 10.0, "source": "a", "idempotency_key": "k"}),
        ),
    ];
    for (what, body) in variants {
        let reply = writes_nothing(&mut conn, app.report(&w.member_a, w.bet_a, body)).await;
        assert_eq!(reply.status, 409, "{what}: {}", reply.body);
        assert_eq!(reply.code(), "idempotency_conflict", "{what}");
        assert_eq!(reply.body["error"]["field"], "idempotency_key", "{what}");
    }
    // The same instant written another way is the same request.
    let same_instant = json!({"value": 10.0, "observed_at": "2026-03-01T01:00:00+01:00", "source": "a", "idempotency_key": "k"});
    let replay = writes_nothing(&mut conn, app.report(&w.member_a, w.bet_a, same_instant))
        .await
        .expect(201);
    assert_eq!(replay.body, first.body);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "k"), 1);
}

/// Many clients sending one request at once: one row, and every one of them gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_store_one_report() {
    let (app, w, mut conn) = setup().await;
    let api = Api::of(&app);
    let single =
        json!({"value": 7.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "race"});
    let batch = json!({"reports": (0..50).map(|i| json!({"bet_id": w.bet_a, "value": i, "observed_at": "2026-03-02T00:00:00Z", "idempotency_key": format!("race-{i}")})).collect::<Vec<_>>()});
    for (path, body) in [
        (reports_path(w.bet_a), single),
        ("/api/v1/reports/batch".to_owned(), batch),
    ] {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (api, path, body, token) =
                    (api.clone(), path.clone(), body.clone(), w.member_a.clone());
                tokio::spawn(async move {
                    api.call(Method::POST, &path, Some(&token), Some(&body))
                        .await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap().expect(201));
        }
        let first_body = |r: &Reply| {
            if r.body.get("reports").is_some() {
                r.body["reports"].clone()
            } else {
                r.body.clone()
            }
        };
        let fresh = answers
            .iter()
            .filter(|r| {
                r.headers.get("idempotent-replayed").is_none()
                    && r.body.get("replayed").is_none_or(|n| n == 0)
            })
            .count();
        assert_eq!(fresh, 1, "exactly one request stored, the others replayed");
        for a in &answers {
            assert_eq!(
                first_body(a),
                first_body(&answers[0]),
                "all got the same reports"
            );
        }
    }
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "race"), 1);
    for i in 0..50 {
        assert_eq!(rows_with_key(&mut conn, w.bet_a, &format!("race-{i}")), 1);
    }
}

#[tokio::test]
async fn a_key_is_scoped_to_its_bet() {
    let (app, w, mut conn) = setup().await;
    let body = json!({"value": 5.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "shared-key"});
    let a = app
        .report(&w.member_a, w.bet_a, body.clone())
        .await
        .expect(201);
    // Another team's bet, a partner's bet, and another bet of the same team may use the key;
    // none of them learns that it is used elsewhere.
    let b = app
        .report(&w.member_b, w.bet_b, body.clone())
        .await
        .expect(201);
    let p = app
        .report(&w.partner, w.partner_bet, body.clone())
        .await
        .expect(201);
    let second_a = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Second bet of A")
        .await;
    let a2 = app
        .report(&w.member_a, second_a, body.clone())
        .await
        .expect(201);
    for r in [&b, &p, &a2] {
        assert!(r.headers.get("idempotent-replayed").is_none());
        assert_ne!(r.id(), a.id());
    }
    // Different content under the same key is fine on another bet.
    app.report(
        &w.member_b,
        w.bet_b,
        json!({"value": 6.0, "idempotency_key": "other-key"}),
    )
    .await
    .expect(201);
    app.report(
        &w.member_a,
        w.bet_a,
        json!({"value": 6.0, "idempotency_key": "other-key"}),
    )
    .await
    .expect(201);
    // Each bet replays its own.
    let again = app.report(&w.member_b, w.bet_b, body).await.expect(201);
    assert_eq!(again.body, b.body);
    for bet in [w.bet_a, w.bet_b, w.partner_bet, second_a] {
        assert_eq!(rows_with_key(&mut conn, bet, "shared-key"), 1);
    }
    // The same key for two bets inside one batch: two reports.
    let reply = app
        .post(
            "/api/v1/reports/batch",
            &app.admin,
            json!({"reports": [
            {"bet_id": w.bet_a, "value": 1.0, "idempotency_key": "batch-shared"},
            {"bet_id": w.bet_b, "value": 1.0, "idempotency_key": "batch-shared"}]}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["stored"], 2);
}

#[tokio::test]
async fn batches_replay_and_conflict_row_by_row_and_all_or_nothing() {
    let (app, w, mut conn) = setup().await;
    let row = |key: &str, value: f64| json!({"bet_id": w.bet_a, "value": value, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": key});
    let batch = |rows: Vec<Value>| json!({ "reports": rows });
    let post = |body: Value| app.post("/api/v1/reports/batch", &w.member_a, body);

    // A key twice in one batch with the same content: stored once, both rows name it.
    let reply = post(batch(vec![
        row("d-1", 1.0),
        row("d-1", 1.0),
        row("d-2", 2.0),
    ]))
    .await
    .expect(201);
    assert_eq!(
        (
            reply.body["stored"].as_i64(),
            reply.body["replayed"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(reply.body["reports"][0], reply.body["reports"][1]);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "d-1"), 1);

    // A key twice in one batch with different content: refused whole, the row named.
    let reply = writes_nothing(
        &mut conn,
        post(batch(vec![
            row("e-1", 1.0),
            row("e-2", 2.0),
            row("e-1", 1.5),
        ])),
    )
    .await
    .expect(409);
    assert_eq!(reply.code(), "invalid_batch");
    assert_eq!(reply.body["error"]["details"][0]["index"], 2);
    assert_eq!(
        reply.body["error"]["details"][0]["code"],
        "idempotency_conflict"
    );

    // The same batch again: every row a replay of what was stored, nothing new.
    let first = post(batch(vec![row("f-1", 1.0), row("f-2", 2.0)]))
        .await
        .expect(201);
    let again = writes_nothing(
        &mut conn,
        post(batch(vec![row("f-1", 1.0), row("f-2", 2.0)])),
    )
    .await
    .expect(201);
    assert_eq!(
        (
            again.body["stored"].as_i64(),
            again.body["replayed"].as_i64()
        ),
        (Some(0), Some(2))
    );
    assert_eq!(again.body["reports"], first.body["reports"]);

    // Stored keys mixed with new ones: only the new are stored.
    let mixed = post(batch(vec![
        row("f-2", 2.0),
        row("g-1", 3.0),
        row("f-1", 1.0),
    ]))
    .await
    .expect(201);
    assert_eq!(
        (
            mixed.body["stored"].as_i64(),
            mixed.body["replayed"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(mixed.body["reports"][0], first.body["reports"][1]);
    assert_eq!(mixed.body["reports"][2], first.body["reports"][0]);

    // A stored key with different content refuses the whole batch, new rows included.
    let reply = writes_nothing(
        &mut conn,
        post(batch(vec![row("h-1", 1.0), row("f-1", 9.0)])),
    )
    .await
    .expect(409);
    assert_eq!(reply.body["error"]["details"][0]["index"], 1);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "h-1"), 0);

    // Single and batch are the same request when they say the same thing.
    let single = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 4.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "s-1"}),
        )
        .await
        .expect(201);
    let as_batch = writes_nothing(&mut conn, post(batch(vec![row("s-1", 4.0)])))
        .await
        .expect(201);
    assert_eq!(as_batch.body["reports"][0], single.body);
    let batched = post(batch(vec![row("s-2", 5.0)])).await.expect(201);
    let as_single = writes_nothing(
        &mut conn,
        app.report(
            &w.member_a,
            w.bet_a,
            json!({"value": 5.0, "observed_at": "2026-03-01T00:00:00Z", "idempotency_key": "s-2"}),
        ),
    )
    .await
    .expect(201);
    assert_eq!(as_single.body, batched.body["reports"][0]);
    assert_eq!(as_single.headers["idempotent-replayed"], "true");
}

#[tokio::test]
async fn a_correction_key_conflicts_with_other_content_on_its_bet() {
    let (app, w, mut conn) = setup().await;
    let report = |value: f64| {
        app.report(
            &w.member_a,
            w.bet_a,
            json!({"value": value, "observed_at": "2026-03-01T00:00:00Z"}),
        )
    };
    let x = report(1.0).await.expect(201).id();
    let y = report(2.0).await.expect(201).id();
    let body = json!({"value": 1.5, "source": "fix", "idempotency_key": "c-1"});
    app.post(
        &format!("/api/v1/reports/{x}/corrections"),
        &w.member_a,
        body.clone(),
    )
    .await
    .expect(201);
    // The key now names that correction: correcting another report with it is a conflict, and
    // so is a plain report with it.
    let reply = writes_nothing(
        &mut conn,
        app.post(
            &format!("/api/v1/reports/{y}/corrections"),
            &w.member_a,
            body.clone(),
        ),
    )
    .await
    .expect(409);
    assert_eq!(reply.code(), "idempotency_conflict");
    let reply = writes_nothing(
        &mut conn,
        app.report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1.5, "source": "fix", "idempotency_key": "c-1"}),
        ),
    )
    .await
    .expect(409);
    assert_eq!(reply.code(), "idempotency_conflict");
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "c-1"), 1);
}

#[tokio::test]
async fn a_retried_correction_replays_the_first() {
    let (app, w, mut conn) = setup().await;
    let wrong = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1000.0, "observed_at": "2026-02-01T00:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/reports/{wrong}/corrections");
    let body = json!({"value": 100.0, "source": "typo", "idempotency_key": "fix-1"});
    let first = app.post(&path, &w.member_a, body.clone()).await.expect(201);
    let again = writes_nothing(&mut conn, app.post(&path, &w.member_a, body)).await;
    assert_eq!(
        again.status, 201,
        "a retried correction replays: {}",
        again.body
    );
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "fix-1"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_corrections_with_one_key_store_one_and_answer_it_to_all() {
    let (app, w, mut conn) = setup().await;
    let api = Api::of(&app);
    let wrong = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1000.0, "observed_at": "2026-02-01T00:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let body = json!({"value": 100.0, "idempotency_key": "fix-race"});
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (api, body, token) = (api.clone(), body.clone(), w.member_a.clone());
            tokio::spawn(async move {
                api.post(
                    &format!("/api/v1/reports/{wrong}/corrections"),
                    &token,
                    body,
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().expect(201).id());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(rows_with_key(&mut conn, w.bet_a, "fix-race"), 1);
}

#[tokio::test]
async fn a_retry_after_the_bet_was_closed_still_replays() {
    let (app, w, mut conn) = setup().await;
    let body = json!({"value": 1.0, "observed_at": "2026-02-01T00:00:00Z", "idempotency_key": "late-retry"});
    let first = app
        .report(&w.member_a, w.bet_a, body.clone())
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/bets/{}/kill", w.bet_a),
        &app.admin,
        json!({"reason": "Stopped"}),
    )
    .await
    .expect(200);
    let again = writes_nothing(&mut conn, app.report(&w.member_a, w.bet_a, body)).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body, first.body);
    // A new report on the closed bet is still refused.
    app.report(
        &w.member_a,
        w.bet_a,
        json!({"value": 2.0, "idempotency_key": "too-late"}),
    )
    .await
    .expect(403);
}
