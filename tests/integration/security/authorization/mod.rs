//! The authorization matrix: every documented route, for every kind of caller, on an object of
//! an internal team and on one of an external team, with the exact status each must get. The
//! list of routes is checked against the OpenAPI document at run time, so a route added without
//! a row here fails the test. A refused request must also write nothing.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::schema::tokens;
use reqwest::Method;

use crate::harness::{Api, fingerprint, fingerprint_diff, is_envelope, spawn_unlimited};

mod fixtures;
mod market;
mod market_fixtures;
mod race_fixtures;
mod routes;
mod rules;
mod send;
mod world;

use routes::ROUTES;
use rules::{EVERYONE, Owner, Who, expected, relation};
use world::build;

/// Every (METHOD, path) the server documents.
pub async fn documented_operations(api: &Api) -> BTreeSet<(String, String)> {
    let doc = api
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200);
    let mut operations = BTreeSet::new();
    for (path, item) in doc.body["paths"].as_object().expect("paths") {
        for method in [
            "get", "post", "put", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

/// Sets a token's expiry in the past, straight in the database.
pub fn expire_token(conn: &mut DbConnection, token_id: i64) {
    let past = (Utc::now() - Duration::hours(1)).naive_utc();
    let n = diesel::update(tokens::table.find(token_id))
        .set(tokens::expires_at.eq(Some(past)))
        .execute(conn)
        .expect("expire the token");
    assert_eq!(n, 1);
}

#[tokio::test]
async fn the_matrix_covers_every_documented_route() {
    let app = spawn_unlimited().await;
    let documented = documented_operations(&Api::of(&app)).await;
    let covered: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes the server does not document: {stale:?}"
    );
}

#[tokio::test]
async fn every_route_answers_every_caller_exactly_as_the_rules_say() {
    let (_app, mut ctx) = build().await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for route in ROUTES {
        for owner in [Owner::InternalTeam, Owner::ExternalTeam] {
            let want = |who: Who| expected(route.rule, relation(who, owner), route.success);
            let (path, body) = ctx.prepare(route, owner).await;

            // Refusals first, all on one object: none of them may write anything.
            let before = fingerprint(&mut ctx.conn);
            for who in EVERYONE.into_iter().filter(|w| want(*w) != route.success) {
                for (label, reply) in ctx.send(who, route.method, &path, body.as_ref()).await {
                    cells += 1;
                    let ok = reply.status.as_u16() == want(who) && is_envelope(&reply);
                    if !ok {
                        failures.push(format!(
                            "{} {path} ({owner:?}) as {label}: expected {}, got {} {}",
                            route.method,
                            want(who),
                            reply.status,
                            reply.body
                        ));
                    }
                }
            }
            let changed = fingerprint_diff(&before, &fingerprint(&mut ctx.conn));
            if !changed.is_empty() {
                failures.push(format!(
                    "{} {} ({owner:?}): refused requests wrote {changed:?}",
                    route.method, route.path
                ));
            }

            // Then every caller who may, each on a fresh object if a success uses it up.
            let mut fixture = Some((path, body));
            for who in EVERYONE.into_iter().filter(|w| want(*w) == route.success) {
                let (path, body) = match fixture.take() {
                    Some(f) => f,
                    None => ctx.prepare(route, owner).await,
                };
                for (label, reply) in ctx.send(who, route.method, &path, body.as_ref()).await {
                    cells += 1;
                    if reply.status.as_u16() != route.success {
                        failures.push(format!(
                            "{} {path} ({owner:?}) as {label}: expected {}, got {} {}",
                            route.method, route.success, reply.status, reply.body
                        ));
                    }
                }
                if !route.one_shot {
                    fixture = Some((path, body));
                }
            }
        }
    }
    println!("{cells} requests checked");
    assert!(
        failures.is_empty(),
        "{} of {cells} cells are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
