//! CSV exports a spreadsheet opens safely: a text cell that would start a formula gets a
//! leading `'`, numbers (negative ones too) stay numbers; the reserve row's budget reads as
//! money.

use serde_json::json;

use super::spawn;
use crate::harness::{TestApp, World};

const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
const DDE: &str = "=cmd|' /C calc'!A0";

/// A CSV export as a header and rows of cells.
async fn csv(app: &TestApp, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let response = match app
        .client
        .get(app.url(path))
        .bearer_auth(&app.admin)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => panic!("GET {path}: {e}"),
    };
    assert_eq!(response.status(), 200, "GET {path}");
    let text = response.text().await.unwrap_or_default();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .unwrap_or_default()
        })
        .collect();
    (header, rows)
}

/// The cell of `column` in the first row whose `key` column is `value`.
fn cell(table: &(Vec<String>, Vec<Vec<String>>), key: &str, value: &str, column: &str) -> String {
    let at = |name: &str| table.0.iter().position(|h| h == name);
    let (Some(k), Some(c)) = (at(key), at(column)) else {
        panic!("no {key} or {column} column in {:?}", table.0);
    };
    let Some(row) = table.1.iter().find(|r| r[k] == value) else {
        panic!("no row with {key} = {value:?} in {:?}", table.1);
    };
    row[c].clone()
}

/// A team named like a DDE payload with a bet titled like a formula and a negative baseline.
async fn hostile_bet(app: &TestApp, w: &World) -> i64 {
    let team = app.create_team(DDE, "internal").await;
    let (_, member) = app.create_user("mallory", "member", Some(team)).await;
    let bet = app
        .post(
            "/api/v1/bets",
            &member,
            json!({
                "arena_id": w.arena, "team_id": team, "title": HYPERLINK,
                "metric": {"name": "net promoter score", "unit": "points", "direction": "higher_is_better"},
                "baseline": -5.0,
                "thresholds": [{"target": 1.0, "effective_from": "2025-01-01T00:00:00Z"}]
            }),
        )
        .await
        .expect(201)
        .id();
    app.activate(bet).await;
    bet
}

#[tokio::test]
async fn formula_cells_are_neutralised_in_csv_exports_and_numbers_are_not() {
    let app = spawn().await;
    let w = app.world().await;
    let id = hostile_bet(&app, &w).await;
    let bet = id.to_string();
    let round = app.commit_round(100_000, "2026-07-01T00:00:00Z").await;

    let portfolio = csv(&app, "/api/v1/exports/portfolio.csv").await;
    assert_eq!(
        cell(&portfolio, "bet_id", &bet, "title"),
        format!("'{HYPERLINK}")
    );
    assert_eq!(cell(&portfolio, "bet_id", &bet, "team"), format!("'{DDE}"));
    assert_eq!(cell(&portfolio, "bet_id", &bet, "baseline"), "-5.0");

    let results = csv(&app, &format!("/api/v1/rounds/{round}/results.csv")).await;
    assert_eq!(
        cell(&results, "bet_id", &bet, "bet"),
        format!("'{HYPERLINK}")
    );
    assert_eq!(cell(&results, "bet_id", &bet, "team"), format!("'{DDE}"));
    assert_eq!(cell(&results, "bet_id", &bet, "threshold"), "1.0");

    // What the JSON export and the API say is left as it was typed.
    let json = app
        .get("/api/v1/exports/portfolio.json", &app.admin)
        .await
        .expect(200);
    let line = json
        .body
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["bet_id"] == id).cloned());
    assert_eq!(line.map(|l| l["title"].clone()), Some(json!(HYPERLINK)));
}

#[tokio::test]
async fn the_reserve_row_of_a_round_export_reads_its_budget_as_money() {
    let app = spawn().await;
    app.world().await;
    let round = app.commit_round(100_000_000, "2026-07-01T00:00:00Z").await;
    let results = csv(&app, &format!("/api/v1/rounds/{round}/results.csv")).await;
    assert_eq!(
        cell(&results, "bet", "(reserve)", "reasons"),
        "what no bet could take; grants plus reserve = budget 1,000,000.00"
    );
}
