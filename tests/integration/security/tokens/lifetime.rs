//! A token is honoured only while live: revoked or expired, it stops working at once.

use super::sign_in;
use crate::harness::spawn_app;
use crate::harness::{Api, Server, connect};
use crate::security::authorization::expire_token;
use diesel::prelude::*;
use horserace::db::schema::tokens;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_revoked_token_stops_working_at_once_on_every_server() {
    let app = spawn_app().await;
    let other = Server::start(&app.database_url);
    let here = Api::of(&app);
    let (alice, token) = app.create_user("alice", "exec", None).await;
    let spare = here
        .post(
            &format!("/api/v1/users/{alice}/tokens"),
            &token,
            json!({"label": "spare"}),
        )
        .await
        .expect(201);
    for api in [&here, &other.api] {
        api.get("/api/v1/users/me", &token).await.expect(200);
    }
    // Revoked by its owner on one server: refused on both, the very next request.
    let id = here
        .get(&format!("/api/v1/users/{alice}/tokens"), &token)
        .await
        .expect(200)
        .body[0]["id"]
        .as_i64()
        .unwrap();
    here.delete(&format!("/api/v1/tokens/{id}"), &token)
        .await
        .expect(204);
    for api in [&here, &other.api] {
        let reply = api.get("/api/v1/users/me", &token).await.expect(401);
        assert_eq!(reply.code(), "unauthorized");
        assert_eq!(reply.headers["www-authenticate"], "Bearer");
    }
    // Revoked by the committee on the other server: refused here at once.
    let spare_token = spare.body["token"].as_str().unwrap();
    here.get("/api/v1/users/me", spare_token).await.expect(200);
    other
        .api
        .delete(&format!("/api/v1/tokens/{}", spare.id()), &app.admin)
        .await
        .expect(204);
    here.get("/api/v1/users/me", spare_token).await.expect(401);
    // Revoking twice is a conflict, and a revoked token cannot revoke anything.
    here.delete(&format!("/api/v1/tokens/{}", spare.id()), &app.admin)
        .await
        .expect(409);
    here.call(
        Method::DELETE,
        &format!("/api/v1/tokens/{id}"),
        Some(spare_token),
        None,
    )
    .await
    .expect(401);
    // Nor sign in on the web.
    assert!(
        sign_in(&app.address, &token).await.is_none(),
        "a revoked token signs in"
    );
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let app = spawn_app().await;
    let api = Api::of(&app);
    let mut conn = connect(&app.database_url);
    let (alice, token) = app.create_user("alice", "exec", None).await;
    let issued = api
        .post(
            &format!("/api/v1/users/{alice}/tokens"),
            &token,
            json!({"label": "short", "expires_in_days": 1}),
        )
        .await
        .expect(201);
    let short = issued.body["token"].as_str().unwrap().to_owned();
    api.get("/api/v1/users/me", &short).await.expect(200);
    // A minute before expiry it still works; once past, it is refused at once.
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(1)).naive_utc();
    diesel::update(tokens::table.find(issued.id()))
        .set(tokens::expires_at.eq(Some(soon)))
        .execute(&mut conn)
        .unwrap();
    api.get("/api/v1/users/me", &short).await.expect(200);
    expire_token(&mut conn, issued.id());
    let reply = api.get("/api/v1/users/me", &short).await.expect(401);
    assert_eq!(reply.code(), "unauthorized");
    // Everywhere: the API and the web sign-in.
    api.get("/api/v1/bets", &short).await.expect(401);
    assert!(
        sign_in(&app.address, &short).await.is_none(),
        "an expired token signs in"
    );
    // The user's other token is untouched.
    api.get("/api/v1/users/me", &token).await.expect(200);
}
