//! What `GET /rounds/{id}` answers means the same for every caller: a partner's view leaves the
//! portfolio's figures out (null) instead of showing them zeroed; the window is the one the
//! round uses, set or not; and each line shows the input it was judged on.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{commit, create_round, line, preview, report_series};
use crate::harness::{days_ago, spawn_app};

/// The portfolio-wide figures of an evaluation, which only whole-portfolio readers see.
const PORTFOLIO_FIGURES: [&str; 5] = ["reports_used", "max_grant", "money", "killed", "seeded"];

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not an instant"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_partner_sees_no_portfolio_figure_rather_than_zeros() {
    let app = spawn_app().await;
    let w = app.world().await;
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        report_series(&app, token, bet, 6, &[110.0, 118.0, 125.0]).await;
    }
    let r = create_round(&app, 900, days_ago(5)).await;
    preview(&app, r).await;
    let path = format!("/api/v1/rounds/{r}");
    let member = app.get(&path, &w.member_a).await.expect(200).body;
    let partner = app.get(&path, &w.partner).await.expect(200).body;
    assert_eq!(member["evaluation"]["reports_used"], 9, "{member}");
    for figure in PORTFOLIO_FIGURES {
        assert!(
            !member["evaluation"][figure].is_null(),
            "a member reads {figure}"
        );
        assert!(
            partner["evaluation"][figure].is_null(),
            "a partner gets {figure} = {}",
            partner["evaluation"][figure]
        );
    }
    assert!(partner["reserve"].is_null());
}

#[tokio::test]
async fn a_round_shows_the_window_it_uses_and_the_input_of_each_line() {
    let app = spawn_app().await;
    let w = app.world().await;
    report_series(&app, &w.member_a, w.bet_a, 20, &[110.0, 118.0, 125.0]).await;
    report_series(&app, &w.member_b, w.bet_b, 20, &[90.0, 91.0, 92.0]).await;
    let first = create_round(&app, 1_000, days_ago(15)).await;
    let first_view = preview(&app, first).await;
    // The first round reaches back to the first report; every bet comes in new.
    assert!(first_view["window_start"].is_null(), "{first_view}");
    assert_eq!(first_view["window_start_set"], false);
    for bet in [w.bet_a, w.bet_b] {
        assert_eq!(line(&first_view, bet)["is_new"], true);
        assert_eq!(line(&first_view, bet)["prev_streak"], 0);
    }
    let committed = commit(&app, first).await;

    // A draft that sets no window, never previewed: its window starts at the last round.
    let second = create_round(&app, 1_000, days_ago(1)).await;
    let draft = app
        .get(&format!("/api/v1/rounds/{second}"), &app.admin)
        .await
        .expect(200)
        .body;
    assert!(draft["evaluation"].is_null());
    assert_eq!(draft["window_start_set"], false);
    assert_eq!(
        instant(&draft["window_start"]),
        instant(&committed["as_of"]),
        "{draft}"
    );
    // Its lines carry what the first round left: the funded bet is no longer new, and each
    // streak is the one the first round ended with.
    let second_view = preview(&app, second).await;
    for bet in [w.bet_a, w.bet_b] {
        let before = line(&committed, bet);
        let now = line(&second_view, bet);
        assert_eq!(now["prev_streak"], before["streak"], "bet {bet}");
        assert_eq!(now["prev_grant"], before["grant"], "bet {bet}");
        assert_eq!(
            now["is_new"],
            before["grant"].as_i64().unwrap() == 0,
            "bet {bet}"
        );
    }
}
