//! The terminal commands for rounds: run, verify, and catch tampering.

use super::report_series;
use crate::harness::{at, cli, days_ago, spawn_app};

/// The terminal commands run a round and verify it; tampering with a stored grant is caught.
#[tokio::test]
async fn the_cli_runs_and_verifies_rounds_and_catches_tampering() {
    use diesel::{Connection, RunQueryDsl};
    let app = spawn_app().await;
    let w = app.world().await;
    report_series(
        &app,
        &w.member_a,
        w.bet_a,
        11,
        &[110.0, 118.0, 125.0, 131.0],
    )
    .await;
    let as_of = at(days_ago(10));
    let (ok, out, _) = cli(
        &app.database_url,
        &["round", "create", "--budget", "100000", "--as-of", &as_of],
    );
    assert!(ok, "{out}");
    let (ok, out, _) = cli(
        &app.database_url,
        &[
            "round",
            "pin",
            "1",
            &w.bet_b.to_string(),
            "--grant",
            "5000",
            "--reason",
            "keep the lights on",
        ],
    );
    assert!(ok, "{out}");
    let (ok, out, _) = cli(&app.database_url, &["round", "commit", "1", "--yes"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Chat stickers")
            && out.contains("pinned")
            && out.contains("Committed round 1"),
        "{out}"
    );
    let (ok, out, _) = cli(&app.database_url, &["round", "verify", "1"]);
    assert!(ok && out.contains("matches bit for bit"), "{out}");
    let (ok, _, _) = cli(
        &app.database_url,
        &[
            "round",
            "--as",
            "alice",
            "create",
            "--budget",
            "1",
            "--as-of",
            &at(days_ago(2)),
        ],
    );
    assert!(!ok, "a member cannot open a round");

    // Someone edits a stored grant behind horserace's back: verification says so.
    let url = &app.database_url;
    let tamper =
        "UPDATE round_results SET granted = granted + 1 WHERE round_id = 1 AND granted > 0";
    if url.starts_with("postgres") {
        diesel::sql_query(tamper)
            .execute(&mut diesel::PgConnection::establish(url).unwrap())
            .unwrap();
    } else {
        diesel::sql_query(tamper)
            .execute(&mut diesel::SqliteConnection::establish(url).unwrap())
            .unwrap();
    }
    let (ok, out, _) = cli(&app.database_url, &["round", "verify", "1"]);
    assert!(!ok, "verification must fail: {out}");
    assert!(out.contains("does NOT match"), "{out}");
    let verdict = app
        .get("/api/v1/rounds/1/verification", &app.admin)
        .await
        .expect(200);
    assert_eq!(verdict.body["matches"], false);
}
