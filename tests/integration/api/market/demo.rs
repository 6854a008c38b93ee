//! The demo's market, as a new user finds it: three services from two platform teams, requests
//! in every state with a contested queue, two billed periods with an unpaid subscription, a
//! team at its overdraft limit, and books that reconcile.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::serve_demo;

#[tokio::test]
async fn the_demo_market_has_every_state_and_balances() {
    let (_database, api, people) = serve_demo().await;
    let admin = people.committee.1.expose();
    let get = |path: &'static str| {
        let api = api.clone();
        async move { api.get(path, admin).await.expect(200).body }
    };

    let services = get("/api/v1/services").await;
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), 3);
    let providers: BTreeSet<i64> = services
        .iter()
        .map(|s| s["provider_team_id"].as_i64().unwrap())
        .collect();
    assert_eq!(providers.len(), 2, "two platform teams");
    let design = services
        .iter()
        .find(|s| s["name"] == "Design system")
        .unwrap();
    assert!(
        design["scheduled_units"].as_i64().unwrap() > 0
            && design["waiting_units"].as_i64().unwrap() > 0,
        "a contested queue: {design}"
    );

    let requests = get("/api/v1/requests").await;
    let states: BTreeSet<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    let all = [
        "open",
        "quoted",
        "accepted",
        "delivered",
        "declined",
        "withdrawn",
        "cancelled",
    ];
    assert_eq!(states, all.into_iter().collect(), "every state");
    assert!(
        requests
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["quote_expired"] == true)
    );

    let runs = get("/api/v1/billing-runs").await;
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(
        runs.iter()
            .all(|r| r["status"] == "committed" && r["unpaid"].as_i64().unwrap() > 0)
    );

    let teams = get("/api/v1/teams").await;
    let mut at_limit = 0;
    for team in teams.as_array().unwrap() {
        let id = team["id"].as_i64().unwrap();
        let account: Value = api
            .get(&format!("/api/v1/teams/{id}/account"), admin)
            .await
            .expect(200)
            .body;
        if account["overdraft_limit"].as_i64().unwrap() > 0 && account["available"] == 0 {
            at_limit += 1;
        }
        let s = api
            .get(
                &format!("/api/v1/teams/{id}/statement?from=2020-01-01&to=2029-01-01"),
                admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(s["reconciles"], true, "team {id}: {s}");
        assert_eq!(s["closing"]["available"], account["balance"], "team {id}");
    }
    assert_eq!(at_limit, 1, "one team at its overdraft limit");
    let ledger = get("/api/v1/ledger").await;
    assert_eq!(ledger["sum_of_balances"], 0);
}
