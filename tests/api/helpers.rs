//! `spawn_app()`: the real server on a free port over a fresh database (a SQLite file, or a
//! PostgreSQL database when `HORSERACE_TEST_POSTGRES` names a server), and typed helpers for the
//! requests the tests make.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, PgConnection, RunQueryDsl};
use horserace::config::Settings;
use horserace::db::DatabaseUrl;
use horserace::domain::ApiToken;
use horserace::startup::Application;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

pub struct TestApp {
    pub address: String,
    /// The database the server runs on, for a second server process.
    pub database_url: String,
    pub client: reqwest::Client,
    pub admin: String,
    #[expect(dead_code, reason = "held so the database lives as long as the test")]
    pub database: TestDatabase,
}

/// The database a test owns; dropped with the test.
pub enum TestDatabase {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { server: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { server, name } = self
            && let Ok(mut conn) = PgConnection::establish(&format!("{server}/postgres"))
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn fresh_database() -> (DatabaseUrl, TestDatabase) {
    match std::env::var("HORSERACE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            let server = server_part(&url);
            let name = format!(
                "hr_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                rand_suffix()
            );
            let mut conn = PgConnection::establish(&format!("{server}/postgres"))
                .expect("HORSERACE_TEST_POSTGRES names a PostgreSQL server that must be reachable");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create the test database");
            (
                DatabaseUrl::parse(&format!("{server}/{name}")).unwrap(),
                TestDatabase::Postgres { server, name },
            )
        }
        _ => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let path = dir.path().join("horserace.db");
            (
                DatabaseUrl::parse(path.to_str().unwrap()).unwrap(),
                TestDatabase::Sqlite { _dir: dir },
            )
        }
    }
}

/// `postgres://user@host:port` of a URL that may also name a database.
fn server_part(url: &str) -> String {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(slash) => url[..after_scheme + slash].to_owned(),
        None => url.trim_end_matches('/').to_owned(),
    }
}

fn rand_suffix() -> String {
    ApiToken::generate().unwrap().expose()[3..11].to_owned()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with some settings changed first (a small pool, a tight write limit).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        let _ = horserace::telemetry::init("info", horserace::telemetry::LogFormat::Text);
    }
    let (url, database) = fresh_database();
    let database_url = match &url {
        DatabaseUrl::Sqlite(path) => path.clone(),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    let mut settings = Settings::new(url);
    settings.bind = "127.0.0.1:0".into();
    settings.bootstrap_token = Some(ApiToken::parse("token", ADMIN_TOKEN).unwrap());
    settings.workers = Some(2);
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url,
        client: reqwest::Client::new(),
        admin: ADMIN_TOKEN.to_owned(),
        database,
    }
}

/// A response read whole: status, headers we look at, and the JSON body (Null when none).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    async fn read(response: Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(if text.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        });
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The error code of an error envelope.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {:?}", self.body))
    }

    /// Panics with the body when the status is not the expected one.
    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::read(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(&body))
            .await
    }

    /// Sends raw bytes as JSON, for malformed-body tests.
    pub async fn post_raw(&self, path: &str, token: &str, body: impl Into<reqwest::Body>) -> Reply {
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request sent");
        Reply::read(response).await
    }

    pub async fn create_team(&self, name: &str, kind: &str) -> i64 {
        self.post(
            "/api/v1/teams",
            &self.admin,
            json!({"name": name, "kind": kind}),
        )
        .await
        .expect(201)
        .id()
    }

    pub async fn create_arena(&self, name: &str) -> i64 {
        self.post("/api/v1/arenas", &self.admin, json!({"name": name}))
            .await
            .expect(201)
            .id()
    }

    /// A user of `role` (in `team` for members and partners); returns (id, token).
    pub async fn create_user(&self, name: &str, role: &str, team: Option<i64>) -> (i64, String) {
        let mut body = json!({"name": name, "role": role});
        if let Some(team) = team {
            body["team_id"] = json!(team);
        }
        let reply = self
            .post("/api/v1/users", &self.admin, body)
            .await
            .expect(201);
        (
            reply.body["user"]["id"].as_i64().unwrap(),
            reply.body["token"]["token"].as_str().unwrap().to_owned(),
        )
    }

    /// A proposed higher-is-better bet with baseline 100 and a threshold of 120 in force since
    /// the start of 2025 (so rounds dated in the past see it).
    pub async fn create_bet(&self, token: &str, arena: i64, team: i64, title: &str) -> i64 {
        self.post(
            "/api/v1/bets",
            token,
            json!({
                "arena_id": arena, "team_id": team, "title": title,
                "metric": {"name": "weekly active users", "unit": "users", "direction": "higher_is_better"},
                "baseline": 100.0,
                "thresholds": [{"target": 120.0, "effective_from": "2025-01-01T00:00:00Z"}]
            }),
        )
        .await
        .expect(201)
        .id()
    }

    pub async fn activate(&self, bet: i64) {
        self.post(
            &format!("/api/v1/bets/{bet}/activate"),
            &self.admin,
            json!({}),
        )
        .await
        .expect(200);
    }

    pub async fn report(&self, token: &str, bet: i64, body: Value) -> Reply {
        self.post(&format!("/api/v1/bets/{bet}/reports"), token, body)
            .await
    }

    /// How many reports a bet holds, corrections included.
    pub async fn report_count(&self, bet: i64) -> i64 {
        self.get(&format!("/api/v1/bets/{bet}/reports"), &self.admin)
            .await
            .expect(200)
            .body["total"]
            .as_i64()
            .unwrap()
    }

    /// Drafts a round with the default policy and commits it as the committee; its id.
    pub async fn commit_round(&self, budget: i64, as_of: &str) -> i64 {
        let round = self
            .post(
                "/api/v1/rounds",
                &self.admin,
                json!({"budget": budget, "as_of": as_of}),
            )
            .await
            .expect(201)
            .id();
        self.post(
            &format!("/api/v1/rounds/{round}/commit"),
            &self.admin,
            json!({}),
        )
        .await
        .expect(200);
        round
    }
}

/// A small portfolio: one arena, two internal teams with a member each, an external team with a
/// partner, an exec, and an active bet per team.
pub struct World {
    pub arena: i64,
    pub team_a: i64,
    pub team_b: i64,
    pub partner_team: i64,
    pub member_a: String,
    pub member_b: String,
    pub partner: String,
    pub exec: String,
    pub bet_a: i64,
    pub bet_b: i64,
    pub partner_bet: i64,
}

impl TestApp {
    pub async fn world(&self) -> World {
        let arena = self.create_arena("Mobile messaging").await;
        let team_a = self.create_team("Pod A", "internal").await;
        let team_b = self.create_team("Pod B", "internal").await;
        let partner_team = self.create_team("Partner Co", "external").await;
        let (_, member_a) = self.create_user("alice", "member", Some(team_a)).await;
        let (_, member_b) = self.create_user("bob", "member", Some(team_b)).await;
        let (_, partner) = self.create_user("pat", "partner", Some(partner_team)).await;
        let (_, exec) = self.create_user("erin", "exec", None).await;
        let bet_a = self
            .create_bet(&member_a, arena, team_a, "Chat stickers")
            .await;
        let bet_b = self
            .create_bet(&member_b, arena, team_b, "Voice notes")
            .await;
        let partner_bet = self
            .create_bet(&partner, arena, partner_team, "Partner bots")
            .await;
        for bet in [bet_a, bet_b, partner_bet] {
            self.activate(bet).await;
        }
        World {
            arena,
            team_a,
            team_b,
            partner_team,
            member_a,
            member_b,
            partner,
            exec,
            bet_a,
            bet_b,
            partner_bet,
        }
    }
}

/// A `horserace serve` child process on an existing database; killed when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub address: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the real binary on `database_url` and waits until it says where it listens.
pub fn spawn_process(database_url: &str) -> ServerProcess {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"))
        .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2"])
        .env("DATABASE_URL", database_url)
        .env("HORSERACE_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("the server prints its port")
            .expect("readable output");
        if let Some(port) = line.strip_prefix("horserace is listening on port ") {
            break port.trim().to_owned();
        }
    };
    ServerProcess {
        child,
        address: format!("http://127.0.0.1:{port}"),
    }
}
