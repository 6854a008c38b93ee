use serde_json::json;

use crate::harness::spawn_app;

#[tokio::test]
async fn the_committee_creates_teams_arenas_and_users() {
    let app = spawn_app().await;
    let team = app
        .post(
            "/api/v1/teams",
            &app.admin,
            json!({"name": "  Pod One ", "kind": "internal"}),
        )
        .await
        .expect(201);
    assert_eq!(team.body["name"], "Pod One");
    assert_eq!(team.body["max_members"], 10);
    let team_id = team.id();

    let arena = app
        .post(
            "/api/v1/arenas",
            &app.admin,
            json!({"name": "Payments", "description": "Faster checkout"}),
        )
        .await
        .expect(201);
    assert_eq!(arena.body["description"], "Faster checkout");
    let arenas = app.get("/api/v1/arenas", &app.admin).await.expect(200);
    assert_eq!(arenas.body.as_array().unwrap().len(), 1);

    let user = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"name": "alice", "role": "member", "team_id": team_id}),
        )
        .await
        .expect(201);
    let token = user.body["token"]["token"].as_str().unwrap();
    assert!(token.starts_with("hr_"));
    let me = app.get("/api/v1/users/me", token).await.expect(200);
    assert_eq!(me.body["team_id"], team_id);

    let detail = app
        .get(&format!("/api/v1/teams/{team_id}"), token)
        .await
        .expect(200);
    assert_eq!(detail.body["members"][0]["name"], "alice");

    let audit = app.get("/api/v1/audit", &app.admin).await.expect(200);
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "team.create",
        "arena.create",
        "user.create",
        "user.bootstrap",
    ] {
        assert!(
            actions.contains(&action),
            "{action} not audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn duplicate_names_are_409() {
    let app = spawn_app().await;
    app.create_team("Pod", "internal").await;
    let reply = app
        .post(
            "/api/v1/teams",
            &app.admin,
            json!({"name": "Pod", "kind": "external"}),
        )
        .await
        .expect(409);
    assert_eq!(reply.body["error"]["field"], "name");
    app.create_arena("Search").await;
    app.post("/api/v1/arenas", &app.admin, json!({"name": "Search"}))
        .await
        .expect(409);
    app.create_user("dana", "exec", None).await;
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"name": "dana", "role": "exec"}),
    )
    .await
    .expect(409);
}

#[tokio::test]
async fn a_team_holds_at_most_its_maximum() {
    let app = spawn_app().await;
    let team = app
        .post(
            "/api/v1/teams",
            &app.admin,
            json!({"name": "Tiny", "kind": "internal", "max_members": 2}),
        )
        .await
        .expect(201)
        .id();
    app.create_user("m1", "member", Some(team)).await;
    app.create_user("m2", "member", Some(team)).await;
    let reply = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"name": "m3", "role": "member", "team_id": team}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "team_full");

    let default_team = app.create_team("Default", "internal").await;
    for i in 0..10 {
        app.create_user(&format!("d{i}"), "member", Some(default_team))
            .await;
    }
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"name": "d10", "role": "member", "team_id": default_team}),
    )
    .await
    .expect(409);
}

#[tokio::test]
async fn roles_and_teams_must_fit() {
    let app = spawn_app().await;
    let internal = app.create_team("Inside", "internal").await;
    let reply = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"name": "p", "role": "partner", "team_id": internal}),
        )
        .await
        .expect(422);
    assert_eq!(reply.body["error"]["field"], "team_id");
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"name": "m", "role": "member"}),
    )
    .await
    .expect(422);
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"name": "e", "role": "exec", "team_id": internal}),
    )
    .await
    .expect(422);
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"name": "m", "role": "member", "team_id": 999}),
    )
    .await
    .expect(422);
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"name": "x", "role": "king"}),
    )
    .await
    .expect(400);
}
