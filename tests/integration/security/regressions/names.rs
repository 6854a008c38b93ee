//! Names: canonical (NFC), visible, free of NUL, bidirectional controls and line separators,
//! and unique by how they read, for teams, arenas and users alike.

use serde_json::{Value, json};

use super::{assert_nothing_written, assert_refused, spawn, stored};
use crate::harness::TestApp;

/// The body that creates a thing of each kind with this name.
fn bodies(name: &str, team: i64) -> [(&'static str, Value); 3] {
    [
        ("/api/v1/teams", json!({"name": name, "kind": "internal"})),
        ("/api/v1/arenas", json!({"name": name})),
        (
            "/api/v1/users",
            json!({"name": name, "role": "member", "team_id": team}),
        ),
    ]
}

#[tokio::test]
async fn an_invisible_or_reordering_name_is_a_422_and_creates_nothing() {
    let app = spawn().await;
    let team = app.create_team("Pod Z", "internal").await;
    let before = stored(&app);
    for name in [
        "\u{200B}",
        "\u{200B}\u{200B} \u{2060}",
        "Team\u{202E}Y",
        "\u{202E}Y maeT",
        "Team\u{2028}Y",
        "Team\u{2029}",
        "Team\u{0}Y",
        "\u{0}",
    ] {
        for (path, body) in bodies(name, team) {
            let reply = app.post(path, &app.admin, body).await;
            assert_refused(&reply, 422, &format!("{path} {name:?}"));
        }
    }
    assert_nothing_written(&app, &before, "an invisible or reordering name");
}

/// Creates a thing of each kind named `name`; the ids.
async fn create_each(app: &TestApp, name: &str, team: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for (path, body) in bodies(name, team) {
        let reply = app.post(path, &app.admin, body).await.expect(201);
        ids.push(
            reply.body["id"]
                .as_i64()
                .or_else(|| reply.body["user"]["id"].as_i64())
                .unwrap_or_default(),
        );
    }
    ids
}

#[tokio::test]
async fn a_look_alike_of_an_existing_name_is_a_409_duplicate_name() {
    let app = spawn().await;
    let team = app.create_team("Pod L", "internal").await;
    create_each(&app, "Team Y", team).await;
    let before = stored(&app);
    // A Cyrillic е (U+0435), a Greek Τ (U+03A4), and the same letters in capitals.
    for name in ["T\u{435}am Y", "\u{3A4}eam Y", "TEAM Y", "Team Y"] {
        for (path, body) in bodies(name, team) {
            let reply = app.post(path, &app.admin, body).await;
            assert_refused(&reply, 409, &format!("{path} {name:?}"));
            assert_eq!(reply.code(), "duplicate_name", "{path} {name:?}");
        }
    }
    assert_nothing_written(&app, &before, "a look-alike name");
    // A name that reads differently is still welcome.
    create_each(&app, "Team Z", team).await;
}

#[tokio::test]
async fn a_name_typed_in_nfd_is_stored_in_nfc() {
    let app = spawn().await;
    let team = app.create_team("Pod C", "internal").await;
    let ids = create_each(&app, "Cafe\u{301} Cre\u{300}me", team).await;
    let paths = ["/api/v1/teams", "/api/v1/arenas", "/api/v1/users"];
    for (path, id) in paths.iter().zip(ids) {
        let read = app
            .get(&format!("{path}/{id}"), &app.admin)
            .await
            .expect(200);
        let name = read.body["name"]
            .as_str()
            .or_else(|| read.body["user"]["name"].as_str())
            .unwrap_or_default();
        assert_eq!(name, "Caf\u{E9} Cr\u{E8}me", "{path}/{id}: {}", read.body);
    }
    // And the NFC spelling is the same name, not a second one.
    let reply = app
        .post(
            "/api/v1/teams",
            &app.admin,
            json!({"name": "Caf\u{E9} Cr\u{E8}me", "kind": "internal"}),
        )
        .await;
    assert_refused(&reply, 409, "the NFC spelling");
}
