//! A round is never committed by surprise: before preview and commit the committee sees the
//! round's readiness (too little evidence, kills and why, time since the last round against the
//! usual interval) with a warning when it is not ready; a new draft starts from the last
//! round's policy and marks what differs; the commit button names what moves. The pins' side
//! is in `rounds_pins`, which shares the set-up written here.

use super::{round_form, sign_in};
use crate::harness::{TestApp, World, at, spawn_app};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

/// The page as a reader reads it: the few entities askama writes undone.
/// The page's text as a person would type it: entities decoded, and the no-break hyphens and
/// spaces that hold dates together read as plain ones.
pub(super) fn text(html: &str) -> String {
    html.replace('\u{2011}', "-")
        .replace('\u{a0}', " ")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The table row that names `title`.
pub(super) fn row<'a>(html: &'a str, title: &str) -> &'a str {
    html.split("<tr")
        .find(|r| r.contains(title) && r.contains("<td"))
        .unwrap_or_else(|| panic!("no row for {title}"))
}

/// Four reports of `bet` in one month, rising from `from`.
pub(super) async fn report_month(app: &TestApp, token: &str, bet: i64, month: u32, from: f64) {
    let rows: Vec<_> = (0..4)
        .map(|i| {
            json!({"bet_id": bet, "value": from + 5.0 * f64::from(i),
                   "observed_at": format!("2026-{month:02}-{:02}T00:00:00Z", 3 + 7 * i)})
        })
        .collect();
    app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
        .await
        .expect(201);
}

/// Opens a draft through the API; its id.
pub(super) async fn draft(
    app: &TestApp,
    budget: i64,
    as_of: &str,
    policy: Option<serde_json::Value>,
) -> i64 {
    let mut body = json!({"budget": budget, "as_of": as_of});
    if let Some(policy) = policy {
        body["policy"] = policy;
    }
    app.post("/api/v1/rounds", &app.admin, body)
        .await
        .expect(201)
        .id()
}

/// Round 1 (2026-07-01) seeds the three bets from spring's reports; round 2 (2026-08-01) reads
/// July's for two of them, so the partner's bet starts a miss streak.
pub(super) async fn two_rounds(app: &TestApp) -> World {
    let w = app.world().await;
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        report_month(app, token, bet, 5, 110.0).await;
    }
    app.commit_round(100_000, "2026-07-01T00:00:00Z").await;
    report_month(app, &w.member_a, w.bet_a, 7, 125.0).await;
    report_month(app, &w.member_b, w.bet_b, 7, 125.0).await;
    app.commit_round(100_000, "2026-08-01T00:00:00Z").await;
    w
}

#[tokio::test]
async fn a_round_as_of_now_with_no_new_reports_warns_and_lists_its_kill_with_the_engines_reason() {
    let app = spawn_app().await;
    two_rounds(&app).await;
    let committee = sign_in(&app, &app.admin).await;
    let round = draft(&app, 100_000, &at(Utc::now() - Duration::minutes(1)), None).await;
    let page_of = |html: String| text(&html);

    // Before a preview the page says how to find out, and the timing is already there.
    let (_, page) = committee.get(&app, &format!("/rounds/{round}")).await;
    let page = page_of(page);
    assert!(
        page.contains("Preview to see how many bets would have too little evidence"),
        "{page}"
    );
    assert!(
        page.contains("since round 2") && page.contains("the usual interval is 31 days"),
        "{page}"
    );
    assert!(!page.contains("Warning:"), "{page}");

    committee
        .post(&app, &format!("/rounds/{round}/preview"), &[])
        .await;
    let (_, page) = committee.get(&app, &format!("/rounds/{round}")).await;
    let page = page_of(page);
    assert!(
        page.contains(
            "Warning:</strong> More than half the bets would have too little evidence (3 of 3)"
        ),
        "{page}"
    );
    assert!(
        page.contains("3 of 3 bets would have too little evidence"),
        "{page}"
    );
    assert!(
        page.contains("Wait for the teams' reports and preview again"),
        "{page}"
    );
    assert!(page.contains("1 bet would be killed:"), "{page}");
    assert!(
        page.contains("Partner bots</a>: insufficient data: 0 reports in the window, 3 needed (miss 2 of 2); killed after 2 missed rounds"),
        "{page}"
    );

    // The confirmation warns too, and its button names what moves.
    let (_, confirm) = committee
        .get(&app, &format!("/rounds/{round}/commit"))
        .await;
    let confirm = page_of(confirm);
    assert!(
        confirm.contains("Warning:</strong> More than half the bets"),
        "{confirm}"
    );
    assert!(
        confirm.contains(&format!(
            "Commit round {round}: USD 0.00 to 0 bets, 1 killed</button>"
        )),
        "{confirm}"
    );
}

#[tokio::test]
async fn a_well_evidenced_round_at_the_usual_interval_does_not_warn() {
    let app = spawn_app().await;
    let w = two_rounds(&app).await;
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        report_month(&app, token, bet, 8, 140.0).await;
    }
    let committee = sign_in(&app, &app.admin).await;
    let round = draft(&app, 100_000, "2026-09-01T00:00:00Z", None).await;
    committee
        .post(&app, &format!("/rounds/{round}/preview"), &[])
        .await;
    let (_, confirm) = committee
        .get(&app, &format!("/rounds/{round}/commit"))
        .await;
    let confirm = text(&confirm);
    assert!(!confirm.contains("Warning:"), "{confirm}");
    assert!(
        confirm.contains("0 of 3 bets would have too little evidence"),
        "{confirm}"
    );
    assert!(confirm.contains("No bet would be killed."), "{confirm}");
    assert!(confirm.contains("31 days since round 2"), "{confirm}");
    assert!(
        confirm.contains(&format!("Commit round {round}: USD "))
            && confirm.contains("to 3 bets, none killed</button>"),
        "{confirm}"
    );
}

#[tokio::test]
async fn the_usual_interval_is_the_median_of_the_last_five_rounds_and_a_round_too_soon_warns() {
    let app = spawn_app().await;
    // Intervals 2, 2, 10, 40, 40 days: the last five rounds give 2, 10, 40, 40, median 25
    // (all six would give 10, their mean 18.8).
    for as_of in [
        "2026-01-01",
        "2026-01-03",
        "2026-01-05",
        "2026-01-15",
        "2026-02-24",
        "2026-04-05",
    ] {
        app.commit_round(100_000, &format!("{as_of}T00:00:00Z"))
            .await;
    }
    let committee = sign_in(&app, &app.admin).await;
    let (_, form) = committee.get(&app, "/rounds").await;
    let form = text(&form);
    assert!(form.contains("the usual interval is 25 days (the median of the last 4 intervals between committed rounds)"), "{form}");
    assert!(form.contains("since round 6"), "{form}");

    // As of five days after the last round: under half of 25 days.
    let soon = draft(&app, 100_000, "2026-04-10T00:00:00Z", None).await;
    let (_, page) = committee.get(&app, &format!("/rounds/{soon}")).await;
    let page = text(&page);
    assert!(page.contains("Warning:</strong> Only 5 days since the last round, under half the usual interval of 25 days"), "{page}");
    assert!(
        page.contains("to about 2026-04-30"),
        "one usual interval after round 6: {page}"
    );
    // The form warns before a draft exists, for the As of typed.
    let (status, _, body) = committee
        .post(&app, "/rounds", &round_form("x", "2026-04-12T00:00"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&body).contains("Only 7 days since the last round"),
        "{body}"
    );
    // Twelve and a half days is not under half.
    let later = draft(&app, 100_000, "2026-04-17T12:00:00Z", None).await;
    let (_, page) = committee.get(&app, &format!("/rounds/{later}")).await;
    assert!(!page.contains("Warning:"), "{page}");
}

#[tokio::test]
async fn a_new_draft_starts_from_the_last_rounds_policy_and_says_what_differs() {
    let app = spawn_app().await;
    let committee = sign_in(&app, &app.admin).await;
    let (_, form) = committee.get(&app, "/rounds").await;
    assert!(
        text(&form).contains("from the engine's defaults: no round is committed yet"),
        "{form}"
    );
    assert!(
        text(&form).contains("No round is committed yet, so there is no interval"),
        "{form}"
    );

    let first = draft(
        &app,
        100_000,
        "2026-06-01T00:00:00Z",
        Some(json!({"min_grant": 500_000, "max_share": 0.5})),
    )
    .await;
    app.post(
        &format!("/api/v1/rounds/{first}/commit"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(200);
    let (_, form) = committee.get(&app, "/rounds").await;
    let form = text(&form);
    assert!(form.contains("Policy (from round 1's policy)"), "{form}");
    assert!(
        form.contains("name=\"min_grant\" inputmode=\"decimal\" value=\"5,000.00\""),
        "{form}"
    );
    assert!(
        form.contains("name=\"max_share\" inputmode=\"decimal\" value=\"0.5\""),
        "{form}"
    );
    assert!(form.contains("there is no usual interval yet"), "{form}");

    // Typed otherwise and refused for another field: the change is marked, what was typed kept.
    let fields = |budget: &'static str| {
        let mut form = round_form(budget, "2026-07-01T00:00");
        form.retain(|(name, _)| *name != "max_share");
        form.push(("max_share", "0.5"));
        form
    };
    let (status, _, body) = committee.post(&app, "/rounds", &fields("lots")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&body);
    assert!(
        body.contains("Differs from round 1: USD 5,000.00 there."),
        "{body}"
    );
    assert!(
        body.contains(
            "This policy differs from round 1: min grant USD 0.00 instead of USD 5,000.00."
        ),
        "{body}"
    );
    assert!(
        !body.contains("Differs from round 1: 0.5 there."),
        "max share was left alone: {body}"
    );

    let (status, location, _) = committee.post(&app, "/rounds", &fields("1,000.00")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = committee.get(&app, &location).await;
    assert!(
        text(&page).contains(
            "This policy differs from round 1: min grant USD 0.00 instead of USD 5,000.00."
        ),
        "{page}"
    );
}
