//! Regressions: what a hostile user and a new user broke, one test each, each failing before
//! its fix. A NUL byte that answered 500 on PostgreSQL; names that showed as nothing, ran right
//! to left or passed for another; CSV cells a spreadsheet runs as formulas; an import that
//! stored nothing yet said it had; a partner's ledger that did not sum to zero; a deleted
//! round's id handed out again; a leap second the backends stored differently; a reserve row
//! in minor units; redirect targets that broke the `Location` header or left the server; and
//! a demo that printed no token to sign in with.
//!
//! Every refused write is checked to have written nothing: the fingerprint of everything
//! stored (`harness::fingerprint`) is the same before and after.

use std::collections::BTreeMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};

use crate::harness::{Api, connect, fingerprint, fingerprint_diff, is_envelope};
use crate::harness::{Reply, TestApp, spawn_unlimited};

mod books;
mod exports;
mod imports;
mod names;
mod nul;
mod redirects;

/// The server in this process, without the per-token write limit: these tests send refused
/// writes back to back, and a 429 would hide the answer under test.
async fn spawn() -> TestApp {
    spawn_unlimited().await
}

/// Everything stored, reduced to what a refused write must leave unchanged.
fn stored(app: &TestApp) -> BTreeMap<String, String> {
    fingerprint(&mut connect(&app.database_url))
}

/// Panics with what changed when anything stored changed since `before`.
#[track_caller]
fn assert_nothing_written(app: &TestApp, before: &BTreeMap<String, String>, what: &str) {
    let after = stored(app);
    assert!(
        before == &after,
        "{what} wrote something: {:?}",
        fingerprint_diff(before, &after)
    );
}

/// Panics unless the reply has this status and carries the API's error envelope.
#[track_caller]
fn assert_refused(reply: &Reply, status: u16, what: &str) {
    assert_eq!(reply.status.as_u16(), status, "{what}: {}", reply.body);
    assert!(
        is_envelope(reply),
        "{what}: not the error envelope: {}",
        reply.body
    );
}

/// `POST /api/v1/reports/import{query}` with `csv` as the `text/csv` body.
async fn import(app: &TestApp, token: &str, query: &str, csv: &str) -> Reply {
    let path = format!("/api/v1/reports/import{query}");
    match Api::of(app)
        .raw(Method::POST, &path, Some(token), "text/csv", csv.into())
        .await
    {
        Ok(reply) => reply,
        Err(e) => panic!("POST {path}: no answer: {e}"),
    }
}

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(crate::harness::REQUEST_TIMEOUT)
        .build()
    {
        Ok(client) => client,
        Err(e) => panic!("an HTTP client: {e}"),
    }
}

/// The value of the hidden field `name` of a page's form.
fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let Some(start) = html.find(&marker) else {
        panic!("no {name} field in the page");
    };
    let rest = &html[start + marker.len()..];
    rest.split('"').next().unwrap_or_default().to_owned()
}

/// The `name=value` part of a `Set-Cookie` header of a response, if it sets `name`.
fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// What a sign-in form needs: the login CSRF cookie and the form's CSRF token.
struct LoginForm {
    cookie: String,
    csrf: String,
}

async fn login_form(app: &TestApp) -> LoginForm {
    let client = no_redirects();
    let Ok(form) = client.get(app.url("/login")).send().await else {
        panic!("GET /login: no answer");
    };
    let Some(cookie) = form
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
    else {
        panic!("the sign-in form sets no CSRF cookie");
    };
    let html = form.text().await.unwrap_or_default();
    LoginForm {
        cookie,
        csrf: field(&html, "csrf"),
    }
}

/// What a form submission answered: its status, its `Location` (or "") and every header.
struct Answer {
    status: StatusCode,
    location: String,
    headers: reqwest::header::HeaderMap,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Answer {
            status,
            location,
            headers,
        }
    }
}

/// A signed-in browser: its session cookie and the CSRF token of its forms.
struct Browser {
    cookie: String,
    csrf: String,
}

impl Browser {
    async fn sign_in(app: &TestApp, token: &str) -> Browser {
        let form = login_form(app).await;
        let client = no_redirects();
        let Ok(reply) = client
            .post(app.url("/login"))
            .header(COOKIE, &form.cookie)
            .form(&[("token", token), ("csrf", &form.csrf), ("next", "/")])
            .send()
            .await
        else {
            panic!("POST /login: no answer");
        };
        assert_eq!(reply.status(), StatusCode::SEE_OTHER, "sign-in failed");
        let Some(cookie) = cookie(&reply, "hr_session") else {
            panic!("no session cookie");
        };
        let page = match client
            .get(app.url("/rounds"))
            .header(COOKIE, &cookie)
            .send()
            .await
        {
            Ok(page) => page.text().await.unwrap_or_default(),
            Err(e) => panic!("GET /rounds: {e}"),
        };
        Browser {
            csrf: field(&page, "csrf"),
            cookie,
        }
    }

    async fn get(&self, app: &TestApp, path: &str) -> (StatusCode, String) {
        match no_redirects()
            .get(app.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
        {
            Ok(r) => (r.status(), r.text().await.unwrap_or_default()),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    /// Posts a form with this session's CSRF token.
    async fn post(&self, app: &TestApp, path: &str, form: &[(&str, &str)]) -> Answer {
        let mut fields = form.to_vec();
        fields.push(("csrf", &self.csrf));
        match no_redirects()
            .post(app.url(path))
            .header(COOKIE, &self.cookie)
            .form(&fields)
            .send()
            .await
        {
            Ok(r) => Answer::of(r).await,
            Err(e) => panic!("POST {path}: {e}"),
        }
    }
}
