//! Every kind of bad input gets a 4xx with the error envelope, and writes nothing.

use serde_json::json;

use crate::harness::{Reply, spawn_app};

#[track_caller]
fn assert_envelope(reply: &Reply, status: u16) {
    assert_eq!(reply.status.as_u16(), status, "body: {}", reply.body);
    assert!(
        reply.body["error"]["code"].is_string(),
        "no error code in {}",
        reply.body
    );
    assert!(
        reply.body["error"]["message"].is_string(),
        "no message in {}",
        reply.body
    );
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let w = app.world().await;
    let path = format!("/api/v1/bets/{}/reports", w.bet_a);
    for body in [
        "{",
        "{\"value\": 1,",
        "not json",
        "{\"value\": NaN}",
        "{\"value\": Infinity}",
        "{\"value\": -Infinity}",
        "{\"value\": \"NaN\"}",
        "{\"value\": 1e400}",
        "[]",
        "{\"value\": 1, \"value\": 2}",
        "",
    ] {
        let reply = app.post_raw(&path, &w.member_a, body.to_owned()).await;
        assert_envelope(&reply, 400);
    }
    let reply = app
        .client
        .post(app.url(&path))
        .bearer_auth(&w.member_a)
        .header("content-type", "text/plain")
        .body("{\"value\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 415);
    let total = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
        .await
        .expect(200);
    assert_eq!(total.body["total"], 0);
}

#[tokio::test]
async fn unknown_fields_are_refused_and_named() {
    let app = spawn_app().await;
    let w = app.world().await;
    let reply = app
        .post(
            "/api/v1/bets",
            &w.member_a,
            json!({
                "arena_id": w.arena, "title": "Sneaky", "status": "active",
                "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0
            }),
        )
        .await;
    assert_envelope(&reply, 400);
    assert_eq!(reply.body["error"]["field"], "status");
    let reply = app
        .report(
            &w.member_a,
            w.bet_a,
            json!({"value": 1.0, "grant": 1_000_000}),
        )
        .await;
    assert_envelope(&reply, 400);
    assert_eq!(reply.body["error"]["field"], "grant");
}

#[tokio::test]
async fn bad_names_are_422_with_their_field() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({"name": "", "kind": "internal"}), "name"),
        (json!({"name": "   ", "kind": "internal"}), "name"),
        (json!({"name": "x".repeat(101), "kind": "internal"}), "name"),
        (json!({"name": "tab\there", "kind": "internal"}), "name"),
        (
            json!({"name": "ok", "kind": "internal", "max_members": 0}),
            "max_members",
        ),
    ] {
        let reply = app.post("/api/v1/teams", &app.admin, body).await;
        assert_envelope(&reply, 422);
        assert_eq!(reply.body["error"]["field"], field);
    }
    let reply = app
        .post(
            "/api/v1/teams",
            &app.admin,
            json!({"name": "ok", "kind": "alien"}),
        )
        .await;
    assert_envelope(&reply, 400);
    let teams = app.get("/api/v1/teams", &app.admin).await.expect(200);
    assert_eq!(
        teams.body.as_array().unwrap().len(),
        0,
        "nothing was written"
    );
}

#[tokio::test]
async fn bad_bets_are_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let bet = |title: &str, baseline: serde_json::Value, extra: serde_json::Value| {
        let mut body = json!({
            "arena_id": w.arena, "title": title,
            "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": baseline
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, status, field) in [
        (bet("", json!(1.0), json!({})), 422, "title"),
        (
            bet("ok", json!(1.0), json!({"seed_request": -5})),
            422,
            "seed_request",
        ),
        (
            bet("ok", json!(1.0), json!({"seed_request": 10_i64.pow(16)})),
            422,
            "seed_request",
        ),
        (
            bet("ok", json!(1.0), json!({"thresholds": [{"target": 0.5}]})),
            422,
            "thresholds[0].target",
        ),
        (
            bet("ok", json!(1.0), json!({"arena_id": 4242})),
            422,
            "arena_id",
        ),
        (
            bet(
                "ok",
                json!(1.0),
                json!({"metric": {"name": "", "unit": "u", "direction": "higher_is_better"}}),
            ),
            422,
            "metric.name",
        ),
        (bet("ok", json!("1.0"), json!({})), 400, ""),
    ] {
        let reply = app.post("/api/v1/bets", &w.member_a, body).await;
        assert_envelope(&reply, status);
        if !field.is_empty() {
            assert_eq!(reply.body["error"]["field"], field);
        }
    }
    let bets = app.get("/api/v1/bets", &app.admin).await.expect(200);
    assert_eq!(bets.body["total"], 3, "nothing was written");
}

#[tokio::test]
async fn bad_reports_are_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    for (body, field) in [
        (
            json!({"value": 1.0, "observed_at": "2999-01-01T00:00:00Z"}),
            "observed_at",
        ),
        (
            json!({"value": 1.0, "observed_at": "1969-12-31T23:59:59Z"}),
            "observed_at",
        ),
        (
            json!({"value": 1.0, "observed_at": "+10000-01-01T00:00:00Z"}),
            "observed_at",
        ),
        (
            json!({"value": 1.0, "observed_at": "2026-01-01T00:00:00+14:00"}),
            "observed_at_ok",
        ),
        (
            json!({"value": 1.0, "idempotency_key": ""}),
            "idempotency_key",
        ),
        (
            json!({"value": 1.0, "idempotency_key": "has space"}),
            "idempotency_key",
        ),
        (json!({"value": 1.0, "source": "x".repeat(501)}), "source"),
    ] {
        let reply = app.report(&w.member_a, w.bet_a, body).await;
        if field == "observed_at_ok" {
            // An odd offset is fine: it is converted to UTC.
            assert_eq!(
                reply.expect(201).body["observed_at"],
                "2025-12-31T10:00:00Z"
            );
            continue;
        }
        assert_envelope(&reply, 422);
        assert_eq!(reply.body["error"]["field"], field);
    }
    for body in [
        json!({"value": 1.0, "observed_at": "yesterday"}),
        json!({"value": 1.0, "observed_at": "2026-13-01T00:00:00Z"}),
        json!({"observed_at": "2026-01-01T00:00:00Z"}),
    ] {
        let reply = app.report(&w.member_a, w.bet_a, body).await;
        assert_envelope(&reply, 400);
    }
    let reply = app
        .report(&w.member_a, 987_654, json!({"value": 1.0}))
        .await;
    assert_envelope(&reply, 404);
    let reply = app
        .call(
            reqwest::Method::POST,
            "/api/v1/bets/abc/reports",
            Some(&w.member_a),
            Some(&json!({"value": 1})),
        )
        .await;
    assert_envelope(&reply, 404);
    let total = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
        .await
        .expect(200);
    assert_eq!(total.body["total"], 1, "only the good report was stored");
}
