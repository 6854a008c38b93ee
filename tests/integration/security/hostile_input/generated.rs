//! Generated hostile bodies (proptest), shrunk to the smallest failing one.

use super::bodies::HOSTILE_VALUES;
use super::bodies::json_routes;
use super::bodies::leaves;
use super::bodies::with_fragment;
use super::{JsonRoute, send};
use crate::harness::Api;
use crate::harness::spawn_unlimited;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// One generated case: a route, and how its body is broken.
#[derive(Debug, Clone)]
pub(super) enum Mutation {
    /// A hostile fragment, or random text, in place of one leaf.
    Leaf { leaf: usize, fragment: String },
    /// The valid body cut short.
    Truncate { at: usize },
    /// Random bytes spliced into the valid body.
    Splice { at: usize, bytes: Vec<u8> },
    /// An extra field.
    Extra { name: String, fragment: String },
}

pub(super) fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(HOSTILE_VALUES).prop_map(str::to_owned),
        2 => any::<f64>().prop_map(|f| format!("{f:e}")),
        2 => any::<i128>().prop_map(|i| i.to_string()),
        2 => any::<String>().prop_map(|s| Value::String(s).to_string()),
        1 => "[\\[{]{1,300}".prop_map(|s| s),
        1 => "\"(\\\\u[dD][89abAB][0-9a-fA-F]{2}){1,4}\"".prop_map(|s| s),
        1 => "\"[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}T[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}:[0-9]{2})\"".prop_map(|s| s),
    ]
}

pub(super) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), fragment()).prop_map(|(leaf, fragment)| Mutation::Leaf { leaf, fragment }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, bytes)| Mutation::Splice { at, bytes }),
        1 => ("[a-z_]{1,12}", fragment()).prop_map(|(name, fragment)| Mutation::Extra { name, fragment }),
    ]
}

pub(super) fn apply(route: &JsonRoute, m: &Mutation) -> Vec<u8> {
    let valid = route.body.to_string().into_bytes();
    match m {
        Mutation::Leaf { leaf, fragment } => {
            let mut paths = Vec::new();
            leaves(&route.body, Vec::new(), &mut paths);
            with_fragment(&route.body, &paths[leaf % paths.len()], fragment)
        }
        Mutation::Truncate { at } => valid[..at % valid.len()].to_vec(),
        Mutation::Splice { at, bytes } => {
            let at = at % valid.len();
            [&valid[..at], bytes.as_slice(), &valid[at..]].concat()
        }
        Mutation::Extra { name, fragment } => {
            let rest = String::from_utf8(valid[1..].to_vec()).unwrap();
            format!("{{\"{name}\":{fragment},{rest}").into_bytes()
        }
    }
}

/// Generated cases, shrunk to the smallest failing one if any fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_hostile_bodies_never_get_a_5xx() {
    let app = spawn_unlimited().await;
    let api = Api::of(&app);
    let admin = app.admin.clone();
    let routes = json_routes(&api, &admin).await;
    let handle = tokio::runtime::Handle::current();
    let (checker, token, all) = (api.clone(), admin.clone(), routes.clone());
    let result = tokio::task::spawn_blocking(move || {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(768);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner.run(&(0..all.len(), mutation()), |(r, m)| {
            let route = &all[r];
            handle
                .block_on(send(
                    &checker,
                    &token,
                    route.method,
                    &route.path,
                    "application/json",
                    apply(route, &m),
                ))
                .map(|_| ())
                .map_err(TestCaseError::fail)
        })
    })
    .await
    .expect("the property test runs");
    assert!(
        api.is_healthy().await,
        "the server stopped answering /healthz"
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
