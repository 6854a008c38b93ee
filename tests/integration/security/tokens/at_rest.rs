//! The database holds only hashes of tokens.

use super::{everything_stored, sign_in};
use crate::harness::{FreshDatabase, Server, ServerOptions, connect};
use diesel::prelude::*;
use horserace::db::schema::tokens;
use horserace::domain::ApiToken;
use serde_json::json;

#[tokio::test]
async fn the_database_holds_only_hashes_of_tokens() {
    let db = FreshDatabase::new();
    let admin = "bootstrap-admin-token-0123456789";
    let server = Server::start_with(&ServerOptions {
        database_url: &db.url,
        log: "warn",
        bootstrap_token: Some(admin),
        args: &[],
    });
    let api = server.api.clone();
    let team = api
        .post(
            "/api/v1/teams",
            admin,
            json!({"name": "Pod", "kind": "internal"}),
        )
        .await
        .expect(201)
        .id();
    let created = api
        .post(
            "/api/v1/users",
            admin,
            json!({"name": "alice", "role": "member", "team_id": team}),
        )
        .await
        .expect(201);
    let alice_id = created.body["user"]["id"].as_i64().unwrap();
    let first = created.body["token"]["token"].as_str().unwrap().to_owned();
    let second = api
        .post(
            &format!("/api/v1/users/{alice_id}/tokens"),
            &first,
            json!({"label": "laptop", "expires_in_days": 30}),
        )
        .await
        .expect(201)
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = sign_in(&server.address, &second).await.expect("a session");
    let secrets = [admin.to_owned(), first, second, session];

    let mut conn = connect(&db.url);
    let stored: Vec<(String, String)> = tokens::table
        .select((tokens::hash, tokens::hint))
        .load(&mut conn)
        .expect("tokens");
    assert_eq!(
        stored.len(),
        secrets.len(),
        "admin, two API tokens, one session"
    );
    for (hash, hint) in &stored {
        assert_eq!(hash.len(), 64, "a SHA-256 in hex: {hash}");
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "lowercase hex: {hash}"
        );
        assert!(
            hint.len() <= 7,
            "a hint is a few characters, never the token: {hint}"
        );
        assert!(!secrets.contains(hash));
    }
    for secret in &secrets {
        let hash = ApiToken::parse("token", secret).unwrap().hash();
        assert!(
            stored.iter().any(|(h, _)| h == hash.as_str()),
            "each token is stored as its hash"
        );
    }
    drop(server);
    let everything = everything_stored(&mut conn, &db.sqlite_files());
    assert!(everything.len() > 1000, "the dump holds the database");
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a token is stored in the clear somewhere"
        );
        assert!(
            !everything.contains(&secret[..secret.len() - 1]),
            "most of a token is stored in the clear"
        );
    }
}
