//! What each role sees.

use super::{sign_in, world_with_round};
use crate::harness::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn each_role_sees_its_pages() {
    let app = spawn_app().await;
    let (w, round) = world_with_round(&app).await;
    let exec = sign_in(&app, &w.exec).await;
    let member = sign_in(&app, &w.member_a).await;
    let partner = sign_in(&app, &w.partner).await;
    let committee = sign_in(&app, &app.admin).await;

    for (browser, path) in [
        (&exec, "/"),
        (&exec, "/arenas"),
        (&exec, &format!("/arenas/{}", w.arena)),
        (&exec, "/teams"),
        (&exec, &format!("/teams/{}", w.team_a)),
        (&exec, &format!("/bets/{}", w.bet_a)),
        (&exec, "/rounds"),
        (&exec, &format!("/rounds/{round}")),
        (&exec, "/audit"),
        (&member, "/"),
        (&member, &format!("/bets/{}", w.bet_b)),
        (&committee, "/audit"),
        (&partner, &format!("/teams/{}", w.partner_team)),
    ] {
        let (status, body) = browser.get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("<h1"), "{path} has a heading");
    }
    // The portfolio shows where the money went.
    let (_, body) = exec.get(&app, "/").await;
    assert!(
        body.contains("Where round") && body.contains("<svg"),
        "charts on the portfolio"
    );
    assert!(body.contains("Chat stickers"));
    // The latest round by arena and by team: a bar each, titled with its name.
    for name in ["Mobile messaging", "Pod A", "Pod B", "Partner Co"] {
        assert!(body.contains(&format!("<title>{name}: ")), "{name}'s bar");
    }
    // Execs and members read; only the committee sees the actions.
    let (_, body) = exec.get(&app, "/rounds").await;
    assert!(!body.contains("Open the draft round"));
    let (_, body) = committee.get(&app, "/rounds").await;
    assert!(body.contains("Open the draft round"));
    let (status, _) = member.get(&app, "/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Partners start on their team, see nothing of the others.
    let (status, _) = partner.get(&app, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = partner.get(&app, &format!("/teams/{}", w.team_a)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = partner.get(&app, &format!("/bets/{}", w.bet_a)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, body) = partner.get(&app, &format!("/rounds/{round}")).await;
    assert!(
        body.contains("Partner bots")
            && !body.contains("Chat stickers")
            && !body.contains("Voice notes")
    );
    let (_, body) = partner.get(&app, "/teams").await;
    assert!(body.contains("Partner Co") && !body.contains("Pod A"));
    // Members get the report form on their own team and bets only.
    let (_, own) = member.get(&app, &format!("/teams/{}", w.team_a)).await;
    assert!(own.contains("Store the report"));
    let (_, other) = member.get(&app, &format!("/teams/{}", w.team_b)).await;
    assert!(!other.contains("Store the report"));
    let (_, own_bet) = member.get(&app, &format!("/bets/{}", w.bet_a)).await;
    assert!(own_bet.contains("/correct\">Correct</a>"));
    let (_, other_bet) = member.get(&app, &format!("/bets/{}", w.bet_b)).await;
    assert!(!other_bet.contains("/correct\">Correct</a>"));
    // A missing page is a page, not JSON.
    let (status, body) = exec.get(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<!doctype html>"));
}
