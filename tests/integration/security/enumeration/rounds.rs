//! A round as a partner sees it: its own lines and nothing of any other team.

use crate::harness::{Api, at, days_ago};
use crate::harness::{TestApp, World, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// A round as a partner sees it: its own team's lines and nothing of any other team.
pub(super) async fn partner_round_view(app: &TestApp, w: &World) -> (Value, Value) {
    let api = Api::of(app);
    // Evidence for every bet, and one more bet of team A whose threshold starts after the
    // round, so that it sits the round out.
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        let rows: Vec<Value> = (0..4).map(|i| json!({"bet_id": bet, "value": 110.0 + f64::from(i) * 5.0, "observed_at": at(days_ago(20 - i64::from(i)))})).collect();
        api.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    let late = api
        .post("/api/v1/bets", &w.member_a, json!({
            "arena_id": w.arena, "title": "Team A late starter",
            "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0,
            "thresholds": [{"target": 2.0, "effective_from": at(days_ago(5))}]
        }))
        .await
        .expect(201)
        .id();
    app.activate(late).await;
    let round = api
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1_000_000, "as_of": at(days_ago(10))}),
        )
        .await
        .expect(201)
        .id();
    api.put(
        &format!("/api/v1/rounds/{round}/pins/{}", w.bet_b),
        &app.admin,
        json!({"grant": 1234, "reason": "Pod B commitment"}),
    )
    .await
    .expect(200);
    api.call(
        Method::POST,
        &format!("/api/v1/rounds/{round}/commit"),
        Some(&app.admin),
        None,
    )
    .await
    .expect(200);
    let detail = api
        .get(&format!("/api/v1/rounds/{round}"), &w.partner)
        .await
        .expect(200)
        .body;
    let list = api.get("/api/v1/rounds", &w.partner).await.expect(200).body;
    (detail, list)
}

#[tokio::test]
async fn a_partner_sees_only_its_own_lines_and_pins_in_a_round() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (detail, _) = partner_round_view(&app, &w).await;
    let lines = detail["evaluation"]["results"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l["bet_id"] == w.partner_bet),
        "{detail}"
    );
    assert!(
        detail["pins"].as_array().unwrap().is_empty(),
        "another team's pin is shown: {detail}"
    );
}

#[tokio::test]
async fn a_partner_reading_a_round_sees_no_other_team() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (detail, _) = partner_round_view(&app, &w).await;
    let text = detail.to_string();
    for secret in [
        "Team A late starter",
        "Chat stickers",
        "Voice notes",
        "Pod A",
        "Pod B",
    ] {
        assert!(
            !text.contains(secret),
            "a partner's view of a round shows {secret:?}: {text}"
        );
    }
}

#[tokio::test]
async fn a_partner_sees_no_portfolio_wide_money_in_a_round() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (detail, list) = partner_round_view(&app, &w).await;
    assert!(
        list[0]["reserve"].is_null() && list[0]["granted"].is_null(),
        "the list hides them: {list}"
    );
    assert!(
        detail["reserve"].is_null(),
        "reserve: {}",
        detail["reserve"]
    );
    let e = &detail["evaluation"];
    assert!(e.is_object(), "the partner still sees its own lines");
    assert!(e["money"].is_null(), "evaluation.money = {}", e["money"]);
    for field in ["total_granted", "reserve", "pinned_total", "available"] {
        assert!(e[field].is_null(), "evaluation.{field} = {}", e[field]);
    }
}
