//! Where a form sends the browser: a path on this server, or the home page. A CR LF, a DEL or
//! a backslash in the `back` of the report and correction forms or the sign-in's `next` is never
//! followed, never breaks the `Location` header (a 500 after the report or the session was
//! stored), and injects no header.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

use super::{Answer, Browser, login_form, no_redirects, spawn, stored};

/// Targets a browser must not be sent to as they are.
const HOSTILE: [&str; 5] = [
    "/x\r\nSet-Cookie:a=b",
    "/x\nSet-Cookie:a=b",
    "/x\u{7F}",
    "/\\evil.example",
    "/\\\\evil.example/x",
];

/// Panics unless `answer` is a redirect to exactly `home` and sets no cookie of the attacker.
#[track_caller]
fn assert_sent_home(answer: &Answer, home: &str, target: &str) {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{target:?}");
    // A stored report's notice carries its id (`notice=report-stored.17`): the page names it.
    let location = match answer.location.rsplit_once('.') {
        Some((head, id)) if id.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => answer.location.as_str(),
    };
    assert_eq!(location, home, "{target:?}");
    let injected = answer
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with("a=")));
    assert!(!injected, "{target:?} set a cookie: {:?}", answer.headers);
}

#[tokio::test]
async fn a_hostile_back_of_the_report_form_redirects_home_once_the_report_is_stored() {
    let app = spawn().await;
    let w = app.world().await;
    let member = Browser::sign_in(&app, &w.member_a).await;
    let bet = w.bet_a.to_string();
    for (i, back) in HOSTILE.iter().enumerate() {
        let key = format!("web-regression-back-{i}");
        let form = [
            ("bet_id", bet.as_str()),
            ("value", "42"),
            ("observed_at", "2026-05-01T10:00"),
            ("source", "form"),
            ("key", key.as_str()),
            ("back", back),
        ];
        let answer = member.post(&app, "/report", &form).await;
        assert_sent_home(&answer, "/?notice=report-stored", back);
        assert_eq!(
            app.report_count(w.bet_a).await,
            i64::try_from(i + 1).unwrap()
        );
        // The same form again is a replay: still home, still stored once.
        let again = member.post(&app, "/report", &form).await;
        assert_sent_home(&again, "/?notice=report-replayed", back);
        assert_eq!(
            app.report_count(w.bet_a).await,
            i64::try_from(i + 1).unwrap()
        );
    }
    // A path on this server is still followed.
    let form = [
        ("bet_id", bet.as_str()),
        ("value", "43"),
        ("observed_at", "2026-05-01T11:00"),
        ("key", "web-regression-back-ok"),
        ("back", "/bets/1"),
    ];
    let answer = member.post(&app, "/report", &form).await;
    assert_sent_home(&answer, "/bets/1?notice=report-stored", "/bets/1");
}

#[tokio::test]
async fn a_hostile_next_of_the_sign_in_redirects_home_with_one_session() {
    let app = spawn().await;
    let w = app.world().await;
    for next in HOSTILE {
        let form = login_form(&app).await;
        let before = stored(&app);
        let response = no_redirects()
            .post(app.url("/login"))
            .header(COOKIE, &form.cookie)
            .form(&[
                ("token", w.member_a.as_str()),
                ("csrf", &form.csrf),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        let answer = Answer::of(response).await;
        // Home for a member is the team's page.
        assert_sent_home(&answer, &format!("/teams/{}", w.team_a), next);
        let session = answer
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter(|v| v.to_str().is_ok_and(|v| v.starts_with("hr_session=")))
            .count();
        assert_eq!(session, 1, "{next:?}");
        let after = stored(&app);
        let tokens = |print: &std::collections::BTreeMap<String, String>| {
            print["tokens"].parse::<i64>().unwrap()
        };
        assert_eq!(
            tokens(&after),
            tokens(&before) + 1,
            "{next:?}: one session token"
        );
    }
}

#[tokio::test]
async fn a_hostile_back_of_the_correction_form_redirects_home_once_the_correction_is_stored() {
    let app = spawn().await;
    let w = app.world().await;
    let report = app
        .report(
            &w.member_a,
            w.bet_a,
            serde_json::json!({"value": 5.0, "observed_at": "2026-05-01T00:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let member = Browser::sign_in(&app, &w.member_a).await;
    let mut latest = report;
    for (i, back) in HOSTILE.iter().enumerate() {
        let key = format!("web-regression-correct-{i}");
        let value = format!("{}", 6 + i);
        let form = [
            ("value", value.as_str()),
            ("observed_at", ""),
            ("key", key.as_str()),
            ("back", back),
        ];
        let answer = member
            .post(&app, &format!("/reports/{latest}/correct"), &form)
            .await;
        assert_sent_home(&answer, "/?notice=report-corrected", back);
        assert_eq!(
            app.report_count(w.bet_a).await,
            i64::try_from(i + 2).unwrap()
        );
        let reports = app
            .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
            .await
            .expect(200);
        latest = reports.body["items"]
            .as_array()
            .and_then(|items| items.iter().filter_map(|r| r["id"].as_i64()).max())
            .unwrap();
    }
}
