//! Tokens never reach the logs, whatever the request.

use super::sign_in;
use crate::harness::{Api, FreshDatabase, Server, ServerOptions};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn tokens_never_reach_the_logs() {
    let db = FreshDatabase::new();
    let mut server = Server::start_with(&ServerOptions {
        database_url: &db.url,
        log: "debug",
        bootstrap_token: None,
        args: &[],
    });
    let first_start = server.stdout_lines();
    assert!(
        first_start[0].contains("Created the committee user `admin`"),
        "{first_start:?}"
    );
    let admin = first_start[1].trim().to_owned();
    assert!(
        admin.starts_with("hr_"),
        "the second line is the admin token: {first_start:?}"
    );
    let api = server.api.clone();

    // Authenticated requests, a new user and tokens, refused tokens, and web sign-ins.
    let (user, user_id, extra) = member_with_two_tokens(&api, &admin).await;
    api.get("/api/v1/users/me", &user).await.expect(200);
    api.get("/api/v1/bets?per_page=5", &extra).await.expect(200);
    api.post("/api/v1/arenas", &user, json!({"name": "nope"}))
        .await
        .expect(403);
    post_bad_json(&api, &user).await;
    // The user's token with its last character changed.
    let last = if user.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &user[..user.len() - 1]);
    api.get("/api/v1/users/me", &wrong).await.expect(401);
    assert!(
        sign_in(&server.address, &wrong).await.is_none(),
        "a wrong token signs in"
    );
    let session = sign_in(&server.address, &user).await.expect("a session");
    let page = reqwest::Client::new()
        .get(format!("{}/", server.address))
        .header("cookie", format!("hr_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let revoked_id = api
        .get(&format!("/api/v1/users/{user_id}/tokens"), &admin)
        .await
        .expect(200)
        .body[1]["id"]
        .as_i64()
        .unwrap();
    api.delete(&format!("/api/v1/tokens/{revoked_id}"), &admin)
        .await
        .expect(204);
    api.get("/api/v1/users/me", &extra).await.expect(401);

    std::thread::sleep(std::time::Duration::from_millis(200));
    server.kill();
    let stdout = server.stdout_lines();
    let stderr = server.stderr_text();
    // Debug logging is on and requests are logged, so the check below means something.
    assert!(
        stderr.contains("DEBUG")
            && stderr.contains("request_id=")
            && stderr.contains("/api/v1/users/me"),
        "{stderr}"
    );
    let after_first_start = stdout[2..].join("\n");
    no_token_is_in_the_logs(
        &stderr,
        &after_first_start,
        [
            ("admin", &admin),
            ("user", &user),
            ("second", &extra),
            ("wrong", &wrong),
            ("session", &session),
        ],
    );
}

/// A request the server refuses while parsing, with the token beside it.
pub(super) async fn post_bad_json(api: &Api, token: &str) {
    let reply = api
        .raw(
            Method::POST,
            "/api/v1/arenas",
            Some(token),
            "application/json",
            b"{\"name\": ".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(reply.status, 400);
}

/// A member of a new team, with the token it was created with and a second one it issued:
/// (first token, user id, second token).
async fn member_with_two_tokens(api: &Api, admin: &str) -> (String, i64, String) {
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
    let user = created.body["token"]["token"].as_str().unwrap().to_owned();
    let user_id = created.body["user"]["id"].as_i64().unwrap();
    let extra = api
        .post(
            &format!("/api/v1/users/{user_id}/tokens"),
            &user,
            json!({"label": "ci"}),
        )
        .await
        .expect(201)
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    (user, user_id, extra)
}

/// Neither the logs (`stderr`) nor standard output after the first start holds any of the
/// tokens, nor most of one.
fn no_token_is_in_the_logs(stderr: &str, after_first_start: &str, tokens: [(&str, &String); 5]) {
    for (what, secret) in tokens {
        assert!(
            !stderr.contains(secret.as_str()),
            "the {what} token is in the logs:\n{stderr}"
        );
        assert!(
            !after_first_start.contains(secret.as_str()),
            "the {what} token is on stdout:\n{after_first_start}"
        );
        // Not even most of it (a log line cut short, or a token with a character changed).
        assert!(
            !stderr.contains(&secret[..secret.len() - 8]),
            "most of the {what} token is in the logs"
        );
    }
}
