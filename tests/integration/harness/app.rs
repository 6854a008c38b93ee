//! `spawn_app()`: the real server in this process, on a free port over a fresh database (a
//! SQLite file, or a PostgreSQL database when `HORSERACE_TEST_POSTGRES` names a server), and
//! typed helpers for the requests the tests make.

use horserace::config::Settings;
use horserace::domain::ApiToken;
use horserace::startup::Application;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, FreshDatabase, Reply};

const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

pub struct TestApp {
    pub address: String,
    /// The database the server runs on, for a second server process.
    pub database_url: String,
    /// A client for the server, with [`crate::harness::REQUEST_TIMEOUT`].
    pub api: Api,
    /// The same client as `api`'s, for requests built by hand.
    pub client: reqwest::Client,
    pub admin: String,
    /// The clock the server's market reads: a test moves it forward to let billing periods
    /// pass (`clock.advance(..)`).
    pub clock: horserace::domain::time::Clock,
    /// Held so the database lives as long as the test.
    _database: FreshDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server without the per-token write limit: some tests send requests faster than it
/// allows, and a 429 would hide the answer under test. The limit has its own tests
/// (`security::limits`).
pub async fn spawn_unlimited() -> TestApp {
    spawn_app_with(|settings| settings.write_rate.per_second = 0).await
}

/// [`spawn_app`] with some settings changed first (a small pool, a tight write limit).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        let _ = horserace::telemetry::init("info", horserace::telemetry::LogFormat::Text);
    }
    let database = FreshDatabase::new();
    let mut settings = Settings::new(database.database_url());
    settings.bind = "127.0.0.1:0".into();
    settings.bootstrap_token = Some(ApiToken::parse("token", ADMIN_TOKEN).unwrap());
    settings.workers = Some(2);
    settings.clock = horserace::domain::time::Clock::adjustable();
    configure(&mut settings);
    let clock = settings.clock.clone();
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let api = Api::new(&address);
    TestApp {
        address,
        database_url: database.url.clone(),
        client: api.http.clone(),
        api,
        admin: ADMIN_TOKEN.to_owned(),
        clock,
        _database: database,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        self.api.url(path)
    }

    /// A request through [`Api::call`]: it must be answered.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        self.api.call(method, path, token, body).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(&body))
            .await
    }

    /// Sends raw bytes as JSON, for malformed-body tests.
    pub async fn post_raw(&self, path: &str, token: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.api
            .raw(
                Method::POST,
                path,
                Some(token),
                "application/json",
                body.into(),
            )
            .await
            .expect("request sent")
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

impl Api {
    /// The client of the in-process server of [`spawn_app`].
    pub fn of(app: &TestApp) -> Api {
        app.api.clone()
    }
}
