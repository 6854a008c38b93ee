//! The page tour: every page of the demo portfolio, for every role, on a phone (390 x 844,
//! emulated) and on a laptop (1366 px), must pass the page checks (nothing wider than the
//! screen or its box, no control off screen, chart text at least 11 px, no axe-core violation
//! above minor). A page a role may not read is visited too: its refusal is a page as well.
//! Screenshots land in `target/screenshots/tour-<width>-<role>-<page>.png`; `.ci/screenshots`
//! copies the README's from there into `docs/screenshots/`.

use fantoccini::Client;
use serde_json::{Value, json};

use super::browser::{browser_at, chromedriver, shot_as_is, shot_at, sign_in, sign_out};
use super::journey::serve_the_demo;
use super::page_checks::{axe_source, problems};

/// The widths every page is read at: a phone's and a laptop's.
const WIDTHS: [u32; 2] = [390, 1366];

#[tokio::test]
#[ignore = "needs Chromium, chromedriver and axe-core; CI runs it with --ignored"]
async fn every_page_reads_well_for_every_role_on_a_phone_and_a_laptop() {
    let (_dir, base, people) = serve_the_demo().await;
    let pages = pages(&base, people.committee.1.expose()).await;
    let axe = axe_source();
    let (_driver, port) = chromedriver().await;
    let mut found = Vec::new();
    for width in WIDTHS {
        let c = browser_at(port, width).await;
        c.goto(&format!("{base}/login")).await.unwrap();
        found.extend(check(&c, &axe, &format!("signed out at {width} px on /login")).await);
        save(&c, width, "signed-out", "login").await;
        for (role, token) in [
            ("committee", people.committee.1.expose()),
            ("exec", people.exec.1.expose()),
            ("member", people.member.1.expose()),
            ("partner", people.partner.1.expose()),
        ] {
            sign_in(&c, &base, token).await;
            for (slug, path) in &pages {
                c.goto(&format!("{base}{path}")).await.unwrap();
                let what = format!("{role} at {width} px on {path}");
                found.extend(check(&c, &axe, &what).await);
                save(&c, width, role, slug).await;
            }
            if role == "member" {
                // A form drawn again after a refusal is a page of its own: read it too.
                submit_a_request_typed_wrong(&c, &base).await;
                let what = format!("{role} at {width} px on a refused request form");
                found.extend(check(&c, &axe, &what).await);
                save(&c, width, role, "refused-form").await;
            }
            sign_out(&c).await;
        }
        c.close().await.unwrap();
    }
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Files a request from the catalogue with an amount of three decimals, as a person would type
/// it; the server draws the catalogue again with the form open and the amount marked.
async fn submit_a_request_typed_wrong(c: &Client, base: &str) {
    c.goto(&format!("{base}/services")).await.unwrap();
    let script = r#"
        const form = document.querySelector('form[action="/requests"]');
        form.querySelector('[name="max_total"]').value = '12.345';
        form.querySelector('[name="purpose"]').value = 'a review before the launch';
        form.submit();
    "#;
    c.execute(script, vec![]).await.unwrap();
    let refused = c
        .wait()
        .for_element(fantoccini::Locator::Css("#refused"))
        .await;
    assert!(refused.is_ok(), "the refused form is drawn again");
}

async fn check(c: &Client, axe: &str, what: &str) -> Vec<String> {
    let html = c.source().await.unwrap();
    let mut found = problems(c, axe, what).await;
    if html.contains("Status 5") {
        found.push(format!("{what}: a server error"));
    }
    found
}

async fn save(c: &Client, width: u32, role: &str, slug: &str) {
    let name = format!("tour-{width}-{role}-{slug}");
    if width < 500 {
        shot_as_is(c, &name).await;
    } else {
        // Full length, after the checks read the page at its width.
        shot_at(c, &name, width).await;
    }
}

/// Every page of the product, by a short name: the demo's own (its three races included), and a
/// draft round as of now, previewed, so that the draft's page, its pin form and its
/// confirmation exist.
async fn pages(base: &str, committee: &str) -> Vec<(String, String)> {
    let api = Api {
        base,
        token: committee,
    };
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let draft = api
        .send(
            reqwest::Method::POST,
            "/rounds",
            json!({"budget": 50_000_000, "as_of": now}),
        )
        .await;
    let draft = draft["id"].as_i64().expect("a draft round");
    api.send(
        reqwest::Method::POST,
        &format!("/rounds/{draft}/preview"),
        json!({}),
    )
    .await;
    let rounds = api.get("/rounds").await;
    let committed = list(&rounds)
        .iter()
        .find(|r| r["status"] == "committed")
        .and_then(|r| r["id"].as_i64())
        .expect("a committed round");
    let bets = api.get("/bets?per_page=100").await;
    let killed = list(&bets)
        .iter()
        .find(|b| b["status"] == "killed")
        .and_then(|b| b["id"].as_i64())
        .expect("a killed bet");
    let reports = api.get("/bets/1/reports").await;
    let report = list(&reports)
        .iter()
        .find(|r| r["superseded_by"].is_null())
        .and_then(|r| r["id"].as_i64())
        .expect("a report in force");
    [
        ("portfolio", "/".to_owned()),
        ("arenas", "/arenas".to_owned()),
        ("arena", "/arenas/1".to_owned()),
        ("race", "/races/2".to_owned()),
        ("decided-race", "/races/1".to_owned()),
        ("progress-race", "/races/3".to_owned()),
        ("teams", "/teams".to_owned()),
        ("team", "/teams/1".to_owned()),
        ("provider-team", "/teams/10".to_owned()),
        ("partner-team", "/teams/11".to_owned()),
        ("bet", "/bets/1".to_owned()),
        ("killed-bet", format!("/bets/{killed}")),
        ("rounds", "/rounds".to_owned()),
        ("round", format!("/rounds/{committed}")),
        ("draft", format!("/rounds/{draft}")),
        ("pin", format!("/rounds/{draft}/pins/1")),
        ("commit-confirmation", format!("/rounds/{draft}/commit")),
        ("audit", "/audit".to_owned()),
        ("services", "/services".to_owned()),
        ("plan", "/services/1/plan".to_owned()),
        ("billing", "/billing".to_owned()),
        ("billing-run", "/billing/1".to_owned()),
        ("report", "/report".to_owned()),
        ("correction", format!("/reports/{report}/correct")),
        ("not-found", "/bets/999999".to_owned()),
    ]
    .into_iter()
    .map(|(slug, path)| (slug.to_owned(), path))
    .collect()
}

fn list(page: &Value) -> Vec<Value> {
    page.get("items")
        .or(Some(page))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The JSON API as the committee, to set the tour's stage.
struct Api<'a> {
    base: &'a str,
    token: &'a str,
}

impl Api<'_> {
    async fn get(&self, path: &str) -> Value {
        self.send(reqwest::Method::GET, path, Value::Null).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(self.token);
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }
}
