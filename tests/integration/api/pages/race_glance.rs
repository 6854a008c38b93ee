//! Races beyond their own pages: the portfolio lists the races under way (leader, how sure,
//! finish) and decided (winner), and the rounds page says when a prize waits for a draft.

use chrono::TimeDelta;
use serde_json::json;

use super::sign_in;
use crate::api::races::{race_body, racing_world};
use crate::harness::spawn_app;

#[tokio::test]
async fn the_portfolio_lists_races_and_the_rounds_page_shows_a_waiting_prize() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let id = app
        .post("/api/v1/races", &app.admin, race_body(&w))
        .await
        .expect(201)
        .id();
    let exec = sign_in(&app, &w.exec).await;
    let (_, page) = exec.get(&app, "/").await;
    assert!(
        page.contains(&format!(r#"<a href="/races/{id}">Messaging race</a>"#))
            && page.contains("under way")
            && page.contains("Chat stickers leads, P(best)"),
        "{page}"
    );

    app.clock.advance(TimeDelta::hours(2));
    app.post(
        &format!("/api/v1/races/{id}/decision"),
        &app.admin,
        json!({"losers": [
            {"bet_id": w.bet_b, "fate": "continues"},
            {"bet_id": w.partner_bet, "fate": "continues"},
        ]}),
    )
    .await
    .expect(200);
    let (_, page) = exec.get(&app, "/").await;
    assert!(page.contains("won by Chat stickers"), "{page}");
    let (_, rounds) = exec.get(&app, "/rounds").await;
    assert!(
        rounds.contains("USD 5,000.00 for Chat stickers, the prize of Messaging race, waits"),
        "{rounds}"
    );
    // A partner sees no money totals, and so no prize line.
    let partner = sign_in(&app, &w.partner).await;
    let (_, rounds) = partner.get(&app, "/rounds").await;
    assert!(!rounds.contains("the prize of"), "{rounds}");
}
