use reqwest::Method;
use serde_json::json;

use crate::harness::spawn_app;

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = spawn_app().await;
    let reply = app
        .call(Method::GET, "/api/v1/bets", None, None)
        .await
        .expect(401);
    assert_eq!(reply.code(), "unauthorized");
    assert_eq!(reply.headers["www-authenticate"], "Bearer");
    app.get("/api/v1/bets", "not-a-real-token-at-all")
        .await
        .expect(401);
    app.get("/api/v1/bets", "x").await.expect(401);
    let reply = app
        .client
        .get(app.url("/api/v1/bets"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 401);
}

#[tokio::test]
async fn the_bootstrap_admin_is_a_committee_member() {
    let app = spawn_app().await;
    let me = app.get("/api/v1/users/me", &app.admin).await.expect(200);
    assert_eq!(me.body["name"], "admin");
    assert_eq!(me.body["role"], "committee");
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = spawn_app().await;
    let (user, token) = app.create_user("carol", "exec", None).await;
    app.get("/api/v1/users/me", &token).await.expect(200);
    let tokens = app
        .get(&format!("/api/v1/users/{user}/tokens"), &token)
        .await
        .expect(200);
    let token_id = tokens.body[0]["id"].as_i64().unwrap();
    assert!(
        tokens.body[0].get("hash").is_none(),
        "the hash must never be shown"
    );
    app.call(
        Method::DELETE,
        &format!("/api/v1/tokens/{token_id}"),
        Some(&app.admin),
        None,
    )
    .await
    .expect(204);
    app.get("/api/v1/users/me", &token).await.expect(401);
    let audit = app
        .get("/api/v1/audit?action=token.revoke", &app.admin)
        .await
        .expect(200);
    assert_eq!(audit.body["total"], 1);
}

#[tokio::test]
async fn a_user_can_issue_a_second_token_for_themself_only() {
    let app = spawn_app().await;
    let team = app.create_team("Pod", "internal").await;
    let (alice, alice_token) = app.create_user("alice", "member", Some(team)).await;
    let (bob, _) = app.create_user("bob", "member", Some(team)).await;
    let issued = app
        .post(
            &format!("/api/v1/users/{alice}/tokens"),
            &alice_token,
            json!({"label": "laptop", "expires_in_days": 30}),
        )
        .await
        .expect(201);
    let second = issued.body["token"].as_str().unwrap();
    assert!(issued.body["expires_at"].is_string());
    app.get("/api/v1/users/me", second).await.expect(200);
    app.post(
        &format!("/api/v1/users/{bob}/tokens"),
        &alice_token,
        json!({"label": "steal"}),
    )
    .await
    .expect(404);
}

#[tokio::test]
async fn roles_see_and_do_only_what_they_may() {
    let app = spawn_app().await;
    let w = app.world().await;

    // Only the committee creates teams, arenas and users, or activates bets.
    for token in [&w.member_a, &w.partner, &w.exec] {
        app.post(
            "/api/v1/teams",
            token,
            json!({"name": "X", "kind": "internal"}),
        )
        .await
        .expect(403);
        app.post("/api/v1/arenas", token, json!({"name": "X"}))
            .await
            .expect(403);
        app.post("/api/v1/users", token, json!({"name": "x", "role": "exec"}))
            .await
            .expect(403);
        app.post(
            &format!("/api/v1/bets/{}/activate", w.bet_a),
            token,
            json!({}),
        )
        .await
        .expect(403);
    }

    // The audit log and the user list: committee and execs.
    app.get("/api/v1/audit", &w.exec).await.expect(200);
    app.get("/api/v1/users", &w.exec).await.expect(200);
    app.get("/api/v1/audit", &w.member_a).await.expect(403);
    app.get("/api/v1/users", &w.partner).await.expect(403);

    // Members read everything; partners only their own team.
    let all = app.get("/api/v1/bets", &w.member_a).await.expect(200);
    assert_eq!(all.body["total"], 3);
    let own = app.get("/api/v1/bets", &w.partner).await.expect(200);
    assert_eq!(own.body["total"], 1);
    assert_eq!(own.body["items"][0]["id"], w.partner_bet);
    let other = app
        .get(&format!("/api/v1/bets?team_id={}", w.team_a), &w.partner)
        .await
        .expect(200);
    assert_eq!(other.body["total"], 0);
    app.get(&format!("/api/v1/bets/{}", w.bet_a), &w.partner)
        .await
        .expect(404);
    app.get(&format!("/api/v1/bets/{}/reports", w.bet_a), &w.partner)
        .await
        .expect(404);
    app.get(&format!("/api/v1/teams/{}", w.team_a), &w.partner)
        .await
        .expect(404);
    let teams = app.get("/api/v1/teams", &w.partner).await.expect(200);
    assert_eq!(teams.body.as_array().unwrap().len(), 1);
    app.get(&format!("/api/v1/teams/{}", w.partner_team), &w.partner)
        .await
        .expect(200);

    // Writing: only for one's own team; execs never.
    app.report(&w.member_a, w.bet_a, json!({"value": 101.0}))
        .await
        .expect(201);
    app.report(&w.member_a, w.bet_b, json!({"value": 101.0}))
        .await
        .expect(403);
    app.report(&w.partner, w.partner_bet, json!({"value": 101.0}))
        .await
        .expect(201);
    app.report(&w.partner, w.bet_a, json!({"value": 101.0}))
        .await
        .expect(404);
    app.report(&w.exec, w.bet_a, json!({"value": 101.0}))
        .await
        .expect(403);
    app.report(&app.admin, w.bet_a, json!({"value": 101.0}))
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/bets/{}/thresholds", w.bet_b),
        &w.member_a,
        json!({"target": 150.0, "effective_from": "2999-01-01T00:00:00Z"}),
    )
    .await
    .expect(403);
    let bet_for_other_team = json!({
        "arena_id": w.arena, "team_id": w.team_b, "title": "Sneaky",
        "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0
    });
    app.post("/api/v1/bets", &w.member_a, bet_for_other_team.clone())
        .await
        .expect(403);
    app.post("/api/v1/bets", &w.exec, bet_for_other_team)
        .await
        .expect(403);
}
