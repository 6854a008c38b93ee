use serde_json::json;

use crate::harness::{TestApp, spawn_app};

#[tokio::test]
async fn a_team_registers_a_bet_and_the_committee_activates_it() {
    let app = spawn_app().await;
    let arena = app.create_arena("Messaging").await;
    let team = app.create_team("Pod", "internal").await;
    let (_, member) = app.create_user("alice", "member", Some(team)).await;

    let created = app
        .post(
            "/api/v1/bets",
            &member,
            json!({
                "arena_id": arena, "title": "Group calls!", "thesis": "People call in groups.",
                "metric": {"name": "p95 latency", "unit": "ms", "direction": "lower_is_better"},
                "baseline": 300.0, "stage": "validate", "seed_request": 5_000_000
            }),
        )
        .await
        .expect(201);
    let bet = created.id();
    assert_eq!(created.body["status"], "proposed");
    assert_eq!(
        created.body["team_id"], team,
        "a member's bet defaults to their team"
    );
    assert_eq!(created.body["slug"], "group-calls");
    assert_eq!(created.body["metric"]["direction"], "lower_is_better");

    activation_waits_for_a_threshold_that_beats_the_baseline(&app, &member, bet).await;
    thresholds_once_active_are_only_for_the_future(&app, &member, bet).await;

    let detail = app
        .get(&format!("/api/v1/bets/{bet}"), &member)
        .await
        .expect(200);
    assert_eq!(detail.body["thresholds"].as_array().unwrap().len(), 2);
    assert_eq!(detail.body["threshold_in_force"]["target"], 250.0);

    let audit = app
        .get(
            &format!("/api/v1/audit?object_type=bet&object_id={bet}"),
            &app.admin,
        )
        .await
        .expect(200);
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "threshold.create",
            "bet.activate",
            "threshold.create",
            "bet.create"
        ]
    );
}

/// No threshold yet: activation waits; a lower-is-better threshold must be below the
/// baseline; with one, the committee activates the bet, once.
async fn activation_waits_for_a_threshold_that_beats_the_baseline(
    app: &TestApp,
    member: &str,
    bet: i64,
) {
    let reply = app
        .post(
            &format!("/api/v1/bets/{bet}/activate"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "no_threshold_in_force");

    // A lower-is-better threshold must be below the baseline.
    let reply = app
        .post(
            &format!("/api/v1/bets/{bet}/thresholds"),
            member,
            json!({"target": 350.0}),
        )
        .await
        .expect(422);
    assert_eq!(reply.body["error"]["field"], "target");
    app.post(
        &format!("/api/v1/bets/{bet}/thresholds"),
        member,
        json!({"target": 250.0}),
    )
    .await
    .expect(201);
    let active = app
        .post(
            &format!("/api/v1/bets/{bet}/activate"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(active.body["status"], "active");
    assert!(active.body["activated_at"].is_string());
    app.post(
        &format!("/api/v1/bets/{bet}/activate"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(409);
}

/// Once active, thresholds only for the future, and never a second at the same instant.
async fn thresholds_once_active_are_only_for_the_future(app: &TestApp, member: &str, bet: i64) {
    let reply = app
        .post(
            &format!("/api/v1/bets/{bet}/thresholds"),
            member,
            json!({"target": 200.0}),
        )
        .await
        .expect(422);
    assert_eq!(reply.body["error"]["field"], "effective_from");
    app.post(
        &format!("/api/v1/bets/{bet}/thresholds"),
        member,
        json!({"target": 200.0, "effective_from": "2020-01-01T00:00:00Z"}),
    )
    .await
    .expect(422);
    app.post(
        &format!("/api/v1/bets/{bet}/thresholds"),
        member,
        json!({"target": 200.0, "effective_from": "2999-01-01T00:00:00Z"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/bets/{bet}/thresholds"),
        member,
        json!({"target": 190.0, "effective_from": "2999-01-01T00:00:00Z"}),
    )
    .await
    .expect(409);
}

#[tokio::test]
async fn bets_list_filters_and_pages() {
    let app = spawn_app().await;
    let messaging = app.create_arena("Messaging").await;
    let search = app.create_arena("Search").await;
    let team = app.create_team("Pod", "internal").await;
    for i in 0..7 {
        let arena = if i % 2 == 0 { messaging } else { search };
        let bet = app
            .create_bet(&app.admin, arena, team, &format!("Bet {i}"))
            .await;
        if i < 3 {
            app.activate(bet).await;
        }
    }
    let page = app
        .get("/api/v1/bets?per_page=3&page=2", &app.admin)
        .await
        .expect(200);
    assert_eq!(page.body["total"], 7);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 3);
    assert_eq!(page.body["items"][0]["title"], "Bet 3");
    let filtered = app
        .get(
            &format!("/api/v1/bets?arena_id={messaging}&status=active"),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(filtered.body["total"], 2);
    let staged = app
        .get("/api/v1/bets?stage=scale", &app.admin)
        .await
        .expect(200);
    assert_eq!(staged.body["total"], 0);
    app.get("/api/v1/bets?per_page=501", &app.admin)
        .await
        .expect(422);
    app.get("/api/v1/bets?page=0", &app.admin).await.expect(422);
    app.get("/api/v1/bets?status=sleeping", &app.admin)
        .await
        .expect(400);
    app.get("/api/v1/bets?colour=red", &app.admin)
        .await
        .expect(400);
}

#[tokio::test]
async fn the_same_title_gets_a_fresh_slug() {
    let app = spawn_app().await;
    let arena = app.create_arena("A").await;
    let team = app.create_team("T", "internal").await;
    let first = app.create_bet(&app.admin, arena, team, "Same").await;
    let second = app.create_bet(&app.admin, arena, team, "Same").await;
    let a = app
        .get(&format!("/api/v1/bets/{first}"), &app.admin)
        .await
        .expect(200);
    let b = app
        .get(&format!("/api/v1/bets/{second}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(a.body["slug"], "same");
    assert_eq!(b.body["slug"], "same-2");
}

#[tokio::test]
async fn a_killed_bet_takes_no_more_reports_or_thresholds() {
    let app = spawn_app().await;
    let w = app.world().await;
    app.post(
        &format!("/api/v1/bets/{}/kill", w.bet_a),
        &w.member_a,
        json!({"reason": "no"}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/api/v1/bets/{}/kill", w.bet_a),
        &app.admin,
        json!({"reason": ""}),
    )
    .await
    .expect(422);
    let killed = app
        .post(
            &format!("/api/v1/bets/{}/kill", w.bet_a),
            &app.admin,
            json!({"reason": "Missed twice"}),
        )
        .await
        .expect(200);
    assert_eq!(killed.body["status"], "killed");
    let reply = app
        .report(&w.member_a, w.bet_a, json!({"value": 1.0}))
        .await
        .expect(403);
    assert_eq!(reply.code(), "bet_closed");
    app.post(
        &format!("/api/v1/bets/{}/thresholds", w.bet_a),
        &w.member_a,
        json!({"target": 150.0, "effective_from": "2999-01-01T00:00:00Z"}),
    )
    .await
    .expect(409);
    app.post(
        &format!("/api/v1/bets/{}/kill", w.bet_a),
        &app.admin,
        json!({"reason": "again"}),
    )
    .await
    .expect(409);
}
