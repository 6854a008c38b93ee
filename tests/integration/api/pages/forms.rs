//! Work done through the forms: a member reports and corrects (a double click stores once),
//! and the committee runs a round.

use super::{Browser, round_form, sign_in};
use crate::harness::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_member_reports_and_corrects_through_the_forms_and_a_double_click_stores_once() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = sign_in(&app, &w.member_a).await;
    let bet = w.bet_a.to_string();
    let form = [
        ("bet_id", bet.as_str()),
        ("value", "1,234.5"),
        ("observed_at", "2026-05-01T10:00"),
        ("source", "form"),
        ("key", "web-test-key-1"),
        ("back", "/teams/1"),
    ];
    let (status, location, _) = member.post(&app, "/report", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("notice=report-stored."), "{location}");
    // The landing page says what was stored, to its author only.
    let (_, landing) = member.get(&app, &location).await;
    assert!(
        landing.contains("Report stored: #") && landing.contains("is 1,234.5 "),
        "{landing}"
    );
    assert!(
        landing.contains("observed 2026\u{2011}05\u{2011}01\u{a0}10:00\u{a0}UTC"),
        "{landing}"
    );
    let exec = sign_in(&app, &w.exec).await;
    let (_, seen_by_another) = exec.get(&app, &location).await;
    assert!(
        !seen_by_another.contains("is 1,234.5 "),
        "{seen_by_another}"
    );
    let (status, location, _) = member.post(&app, "/report", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("notice=report-replayed"), "{location}");
    assert_eq!(app.report_count(w.bet_a).await, 1);
    let (_, page) = member.get(&app, &format!("/bets/{}", w.bet_a)).await;
    assert!(page.contains("1,234.5"));

    // Bad values come back with the error next to the field and what was typed kept.
    let bad = [
        ("bet_id", bet.as_str()),
        ("value", "lots"),
        ("observed_at", "2999-01-01T00:00"),
        ("key", "web-test-key-2"),
        ("back", "/"),
    ];
    let (status, _, body) = member.post(&app, "/report", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("must be a finite number") && body.contains("value=\"lots\""));
    assert!(body.contains("5 minutes in the future"));
    assert_eq!(app.report_count(w.bet_a).await, 1);

    // A correction through its form.
    let reports = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
        .await
        .expect(200);
    let id = reports.body["items"][0]["id"].as_i64().unwrap();
    let (status, page) = member.get(&app, &format!("/reports/{id}/correct")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("It said 1,234.5"));
    let (status, location, _) = member
        .post(
            &app,
            &format!("/reports/{id}/correct"),
            &[
                ("value", "1234"),
                ("observed_at", ""),
                ("key", "web-test-key-3"),
                ("back", "/bets/1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(app.report_count(w.bet_a).await, 2);

    // Another team's bet, and a form without this session's CSRF token, are refused.
    let other = w.bet_b.to_string();
    let (status, _, _) = member
        .post(
            &app,
            "/report",
            &[
                ("bet_id", other.as_str()),
                ("value", "1"),
                ("key", "web-test-key-4"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = member
        .post(
            &app,
            "/report",
            &[
                ("bet_id", bet.as_str()),
                ("value", "1"),
                ("key", "web-test-key-5"),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.report_count(w.bet_a).await, 2);
}

#[tokio::test]
async fn the_committee_runs_a_round_through_the_pages() {
    let app = spawn_app().await;
    let w = app.world().await;
    let rows: Vec<_> = (0..4).map(|i| json!({"bet_id": w.bet_a, "value": 110.0 + 6.0 * f64::from(i), "observed_at": format!("2026-0{}-01T00:00:00Z", i + 3)})).collect();
    app.post(
        "/api/v1/reports/batch",
        &w.member_a,
        json!({"reports": rows}),
    )
    .await
    .expect(201);
    let committee = sign_in(&app, &app.admin).await;
    let exec = sign_in(&app, &w.exec).await;

    let round = open_a_round_through_the_form(&app, &committee, &exec).await;

    let (status, _, _) = committee
        .post(&app, &format!("/rounds/{round}/preview"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = committee.get(&app, &format!("/rounds/{round}")).await;
    assert!(page.contains("Chat stickers") && page.contains("Review and commit"));
    let (_, page) = exec.get(&app, &format!("/rounds/{round}")).await;
    assert!(!page.contains("Review and commit"));

    // A pin without a reason is refused in words; with one it is kept.
    let pin_path = format!("/rounds/{round}/pins/{}", w.bet_b);
    let (status, _, body) = committee
        .post(&app, &pin_path, &[("grant", "100.00"), ("reason", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("must not be empty"));
    let (status, _, _) = committee
        .post(
            &app,
            &pin_path,
            &[("grant", "100.00"), ("reason", "Keep the lights on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The confirmation shows what will move, and the button names the budget.
    let (_, confirm) = committee
        .get(&app, &format!("/rounds/{round}/commit"))
        .await;
    assert!(
        confirm.contains("Commit round") && confirm.contains("USD 1,000.00"),
        "{confirm}"
    );
    assert!(confirm.contains("exactly the budget"));
    let (status, _, _) = exec
        .post(&app, &format!("/rounds/{round}/commit"), &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = committee
        .post(
            &app,
            &format!("/rounds/{round}/commit"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = committee
        .post(&app, &format!("/rounds/{round}/commit"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("notice=round-committed"));
    let api = app
        .get(&format!("/api/v1/rounds/{round}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(api.body["status"], "committed");
    assert_eq!(api.body["pins"][0]["reason"], "Keep the lights on");
    let (_, page) = committee.get(&app, &format!("/rounds/{round}")).await;
    assert!(page.contains("Keep the lights on") && page.contains("pinned"));
}

/// The round form: a budget that is not an amount is refused in words, an exec is refused,
/// and the committee's round opens; its id.
async fn open_a_round_through_the_form(app: &TestApp, committee: &Browser, exec: &Browser) -> i64 {
    let (status, _, body) = committee
        .post(app, "/rounds", &round_form("-5", "2026-07-01T00:00"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("must be an amount"));
    let create = round_form("1,000.00", "2026-07-01T00:00");
    let (status, _, _) = exec.post(app, "/rounds", &create).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = committee.post(app, "/rounds", &create).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    location
        .trim_start_matches("/rounds/")
        .split('?')
        .next()
        .unwrap()
        .parse::<i64>()
        .unwrap()
}
