//! The web pages over HTTP: sign-in, what each role sees and may do, CSRF, and the forms.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

use crate::harness::{TestApp, World, spawn_app};

/// A signed-in browser: its session cookie and the CSRF token of its forms.
struct Browser {
    cookie: String,
    csrf: String,
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn attr(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn sign_in(app: &TestApp, token: &str) -> Browser {
    let client = no_redirects();
    let form = client.get(app.url("/login")).send().await.unwrap();
    let login_cookie = form.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = attr(&form.text().await.unwrap(), "csrf");
    let reply = client
        .post(app.url("/login"))
        .header(COOKIE, login_cookie)
        .form(&[("token", token), ("csrf", &csrf), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::SEE_OTHER, "sign-in failed");
    let cookie = reply
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("hr_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let page = client
        .get(app.url("/rounds"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Browser {
        csrf: attr(&page, "csrf"),
        cookie,
    }
}

impl Browser {
    async fn get(&self, app: &TestApp, path: &str) -> (StatusCode, String) {
        let r = no_redirects()
            .get(app.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    async fn post(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        if !form.iter().any(|(k, _)| *k == "csrf") {
            fields.push(("csrf", &self.csrf));
        }
        let r = no_redirects()
            .post(app.url(path))
            .header(COOKIE, &self.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let location = r
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location, r.text().await.unwrap())
    }
}

#[tokio::test]
async fn pages_ask_for_sign_in_and_refuse_bad_tokens() {
    let app = spawn_app().await;
    let client = no_redirects();
    let r = client.get(app.url("/rounds/1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/login?next=/rounds/1");
    // The sign-in form needs its own CSRF cookie.
    let r = client
        .post(app.url("/login"))
        .form(&[("token", app.admin.as_str()), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let form = client.get(app.url("/login")).send().await.unwrap();
    let login_cookie = form.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = attr(&form.text().await.unwrap(), "csrf");
    let r = client
        .post(app.url("/login"))
        .header(COOKIE, &login_cookie)
        .form(&[("token", "hr_not-a-real-token-at-all"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()
            .get_all(SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("hr_session="))
    );
    assert!(r.text().await.unwrap().contains("That token is not valid"));
    // An open redirect is not followed.
    let browser = sign_in(&app, &app.admin).await;
    let page = client
        .get(app.url("/login?next=//evil.example"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"next\" value=\"/\""));
    let (status, _) = browser.get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let browser = sign_in(&app, &app.admin).await;
    let (status, location, _) = browser.post(&app, "/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/login"));
    let (status, _) = browser.get(&app, "/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
}

async fn world_with_round(app: &TestApp) -> (World, i64) {
    let w = app.world().await;
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        let rows: Vec<_> = (0..4)
            .map(|i| json!({"bet_id": bet, "value": 110.0 + 5.0 * f64::from(i), "observed_at": format!("2026-0{}-01T00:00:00Z", i + 3)}))
            .collect();
        app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    let round = app.commit_round(100_000, "2026-07-01T00:00:00Z").await;
    (w, round)
}

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
    assert!(location.ends_with("notice=report-stored"), "{location}");
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

    let (status, _, body) = committee
        .post(
            &app,
            "/rounds",
            &[
                ("budget", "-5"),
                ("as_of", "2026-07-01T00:00"),
                ("confidence", "0.8"),
                ("min_reports", "3"),
                ("selection_pressure", "1"),
                ("progress_cap", "3"),
                ("kill_after_misses", "2"),
                ("exploration_share", "0.1"),
                ("max_share", "0.4"),
                ("min_grant", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("must be an amount"));
    let create = [
        ("budget", "1,000.00"),
        ("as_of", "2026-07-01T00:00"),
        ("confidence", "0.8"),
        ("min_reports", "3"),
        ("selection_pressure", "1"),
        ("progress_cap", "3"),
        ("kill_after_misses", "2"),
        ("exploration_share", "0.1"),
        ("max_share", "0.4"),
        ("min_grant", "0"),
    ];
    let (status, _, _) = exec.post(&app, "/rounds", &create).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = committee.post(&app, "/rounds", &create).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let round = location
        .trim_start_matches("/rounds/")
        .split('?')
        .next()
        .unwrap()
        .parse::<i64>()
        .unwrap();

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

/// The portfolio's "most funded" list sums what each bet was granted over every round; the
/// ledger, which paid those grants, must say the same, also after the server kept the totals
/// of an earlier round.
#[tokio::test]
async fn the_most_funded_bets_are_what_the_ledger_paid_them() {
    use horserace::db::overview::committed_rounds;
    use horserace::services::funding_totals::FundingTotals;
    let app = spawn_app().await;
    let (w, _) = world_with_round(&app).await;
    let url = horserace::db::DatabaseUrl::parse(&app.database_url).unwrap();
    let pool =
        horserace::db::connection::connect(&url, 1, horserace::db::connection::POOL_WAIT).unwrap();
    let mut conn = pool.get().unwrap();
    let kept = FundingTotals::default();
    let rounds = committed_rounds(&mut conn).unwrap();
    let after_one = kept.most_funded(&mut conn, &rounds, 10).unwrap();
    drop(conn);
    // A second round, with enough reports in its window to grant again, so that the sums run
    // over more than one.
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        let rows: Vec<_> = (0..4)
            .map(|i| json!({"bet_id": bet, "value": 130.0 + 5.0 * f64::from(i), "observed_at": format!("2026-07-{:02}T00:00:00Z", 10 + i)}))
            .collect();
        app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    app.commit_round(50_000, "2026-08-01T00:00:00Z").await;

    let ledger = app
        .get("/api/v1/ledger?per_page=500", &app.admin)
        .await
        .expect(200);
    let mut paid: BTreeMap<i64, i64> = BTreeMap::new();
    for entry in ledger.body["entries"]["items"].as_array().unwrap() {
        if let Some(bet) = entry["bet_id"].as_i64() {
            *paid.entry(bet).or_default() += entry["amount"].as_i64().unwrap();
        }
    }
    assert!(!paid.is_empty(), "the rounds granted something");
    let mut expected: Vec<(i64, i64)> = paid.into_iter().collect();
    expected.sort_by_key(|&(bet, total)| (std::cmp::Reverse(total), bet));

    let mut conn = pool.get().unwrap();
    let got: Vec<(i64, i64)> = horserace::db::overview::funding_totals(&mut conn, 10)
        .unwrap()
        .into_iter()
        .filter(|(_, total)| *total > 0)
        .collect();
    assert_eq!(got, expected);
    // What the page reads: the kept totals of one round give way to the sums over both.
    let rounds = committed_rounds(&mut conn).unwrap();
    let after_two: Vec<(i64, i64)> = kept
        .most_funded(&mut conn, &rounds, 10)
        .unwrap()
        .into_iter()
        .filter(|(_, total)| *total > 0)
        .collect();
    assert_ne!(after_one, after_two, "the second round granted something");
    assert_eq!(after_two, expected);
}
