//! Races on the pages: the arena page leads with its race for those who may read it (the
//! committee, execs, a racing member with what its bet needs to take the lead, a partner who
//! sees the other racers without their teams) and shows nothing of it to a team outside it;
//! the race page's decision form is reviewed (a trial that writes nothing), then decides the
//! race; a refused decision or extension comes back with what was typed and writes nothing;
//! the finish moves later.

use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;

use super::{Browser, sign_in};
use crate::api::races::{race_body, racing_world};
use crate::harness::{TestApp, World, connect, fingerprint, spawn_app};

fn has(page: &str, what: &str) {
    assert!(page.contains(what), "missing {what:?} in {page}");
}

fn lacks(page: &str, what: &str) {
    assert!(!page.contains(what), "unexpected {what:?} in {page}");
}

/// A date as the pages write it, with no-break hyphens.
fn page_date(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string().replace('-', "\u{2011}")
}

fn refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Declares the standard race of `api::races`; its id.
async fn declare(app: &TestApp, w: &World) -> i64 {
    app.post("/api/v1/races", &app.admin, race_body(w))
        .await
        .expect(201)
        .id()
}

#[tokio::test]
async fn the_arena_page_leads_with_its_race_for_those_who_may_read_it() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let team_c = app.create_team("Pod C", "internal").await;
    let (_, outsider) = app.create_user("cara", "member", Some(team_c)).await;
    let race = declare(&app, &w).await;
    let arena = format!("/arenas/{}", w.arena);

    for token in [&app.admin, &w.exec] {
        let (status, page) = sign_in(&app, token).await.get(&app, &arena).await;
        assert_eq!(status, StatusCode::OK);
        has(
            &page,
            &format!(r#"<a href="/races/{race}">Race: Messaging race</a>"#),
        );
        has(
            &page,
            "Racing: Chat stickers (Pod A), Voice notes (Pod B) and Partner bots (Partner Co).",
        );
        has(&page, "Chat stickers leads with P(best) ");
        has(&page, ": enough to call it (90% needed)");
        has(&page, "the race finishes ");
        has(&page, "hr-chart hr-chart-race");
        has(
            &page,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="pbest""#,
        );
        has(&page, "expected loss ");
        has(&page, "The race to the next round");
    }
    let (_, page) = sign_in(&app, &app.admin).await.get(&app, &arena).await;
    has(&page, "every racer&#39;s figures, and the decision");

    // A racing member sees its own bet highlighted and what it needs to take the lead.
    let (_, page) = sign_in(&app, &w.member_b).await.get(&app, &arena).await;
    has(&page, "To take the lead, Voice notes needs +");
    has(&page, " users by the finish.");
    has(&page, r#"<li class="own">"#);
    let (_, page) = sign_in(&app, &w.member_a).await.get(&app, &arena).await;
    has(&page, "Chat stickers, your team&#39;s bet, leads the race.");

    // A partner races too, but reads the other racers without their teams.
    let (status, page) = sign_in(&app, &w.partner).await.get(&app, &arena).await;
    assert_eq!(status, StatusCode::OK);
    has(
        &page,
        "Chat stickers (another team), Voice notes (another team) and Partner bots (Partner Co)",
    );
    lacks(&page, "Pod A");
    lacks(&page, "Pod B");

    // A team outside the race sees no race at all, and its page is not found.
    let cara = sign_in(&app, &outsider).await;
    let (status, page) = cara.get(&app, &arena).await;
    assert_eq!(status, StatusCode::OK);
    lacks(&page, "Race: Messaging race");
    lacks(&page, "hr-chart-race");
    let (status, _) = cara.get(&app, &format!("/races/{race}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The decision form as the committee fills it: Chat stickers wins, Voice notes merges (bea
/// moves with it), Partner bots is killed, no reason.
fn decision_form(w: &World, bea: i64, step: &str) -> Vec<(String, String)> {
    let (b, p) = (w.bet_b, w.partner_bet);
    [
        ("winner".to_owned(), w.bet_a.to_string()),
        (format!("fate_{b}"), "merged".to_owned()),
        (format!("fate_{p}"), "killed".to_owned()),
        (format!("person_{b}_{bea}"), "on".to_owned()),
        ("raise_cap_to".to_owned(), String::new()),
        ("reason".to_owned(), String::new()),
        ("step".to_owned(), step.to_owned()),
    ]
    .into()
}

/// Before the finish the panel says so and offers both ways out; a decision without a reason
/// is refused, in either step, with what was typed; an exec may not decide.
async fn before_the_finish(app: &TestApp, w: &World, race: i64, bea: i64, committee: &Browser) {
    let path = format!("/races/{race}");
    let decision = format!("{path}/decision");
    let (_, page) = committee.get(app, &path).await;
    has(&page, "The race has not finished");
    has(&page, "Extend the finish");
    has(&page, "Decide anyway (with a reason)");
    has(
        &page,
        &format!(
            r#"<option value="{}" selected>Chat stickers</option>"#,
            w.bet_a
        ),
    );
    let exec = sign_in(app, &w.exec).await;
    let (status, page) = exec.get(app, &path).await;
    assert_eq!(status, StatusCode::OK);
    lacks(&page, "Decide the race");

    let typed = decision_form(w, bea, "review");
    let page = committee
        .drawn_again(app, &decision, &refs(&typed), 422)
        .await;
    has(&page, r#"id="reason-error">the finish has not come"#);
    has(&page, r#"<option value="merged" selected>"#);
    let person = format!("person_{}_{bea}", w.bet_b);
    has(
        &page,
        &format!(r#"name="{person}" value="on" aria-describedby="losers-help" checked"#),
    );
    has(&page, r##"<a href="#form-decision">Back to the form</a>"##);
    let typed = decision_form(w, bea, "decide");
    committee
        .drawn_again(app, &decision, &refs(&typed), 422)
        .await;
    let (status, _, _) = exec.post(app, &decision, &refs(&typed)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_committee_reviews_then_decides_a_race_on_its_page() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let (bea, _) = app.create_user("bea", "member", Some(w.team_b)).await;
    let race = declare(&app, &w).await;
    let path = format!("/races/{race}");
    let decision = format!("{path}/decision");
    let committee = sign_in(&app, &app.admin).await;
    before_the_finish(&app, &w, race, bea, &committee).await;
    let form = |step: &str| decision_form(&w, bea, step);

    // After the finish the call decides; the review tries it and writes nothing.
    app.clock.advance(TimeDelta::hours(2));
    let (_, page) = committee.get(&app, &path).await;
    has(&page, "The race has finished and the evidence calls it");
    let mut conn = connect(&app.database_url);
    let before = fingerprint(&mut conn);
    let typed = form("review");
    let (status, _, page) = committee.post(&app, &decision, &refs(&typed)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(before, fingerprint(&mut conn), "the review wrote something");
    has(&page, "Decide Messaging race?");
    has(&page, "Chat stickers (Pod A) wins and moves to validate.");
    has(
        &page,
        "Voice notes (Pod B) is merged into Chat stickers; bea moves to Pod A.",
    );
    has(
        &page,
        "Partner bots (Partner Co) is killed: the bet is closed.",
    );
    has(
        &page,
        "The prize of USD 5,000.00 waits for the next draft round.",
    );
    has(&page, "Decide: Chat stickers wins, 1 killed, 1 merged");

    let typed = form("decide");
    let (status, location, _) = committee.post(&app, &decision, &refs(&typed)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{path}?notice=race-decided"));
    let (_, page) = committee.get(&app, &location).await;
    has(
        &page,
        "Race decided: Chat stickers wins and moves to validate.",
    );
    has(&page, "Chat stickers (Pod A) won and moved to validate.");
    has(
        &page,
        "Voice notes (Pod B): merged into Chat stickers; bea moved to Pod A.",
    );
    has(&page, "Partner bots (Partner Co): killed.");
    has(
        &page,
        "Prize: USD 5,000.00; it waits for the next draft round.",
    );
    lacks(&page, "Decide the race");

    // The bets changed as decided; the arena page now names the race's winner.
    let bet = |id: i64| format!("/api/v1/bets/{id}");
    let a_now = app.get(&bet(w.bet_a), &app.admin).await.expect(200).body;
    assert_eq!(a_now["stage"], "validate");
    let b_now = app.get(&bet(w.bet_b), &app.admin).await.expect(200).body;
    assert_eq!(b_now["status"], "merged");
    let p_now = app
        .get(&bet(w.partner_bet), &app.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(p_now["status"], "killed");
    let (_, page) = committee.get(&app, &format!("/arenas/{}", w.arena)).await;
    has(
        &page,
        &format!(r#"Latest race: <a href="/races/{race}">Messaging race</a>, decided "#),
    );
    has(&page, ": Chat stickers won.");
}

#[tokio::test]
async fn the_finish_moves_later_and_a_finish_not_later_is_refused() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let race = declare(&app, &w).await;
    let extend = format!("/races/{race}/extend");
    let committee = sign_in(&app, &app.admin).await;

    let page = committee
        .drawn_again(&app, &extend, &[("finish_at", "2020-01-01T00:00")], 422)
        .await;
    has(&page, r#"value="2020-01-01T00:00""#);
    has(
        &page,
        r#"id="finish-error">must be after the current finish"#,
    );
    has(&page, r##"<a href="#form-extend">Back to the form</a>"##);
    let page = committee
        .drawn_again(&app, &extend, &[("finish_at", "soon")], 422)
        .await;
    has(&page, r#"value="soon""#);

    let later = Utc::now() + TimeDelta::days(20);
    let typed = later.format("%Y-%m-%dT%H:%M").to_string();
    let (status, location, _) = committee
        .post(&app, &extend, &[("finish_at", typed.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/races/{race}?notice=race-extended"));
    let (_, page) = committee.get(&app, &location).await;
    has(&page, &format!("The finish is now {}.", page_date(later)));
    has(
        &page,
        &format!("the race finishes {}, in 19 days", page_date(later)),
    );
    let seen = app
        .get(&format!("/api/v1/races/{race}"), &app.admin)
        .await
        .expect(200)
        .body;
    assert!(
        seen["finish_at"]
            .as_str()
            .unwrap()
            .starts_with(&typed[..10]),
        "{seen}"
    );
}

#[tokio::test]
async fn a_racer_closed_before_the_decision_reads_as_having_left() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let race = declare(&app, &w).await;
    app.post(
        &format!("/api/v1/bets/{}/kill", w.partner_bet),
        &app.admin,
        serde_json::json!({"reason": "the partner withdrew"}),
    )
    .await
    .expect(200);
    let (_, page) = sign_in(&app, &w.exec)
        .await
        .get(&app, &format!("/races/{race}"))
        .await;
    has(
        &page,
        r#"<span class="chip chip-left">left the race (closed)</span>"#,
    );
    has(
        &page,
        "Partner bots left the race (closed) and is not drawn.",
    );
    has(&page, r#"<span class="num">left the race (closed)</span>"#);
    assert_eq!(
        page.matches(r#"class="pbest""#).count(),
        2,
        "a bar for each racer still in the race"
    );
    has(&page, "Chat stickers leads with P(best) ");
}
