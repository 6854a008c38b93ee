//! Property-level and enumeration checks beside the matrix: extra fields do not widen anyone's
//! powers, a route answers other methods with 405 and `Allow`, and another team's objects are
//! indistinguishable from objects that do not exist.

use crate::harness::Api;
use crate::harness::{Reply, TestApp, World};
use reqwest::Method;
use serde_json::{Value, json};

mod extra_fields;
mod methods;
mod probing;
mod rounds;

const MISSING: i64 = 987_654;

async fn me(api: &Api, token: &str) -> i64 {
    api.get("/api/v1/users/me", token).await.expect(200).id()
}

/// Digits replaced, so that two answers about different ids compare equal when they say the
/// same thing.
fn without_numbers(reply: &Reply) -> String {
    let text = reply.body.to_string();
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    format!("{} {out}", reply.status)
}

struct Probe {
    what: &'static str,
    method: Method,
    /// The request on another team's object, and the same on an id that does not exist.
    foreign: String,
    missing: String,
    body: Option<Value>,
}

/// Asks each probe for the foreign and the missing object: both must be 404, say the same
/// thing, and never carry any of `secrets`.
async fn indistinguishable(
    api: &Api,
    token: &str,
    probes: Vec<Probe>,
    secrets: &[String],
) -> Vec<String> {
    let mut failures = Vec::new();
    for p in probes {
        let foreign = api
            .call(p.method.clone(), &p.foreign, Some(token), p.body.as_ref())
            .await;
        let missing = api
            .call(p.method.clone(), &p.missing, Some(token), p.body.as_ref())
            .await;
        if foreign.status != 404 || without_numbers(&foreign) != without_numbers(&missing) {
            failures.push(format!(
                "{}: another team's object answers {} {}, a missing one {} {}",
                p.what, foreign.status, foreign.body, missing.status, missing.body
            ));
        }
        let text = foreign.body.to_string();
        for secret in secrets {
            if text.contains(secret.as_str()) {
                failures.push(format!("{}: the answer shows {secret:?}: {text}", p.what));
            }
        }
    }
    failures
}

async fn team_a_report(app: &TestApp, w: &World) -> i64 {
    app.report(
        &w.member_a,
        w.bet_a,
        json!({"value": 123.25, "observed_at": "2026-01-01T00:00:00Z", "source": "secret export"}),
    )
    .await
    .expect(201)
    .id()
}
