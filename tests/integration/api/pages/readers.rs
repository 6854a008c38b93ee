//! The small things a reader trips over: an error page keeps the top bar and says what to do;
//! members land on their team; a corrected report is not offered for correction again and a
//! correction that lost a race comes back in its form; list pages lead with a key figure in
//! correct plurals; every page carries a Content-Security-Policy.

use super::{no_redirects, sign_in};
use crate::harness::spawn_app;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE};
use serde_json::json;

#[tokio::test]
async fn error_pages_keep_the_top_bar_and_say_what_to_do() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = sign_in(&app, &w.member_a).await;
    let (status, page) = member.get(&app, "/bets/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("class=\"topbar\"") && page.contains("Start again from your team&#39;s page"),
        "{page}"
    );
    let (status, page) = member.get(&app, "/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("class=\"topbar\"") && page.contains("You are signed in as"),
        "{page}"
    );
    // An address no route knows is a page too, in the frame.
    let (status, page) = member.get(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("class=\"topbar\""), "{page}");
    // Signed out, the plain page offers the sign-in.
    let r = no_redirects()
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("href=\"/login\"") && !page.contains("Sign out"),
        "{page}"
    );
    // The API's errors stay JSON.
    let reply = app
        .get("/api/v1/bets/999999", &w.member_a)
        .await
        .expect(404);
    assert_eq!(reply.code(), "not_found");
}

#[tokio::test]
async fn a_member_lands_on_the_team_page_and_every_page_carries_a_content_security_policy() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = sign_in(&app, &w.member_a).await;
    let r = no_redirects()
        .get(app.url("/teams"))
        .header(COOKIE, &member.cookie)
        .send()
        .await
        .unwrap();
    let policy = r.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    assert!(r.text().await.unwrap().contains("Balance ("));
    let (_, home) = member.get(&app, "/").await;
    // The brand and the home link lead to the member's own team.
    assert!(
        home.contains(&format!("class=\"brand\" href=\"/teams/{}\"", w.team_a)),
        "{home}"
    );
}

#[tokio::test]
async fn list_pages_lead_with_a_key_figure_in_correct_plurals() {
    let app = spawn_app().await;
    let w = app.world().await;
    let exec = sign_in(&app, &w.exec).await;
    let (_, arenas) = exec.get(&app, "/arenas").await;
    assert!(arenas.contains("class=\"key-figure\""), "{arenas}");
    assert!(arenas.contains("in 1 arena, from "), "{arenas}");
    assert!(!arenas.contains(" 1 teams") && !arenas.contains(" 1 active bets"));
    let (_, teams) = exec.get(&app, "/teams").await;
    assert!(teams.contains("class=\"key-figure\""), "{teams}");
    assert!(teams.contains("on the accounts of 3 teams"), "{teams}");
}

#[tokio::test]
async fn a_corrected_report_is_not_offered_again_and_a_late_correction_keeps_what_was_typed() {
    let app = spawn_app().await;
    let w = app.world().await;
    let first = app
        .post(
            &format!("/api/v1/bets/{}/reports", w.bet_a),
            &w.member_a,
            json!({"value": 2049.0, "observed_at": "2026-05-01T10:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let member = sign_in(&app, &w.member_a).await;
    // The member opens the form, then a colleague corrects the report through the API.
    let (status, form) = member.get(&app, &format!("/reports/{first}/correct")).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let newer = app
        .post(
            &format!("/api/v1/reports/{first}/corrections"),
            &w.member_a,
            json!({"value": 204.9, "observed_at": "2026-05-01T10:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let key = super::attr(&form, "key");
    let (status, _, page) = member
        .post(
            &app,
            &format!("/reports/{first}/correct"),
            &[
                ("value", "205.5"),
                ("observed_at", "2026-05-01T10:00"),
                ("source", "typed by hand"),
                ("key", &key),
                ("back", "/"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("corrected meanwhile"), "{page}");
    assert!(
        page.contains("value=\"205.5\"") && page.contains("typed by hand"),
        "what was typed is kept: {page}"
    );
    assert_eq!(app.report_count(w.bet_a).await, 2);
    // Asked for again, the form corrects the replacement instead.
    let (status, _) = member.get(&app, &format!("/reports/{first}/correct")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = member
        .get(
            &app,
            &format!("/reports/{newer}/correct?notice=already-corrected"),
        )
        .await;
    assert!(page.contains("corrected already"), "{page}");
    // The bet page offers no correction of the corrected one.
    let (_, bet) = member.get(&app, &format!("/bets/{}", w.bet_a)).await;
    assert!(!bet.contains(&format!("/reports/{first}/correct")), "{bet}");
    assert!(bet.contains(&format!("/reports/{newer}/correct")), "{bet}");
}
