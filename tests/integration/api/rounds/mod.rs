//! Funding rounds through the API: create, pin, preview, commit, verify, and the ledger.

use crate::harness::{TestApp, at, count, days_ago};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

mod cli;
mod concurrency;
mod evidence;
mod lifecycle;
mod pins;
mod refusals;
mod views;

/// Reports `values` for a bet, one a day ending `end_days_ago` days ago.
async fn report_series(app: &TestApp, token: &str, bet: i64, end_days_ago: i64, values: &[f64]) {
    let n = count(values.len());
    let rows: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"bet_id": bet, "value": v, "observed_at": at(days_ago(end_days_ago + n - 1 - count(i)))}))
        .collect();
    app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
        .await
        .expect(201);
}

/// The id of the bet's report with this value, from the bet's history.
async fn report_with_value(app: &TestApp, token: &str, bet: i64, value: f64) -> Value {
    let history = app
        .get(&format!("/api/v1/bets/{bet}/reports"), token)
        .await
        .expect(200)
        .body;
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == value)
        .unwrap()["id"]
        .clone()
}

async fn create_round(app: &TestApp, budget: i64, as_of: DateTime<Utc>) -> i64 {
    app.post(
        "/api/v1/rounds",
        &app.admin,
        json!({"budget": budget, "as_of": at(as_of)}),
    )
    .await
    .expect(201)
    .id()
}

/// Previews round `r` as the committee and returns the round with its evaluation.
async fn preview(app: &TestApp, r: i64) -> Value {
    app.post(
        &format!("/api/v1/rounds/{r}/preview"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200)
    .body
}

/// Commits round `r` as the committee and returns the committed round.
async fn commit(app: &TestApp, r: i64) -> Value {
    app.post(&format!("/api/v1/rounds/{r}/commit"), &app.admin, json!({}))
        .await
        .expect(200)
        .body
}

fn line(round: &Value, bet: i64) -> Value {
    round["evaluation"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["bet_id"] == bet)
        .unwrap_or_else(|| panic!("bet {bet} not in round {round}"))
        .clone()
}

/// Grants plus reserve equal the budget; the ledger sums to zero and matches the grants;
/// verification passes.
async fn assert_round_adds_up(app: &TestApp, round: &Value) {
    let e = &round["evaluation"];
    let granted: i64 = e["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["grant"].as_i64().unwrap())
        .sum();
    assert_eq!(
        granted + e["money"]["reserve"].as_i64().unwrap(),
        round["budget"].as_i64().unwrap(),
        "round {}",
        round["id"]
    );
    assert_eq!(e["money"]["total_granted"].as_i64().unwrap(), granted);
    let ledger = app
        .get("/api/v1/ledger?per_page=500", &app.admin)
        .await
        .expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0);
    let balances: i64 = ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["balance"].as_i64().unwrap())
        .sum();
    assert_eq!(balances, 0);
    let id = round["id"].as_i64().unwrap();
    let entries = app
        .get(
            &format!("/api/v1/ledger?round_id={id}&per_page=500"),
            &app.admin,
        )
        .await
        .expect(200);
    let paid: i64 = entries.body["entries"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(paid, granted);
    let verdict = app
        .get(&format!("/api/v1/rounds/{id}/verification"), &app.admin)
        .await
        .expect(200);
    assert_eq!(verdict.body["matches"], true, "{}", verdict.body);
}
