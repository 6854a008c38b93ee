//! Every JSON route's body broken in every listed way.

use super::bodies::HOSTILE_VALUES;
use super::bodies::broken_bodies;
use super::bodies::first_leaf;
use super::bodies::json_routes;
use super::bodies::leaves;
use super::bodies::with_fragment;
use super::{JsonRoute, send};
use crate::harness::Api;
use crate::harness::spawn_unlimited;
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_get_a_4xx_envelope_never_a_5xx_nor_a_hang() {
    let app = spawn_unlimited().await;
    let api = Api::of(&app);
    let admin = app.admin.clone();
    let routes = json_routes(&api, &admin).await;

    the_table_covers_every_json_route(&api, &admin, &routes).await;

    let mut failures = Vec::new();
    let mut sent = 0;
    for route in &routes {
        sent += attack(&api, &admin, route, &mut failures).await;
    }
    println!("{sent} hostile requests on {} routes", routes.len());
    assert!(
        api.is_healthy().await,
        "the server stopped answering /healthz"
    );
    assert!(
        failures.is_empty(),
        "{} of {sent} hostile requests were mishandled:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The table covers every route that takes a JSON body, as documented.
async fn the_table_covers_every_json_route(api: &Api, admin: &str, routes: &[JsonRoute]) {
    let doc = api.get("/api/v1/openapi.json", admin).await.expect(200);
    let mut documented = BTreeSet::new();
    for (path, item) in doc.body["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // JSON bodies here; the CSV import has its own test below.
            if op["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let covered: BTreeSet<(String, String)> = routes
        .iter()
        .map(|r| (r.method.to_owned(), r.template.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "JSON routes without hostile-input cases: {missing:?}"
    );
}

/// Sends `route` every hostile body, noting each mishandled one in `failures`; the number of
/// requests counted as sent.
async fn attack(api: &Api, admin: &str, route: &JsonRoute, failures: &mut Vec<String>) -> usize {
    let mut sent = 0;
    let valid = route.body.to_string();
    // The body broken as a whole.
    for body in broken_bodies(&valid) {
        sent += 1;
        match send(
            api,
            admin,
            route.method,
            &route.path,
            "application/json",
            body,
        )
        .await
        {
            Ok(reply) if reply.status.is_success() => failures.push(format!(
                "{} {}: a broken body was accepted: {}",
                route.method, route.path, reply.body
            )),
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    // A 10 MB string: refused before it is read whole.
    let huge = with_fragment(
        &route.body,
        &first_leaf(&route.body),
        &format!("\"{}\"", "x".repeat(10 * 1024 * 1024)),
    );
    match send(
        api,
        admin,
        route.method,
        &route.path,
        "application/json",
        huge,
    )
    .await
    {
        Ok(reply) if reply.status == 413 && reply.code() == "body_too_large" => {}
        Ok(reply) => failures.push(format!(
            "{} {}: 10 MB body answered {} {}",
            route.method, route.path, reply.status, reply.body
        )),
        Err(e) => failures.push(e),
    }
    // Every hostile value in every field.
    let mut paths = Vec::new();
    leaves(&route.body, Vec::new(), &mut paths);
    for path in &paths {
        for fragment in HOSTILE_VALUES {
            sent += 1;
            if let Err(e) = send(
                api,
                admin,
                route.method,
                &route.path,
                "application/json",
                with_fragment(&route.body, path, fragment),
            )
            .await
            {
                failures.push(e);
            }
        }
    }
    // Content types that are not JSON, or JSON in another charset.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-16",
        "application/xml",
        "",
    ] {
        if let Err(e) = send(
            api,
            admin,
            route.method,
            &route.path,
            content_type,
            valid.clone().into_bytes(),
        )
        .await
        {
            failures.push(e);
        }
    }
    sent
}
