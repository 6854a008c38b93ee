//! The web pages over HTTP: sign-in, what each role sees and may do, CSRF, and the forms.

use crate::harness::{TestApp, World, connect, fingerprint};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

mod forms;
mod funding;
mod lab_adopt;
mod market;
mod market_forms;
mod race_glance;
mod races;
mod readers;
mod roles;
mod rounds_pins;
mod rounds_readiness;
mod sign_in;

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

    /// Posts a form that must be refused with `status` and write nothing; the page answered.
    async fn refused(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
        status: u16,
    ) -> String {
        let mut conn = connect(&app.database_url);
        let before = fingerprint(&mut conn);
        let (got, location, page) = self.post(app, path, form).await;
        assert_eq!(got.as_u16(), status, "{path} -> {location}: {page}");
        assert_eq!(before, fingerprint(&mut conn), "{path} wrote something");
        page
    }

    /// The same, drawn again with what was typed: the page leads with why nothing changed.
    async fn drawn_again(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
        status: u16,
    ) -> String {
        let page = self.refused(app, path, form, status).await;
        assert!(
            page.contains(r#"id="refused""#) && page.contains("Nothing was changed"),
            "{path}: the page leads with why: {page}"
        );
        page
    }
}

/// The new-draft form as the page sends it, with the engine's default rules.
fn round_form<'a>(budget: &'a str, as_of: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("budget", budget),
        ("as_of", as_of),
        ("confidence", "0.8"),
        ("min_reports", "3"),
        ("selection_pressure", "1"),
        ("progress_cap", "3"),
        ("kill_after_misses", "2"),
        ("exploration_share", "0.1"),
        ("max_share", "0.4"),
        ("min_grant", "0"),
    ]
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
