//! Replays and conflicts of single reports, and the scope of a key.

use super::{rows_with_key, setup, writes_nothing};
use serde_json::json;

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
