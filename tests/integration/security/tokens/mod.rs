//! Tokens: stored only as hashes, honoured only while live, and never written to a log.

use crate::harness::postgres_server;
use diesel::prelude::*;
use diesel::sql_types::Text;
use horserace::db::DbConnection;

mod at_rest;
mod lifetime;
mod logs;

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
