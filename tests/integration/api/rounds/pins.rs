//! Pins on bets that changed meanwhile.

use super::{assert_round_adds_up, commit, create_round};
use crate::harness::{days_ago, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_pin_on_a_bet_killed_meanwhile_does_not_block_the_commit() {
    let app = spawn_app().await;
    let w = app.world().await;
    let r = create_round(&app, 1_000, days_ago(3)).await;
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/rounds/{r}/pins/{}", w.bet_a),
        Some(&app.admin),
        Some(&json!({"grant": 500, "reason": "promised"})),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/bets/{}/kill", w.bet_a),
        &app.admin,
        json!({"reason": "fraud"}),
    )
    .await
    .expect(200);
    let round = commit(&app, r).await;
    let lines = round["evaluation"]["results"].as_array().unwrap();
    assert!(lines.iter().all(|l| l["bet_id"] != w.bet_a));
    assert_eq!(round["evaluation"]["money"]["pinned_total"], 0);
    assert_round_adds_up(&app, &round).await;
}
