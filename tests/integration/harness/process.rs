//! Real `horserace serve` child processes: started on an existing database, killed with
//! SIGKILL when a test says so (or when dropped), their output kept for inspection.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use diesel::prelude::*;
use horserace::db::connection::DatabaseUrl;

use crate::harness::Api;

/// How long a child process may take to start and say where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(60);

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
