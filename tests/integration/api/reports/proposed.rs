//! Reports on proposed bets come only from their own team.

use crate::harness::spawn_app;
use serde_json::json;

#[tokio::test]
async fn reports_on_proposed_bets_only_from_their_own_team() {
    let app = spawn_app().await;
    let w = app.world().await;
    let proposed = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Not yet active")
        .await;
    app.report(&w.member_a, proposed, json!({"value": 100.0}))
        .await
        .expect(201);
    app.report(&w.member_b, proposed, json!({"value": 100.0}))
        .await
        .expect(403);
    app.report(&w.partner, proposed, json!({"value": 100.0}))
        .await
        .expect(404);
}
