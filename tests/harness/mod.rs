//! What the reliability and security suites share beyond `tests/api/helpers.rs`: a client with
//! a timeout for any address (a child process moves to a new port at every restart), real
//! `horserace serve` processes that can be killed with SIGKILL and whose output is kept, direct
//! database access for checks the API cannot make, a seeded random number generator, and a
//! fingerprint of everything stored, to prove that a refused request wrote nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::connection::{ConnectionManager, DatabaseUrl};
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Reply, TestApp};

/// No request may take longer than this: a hang fails the test instead of stalling the suite.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a child process may take to start and say where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// A JSON client for one server.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()
                .expect("an HTTP client"),
        }
    }

    /// The in-process server of `spawn_app()`.
    pub fn of(app: &TestApp) -> Api {
        Api::new(&app.address)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request; a transport failure (refused, reset, timed out) is an `Err`.
    pub async fn try_call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, reqwest::Error> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        read_reply(request.send().await?).await
    }

    /// Sends a request that must reach the server and be answered.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let shown = method.to_string();
        self.try_call(method, path, token, body)
            .await
            .unwrap_or_else(|e| panic!("{shown} {path}: no answer: {e}"))
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(&body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(token), Some(&body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Sends `body` byte for byte with the given content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Reply, reqwest::Error> {
        let mut request = self
            .http
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read_reply(request.send().await?).await
    }

    /// `GET /healthz` answers 200.
    pub async fn is_healthy(&self) -> bool {
        matches!(
            self.http.get(self.url("/healthz")).send().await,
            Ok(r) if r.status() == 200
        )
    }
}

/// A response read whole, as `tests/api/helpers.rs` shapes it.
pub async fn read_reply(response: reqwest::Response) -> Result<Reply, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(if text.is_empty() {
        Value::Null
    } else {
        Value::String(text)
    });
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// Whether a reply is the API's error envelope: `{"error": {"code": "...", "message": "..."}}`.
pub fn is_envelope(reply: &Reply) -> bool {
    reply.body["error"]["code"]
        .as_str()
        .is_some_and(|c| !c.is_empty())
        && reply.body["error"]["message"].is_string()
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// RFC 3339 with microseconds, as the server stores instants.
pub fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn days_ago(days: i64) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::days(days)
}

// ---------------------------------------------------------------------------------------------
// Server processes
// ---------------------------------------------------------------------------------------------

/// How to start a `horserace serve` child process.
pub struct ServerOptions<'a> {
    pub database_url: &'a str,
    /// `HORSERACE_LOG`.
    pub log: &'a str,
    /// `HORSERACE_BOOTSTRAP_TOKEN`; none lets a first start print a random one.
    pub bootstrap_token: Option<&'a str>,
    /// More flags for `serve`.
    pub args: &'a [&'a str],
}

/// A `horserace serve` child process. Its stdout and stderr are kept for inspection; dropping
/// it kills the process.
pub struct Server {
    child: Option<Child>,
    pub address: String,
    pub api: Api,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    sessions: Option<Sessions>,
}

/// A server's PostgreSQL sessions, told apart by the `application_name` its URL gives them.
/// PostgreSQL finishes a COMMIT that arrived before its client died, so a killed server's last
/// transaction may still land after the process is gone; a check that reads the database right
/// after the kill must wait for those sessions to end first. SQLite has no sessions outside the
/// process, so nothing there to wait for.
struct Sessions {
    database_url: String,
    name: String,
}

/// Gives every server started by this test process its own session name.
static SERVERS_STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Sessions {
    /// On PostgreSQL, the URL to start a server with, naming its sessions; on SQLite, the URL.
    fn tag(database_url: &str) -> (String, Option<Sessions>) {
        if !matches!(
            DatabaseUrl::parse(database_url),
            Ok(DatabaseUrl::Postgres(_))
        ) {
            return (database_url.to_owned(), None);
        }
        let n = SERVERS_STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("hr-test-{}-{n}", std::process::id());
        let separator = if database_url.contains('?') { '&' } else { '?' };
        let url = format!("{database_url}{separator}application_name={name}");
        let sessions = Sessions {
            database_url: database_url.to_owned(),
            name,
        };
        (url, Some(sessions))
    }

    /// Waits until none of the sessions is left. A database that is gone has none.
    fn wait_until_ended(&self) {
        #[derive(QueryableByName)]
        struct Left {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let Ok(mut conn) = diesel::PgConnection::establish(&self.database_url) else {
            return;
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let left = diesel::sql_query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1",
            )
            .bind::<diesel::sql_types::Text, _>(&self.name)
            .get_result::<Left>(&mut conn);
            let problem = match left {
                Ok(Left { n: 0 }) => return,
                Ok(Left { n }) if std::time::Instant::now() > deadline => {
                    format!("{n} sessions of a killed server still open after 30 s")
                }
                Ok(_) => {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                Err(e) => format!("could not count a killed server's sessions: {e}"),
            };
            // Dropping a server while a test unwinds must not panic a second time.
            if !std::thread::panicking() {
                panic!("{problem}");
            }
            return;
        }
    }
}

impl Server {
    /// The real binary on an existing database, logging warnings only. Writes are not
    /// rate-limited: these servers are loaded as hard as possible to be crashed mid-write.
    pub fn start(database_url: &str) -> Server {
        Server::start_with(&ServerOptions {
            database_url,
            log: "warn",
            bootstrap_token: None,
            args: &["--write-rate", "0"],
        })
    }

    pub fn start_with(options: &ServerOptions<'_>) -> Server {
        let (database_url, sessions) = Sessions::tag(options.database_url);
        let mut command = Command::new(env!("CARGO_BIN_EXE_horserace"));
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2"])
            .args(options.args)
            .env("DATABASE_URL", database_url)
            .env("HORSERACE_LOG", options.log)
            .env_remove("HORSERACE_BOOTSTRAP_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(token) = options.bootstrap_token {
            command.env("HORSERACE_BOOTSTRAP_TOKEN", token);
        }
        let mut child = command.spawn().expect("the server binary starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = mpsc::channel();
        {
            let pipe = child.stdout.take().expect("stdout");
            let lines = Arc::clone(&stdout);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(port) = line.strip_prefix("horserace is listening on port ") {
                        let _ = port_tx.send(port.trim().to_owned());
                    }
                    lines.lock().unwrap().push(line);
                }
            });
        }
        {
            let mut pipe = child.stderr.take().expect("stderr");
            let bytes = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    bytes.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
            });
        }
        let port = match port_rx.recv_timeout(START_TIMEOUT) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "the server did not start; stderr:\n{}",
                    String::from_utf8_lossy(&stderr.lock().unwrap())
                );
            }
        };
        let address = format!("http://127.0.0.1:{port}");
        Server {
            child: Some(child),
            api: Api::new(&address),
            address,
            stdout,
            stderr,
            sessions,
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown, no flushing, no goodbye. Returns
    /// once the process is gone and, on PostgreSQL, its sessions too: whatever the database
    /// holds then is final.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            if let Some(sessions) = &self.sessions {
                sessions.wait_until_ended();
            }
        }
    }

    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------------

/// The PostgreSQL server the suite runs on, if `HORSERACE_TEST_POSTGRES` names one.
pub fn postgres_server() -> Option<String> {
    std::env::var("HORSERACE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .map(|url| {
            let after_scheme = url.find("://").map_or(0, |i| i + 3);
            match url[after_scheme..].find('/') {
                Some(slash) => url[..after_scheme + slash].to_owned(),
                None => url.trim_end_matches('/').to_owned(),
            }
        })
}

pub fn backend_name() -> &'static str {
    if postgres_server().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A direct connection to the database a server runs on, for checks behind the API's back.
pub fn connect(database_url: &str) -> DbConnection {
    use diesel::r2d2::ManageConnection;
    let url = DatabaseUrl::parse(database_url).expect("a database URL");
    ConnectionManager::new(url)
        .connect()
        .expect("a direct database connection")
}

/// A database nobody has started a server on yet (so the first start creates the admin and
/// prints its token); dropped with the test.
pub struct FreshDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl FreshDatabase {
    pub fn new() -> FreshDatabase {
        match postgres_server() {
            Some(server) => {
                let name = format!(
                    "hr_rel_{}_{}",
                    std::process::id(),
                    Utc::now().timestamp_nanos_opt().unwrap_or_default()
                );
                let mut conn = PgConnection::establish(&format!("{server}/postgres"))
                    .expect("HORSERACE_TEST_POSTGRES names a reachable server");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create the database");
                FreshDatabase {
                    url: format!("{server}/{name}"),
                    _dir: None,
                    postgres: Some((server, name)),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("horserace.db");
                FreshDatabase {
                    url: path.to_str().expect("a UTF-8 path").to_owned(),
                    _dir: Some(dir),
                    postgres: None,
                }
            }
        }
    }

    /// The SQLite files (database and write-ahead log), if this is SQLite.
    pub fn sqlite_files(&self) -> Vec<std::path::PathBuf> {
        if self.postgres.is_some() {
            return Vec::new();
        }
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| std::path::PathBuf::from(format!("{}{suffix}", self.url)))
            .filter(|p| p.exists())
            .collect()
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres
            && let Ok(mut conn) = PgConnection::establish(&format!("{server}/postgres"))
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// Everything stored, reduced to what a refused request must leave unchanged: the row count
/// of every table, and the status of every bet, round and token.
pub fn fingerprint(conn: &mut DbConnection) -> BTreeMap<String, String> {
    use horserace::db::schema::*;
    let mut print = BTreeMap::new();
    macro_rules! count {
        ($table:ident) => {
            let n: i64 = $table::table
                .count()
                .get_result(conn)
                .expect(concat!("count ", stringify!($table)));
            print.insert(stringify!($table).to_owned(), n.to_string());
        };
    }
    count!(portfolio);
    count!(teams);
    count!(users);
    count!(tokens);
    count!(arenas);
    count!(bets);
    count!(thresholds);
    count!(reports);
    count!(rounds);
    count!(round_pins);
    count!(round_results);
    count!(accounts);
    count!(ledger_entries);
    count!(audit_log);
    let bets: Vec<(i64, String)> = bets::table
        .select((bets::id, bets::status))
        .order(bets::id)
        .load(conn)
        .expect("bet statuses");
    print.insert("bet statuses".into(), format!("{bets:?}"));
    let rounds: Vec<(i64, String, Option<i64>)> = rounds::table
        .select((rounds::id, rounds::status, rounds::reserve))
        .order(rounds::id)
        .load(conn)
        .expect("round statuses");
    print.insert("round statuses".into(), format!("{rounds:?}"));
    let pins: Vec<(i64, i64, Option<i64>, bool)> = round_pins::table
        .select((
            round_pins::round_id,
            round_pins::bet_id,
            round_pins::pinned_grant,
            round_pins::waive_kill,
        ))
        .order((round_pins::round_id, round_pins::bet_id))
        .load(conn)
        .expect("pins");
    print.insert("pins".into(), format!("{pins:?}"));
    let revoked: i64 = tokens::table
        .filter(tokens::revoked_at.is_not_null())
        .count()
        .get_result(conn)
        .expect("revoked tokens");
    print.insert("revoked tokens".into(), revoked.to_string());
    print
}

/// The lines of two fingerprints that differ, for a failure message.
pub fn fingerprint_diff(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<String> {
    before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: {v} -> {}", after.get(k).map_or("?", String::as_str)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, fast, and the same sequence on every machine for a given seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The seed named by `var`, or a fresh one. Printed, so a failing run can be replayed.
pub fn seed_from_env(var: &str) -> u64 {
    let seed = std::env::var(var)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
            Rng::new(nanos ^ u64::from(std::process::id())).next_u64()
        });
    println!("seed: {var}={seed}");
    seed
}

/// Says how to replay a failing randomized test: dropped while panicking, it prints the seed.
pub struct SeedGuard {
    pub var: &'static str,
    pub seed: u64,
}

impl Drop for SeedGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\n*** replay this failure with {}={} (backend: {}) ***\n",
                self.var,
                self.seed,
                backend_name()
            );
        }
    }
}
