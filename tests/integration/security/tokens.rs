//! Tokens: stored only as hashes, honoured only while live, and never written to a log.

use diesel::prelude::*;
use diesel::sql_types::Text;
use horserace::db::DbConnection;
use horserace::db::schema::tokens;
use horserace::domain::ApiToken;
use reqwest::Method;
use serde_json::json;

use super::authorization::expire_token;
use crate::harness::{Api, FreshDatabase, Server, ServerOptions, connect, postgres_server};
use crate::harness::spawn_app;

/// Signs in on the web page with `token` and returns the session cookie's secret (none when
/// the sign-in is refused).
async fn sign_in(base: &str, token: &str) -> Option<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http.get(format!("{base}/login")).send().await.unwrap();
    let csrf = cookie(&form, "hr_login_csrf").expect("the sign-in form sets its CSRF cookie");
    let reply = http
        .post(format!("{base}/login"))
        .header("cookie", format!("hr_login_csrf={csrf}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}&csrf={csrf}&next=%2F"))
        .send()
        .await
        .unwrap();
    cookie(&reply, "hr_session")
}

fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))?
                .split(';')
                .next()
                .map(str::to_owned)
        })
        .filter(|v| !v.is_empty())
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    text: String,
}

/// Everything stored in the database, as text: every row of every table on PostgreSQL; the
/// database files byte for byte (write-ahead log included) on SQLite.
fn everything_stored(conn: &mut DbConnection, sqlite_files: &[std::path::PathBuf]) -> String {
    if postgres_server().is_none() {
        return sqlite_files
            .iter()
            .map(|f| {
                String::from_utf8_lossy(&std::fs::read(f).expect("read the database file"))
                    .into_owned()
            })
            .collect();
    }
    let tables: Vec<Row> = diesel::sql_query(
        "SELECT table_name::text AS text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .load(conn)
    .expect("list the tables");
    let mut all = String::new();
    for table in tables {
        let rows: Vec<Row> =
            diesel::sql_query(format!("SELECT t::text AS text FROM \"{}\" t", table.text))
                .load(conn)
                .expect("dump a table");
        for row in rows {
            all.push_str(&row.text);
            all.push('\n');
        }
    }
    all
}

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
    let team = api
        .post(
            "/api/v1/teams",
            &admin,
            json!({"name": "Pod", "kind": "internal"}),
        )
        .await
        .expect(201)
        .id();
    let created = api
        .post(
            "/api/v1/users",
            &admin,
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
    for (what, secret) in [
        ("admin", &admin),
        ("user", &user),
        ("second", &extra),
        ("wrong", &wrong),
        ("session", &session),
    ] {
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

/// A request the server refuses while parsing, with the token beside it.
async fn post_bad_json(api: &Api, token: &str) {
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
