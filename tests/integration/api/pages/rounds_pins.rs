//! Pins on a draft, as the committee sees them: the pin form shows the bet's previewed grant,
//! decision, P(beat), last grant and streak; a pin previews the round again, so the figures and
//! the commit button are the new preview's; a pin made elsewhere marks the figures stale; a
//! waived kill reads as such in its row; pins over the budget are refused in money.

use super::rounds_readiness::{draft, row, text, two_rounds};
use super::sign_in;
use crate::harness::{at, spawn_app};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_pin_form_shows_the_bet_a_pin_previews_again_and_a_waived_kill_reads_as_such() {
    let app = spawn_app().await;
    let w = two_rounds(&app).await;
    let committee = sign_in(&app, &app.admin).await;
    let round = draft(&app, 100_000, &at(Utc::now() - Duration::minutes(1)), None).await;
    let page_of = |html: String| text(&html);
    committee
        .post(&app, &format!("/rounds/{round}/preview"), &[])
        .await;

    // The pin form shows where the bet stands.
    let (_, form) = committee
        .get(&app, &format!("/rounds/{round}/pins/{}", w.partner_bet))
        .await;
    let form = page_of(form);
    for fact in [
        "Previewed grant",
        "USD 0.00",
        "✕ killed",
        "insufficient data",
        "2 of 2: killed",
        "in the last committed round",
        "1 missed round so far; 2 in a row kill it",
        "From the preview of",
    ] {
        assert!(form.contains(fact), "{fact} in {form}");
    }

    // A pin re-previews: the figures are the new preview's, and the button says 1 bet.
    let (status, location, _) = committee
        .post(
            &app,
            &format!("/rounds/{round}/pins/{}", w.bet_a),
            &[("grant", "100.00"), ("reason", "Keep the lights on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("notice=pin-previewed"), "{location}");
    let (_, page) = committee.get(&app, &location).await;
    let page = page_of(page);
    assert!(
        page.contains(&format!(
            "Review and commit round {round}: USD 100.00 to 1 bet, 1 killed…"
        )),
        "{page}"
    );
    assert!(!page.contains("These figures are stale"), "{page}");

    // A waived kill reads as such in its row, not as a cut.
    committee
        .post(
            &app,
            &format!("/rounds/{round}/pins/{}", w.partner_bet),
            &[("waive_kill", "on"), ("reason", "Reports are late")],
        )
        .await;
    let (_, page) = committee.get(&app, &format!("/rounds/{round}")).await;
    let partner = row(&page, "Partner bots");
    assert!(
        partner.contains("◆ kill waived") && !partner.contains("▼ cut"),
        "{partner}"
    );
    assert!(text(&page).contains("No bet would be killed."), "{page}");
}

#[tokio::test]
async fn pins_over_the_budget_are_refused_in_money_and_a_pin_made_elsewhere_marks_the_preview_stale()
 {
    let app = spawn_app().await;
    let w = two_rounds(&app).await;
    let committee = sign_in(&app, &app.admin).await;
    let round = draft(&app, 100_000, &at(Utc::now() - Duration::minutes(1)), None).await;
    committee
        .post(
            &app,
            &format!("/rounds/{round}/pins/{}", w.bet_a),
            &[("grant", "600.00"), ("reason", "Launch")],
        )
        .await;
    let (status, _, body) = committee
        .post(
            &app,
            &format!("/rounds/{round}/pins/{}", w.bet_b),
            &[("grant", "500.00"), ("reason", "Launch too")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(
            "pinned grants would total USD 1,100.00, more than the budget of USD 1,000.00"
        ),
        "{body}"
    );
    assert!(
        body.contains("value=\"500.00\""),
        "what was typed stays: {body}"
    );
    // The API keeps its machine-readable fields.
    let reply = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/rounds/{round}/pins/{}", w.bet_b),
            Some(&app.admin),
            Some(&json!({"grant": 50_000, "reason": "x"})),
        )
        .await
        .expect(422);
    assert_eq!(reply.code(), "pins_exceed_budget");
    assert_eq!(reply.body["error"]["field"], "grant");

    // A pin set through the API after the preview leaves the page's figures stale.
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/rounds/{round}/pins/{}", w.bet_b),
        Some(&app.admin),
        Some(&json!({"grant": 10_000, "reason": "From the API"})),
    )
    .await
    .expect(200);
    let (_, page) = committee.get(&app, &format!("/rounds/{round}")).await;
    assert!(page.contains("These figures are stale"), "{page}");
    assert!(
        !page.contains("USD 600.00 to"),
        "no figures on the commit link while stale: {page}"
    );
}
