//! Hostile input: every JSON route's body broken in every way we could think of (malformed and
//! truncated JSON, huge numbers, NaN and infinities spelled every way, deep nesting, a 10 MB
//! string, unicode edge cases, SQL-looking strings, odd timestamps), and hostile paths, queries
//! and content types. The server must answer each with a 4xx in the error envelope (or a 2xx
//! when the value happens to be acceptable), never a 5xx, never hang, and stay healthy.

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Api, at, days_ago, is_envelope};
use crate::harness::{Reply, spawn_unlimited};

/// No single hostile request may take longer than this.
const HOSTILE_TIMEOUT: Duration = Duration::from_secs(10);

/// A JSON route with a concrete path and a body it accepts.
#[derive(Debug, Clone)]
struct JsonRoute {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Value,
}

/// Raw JSON fragments put where a value should be.
const HOSTILE_VALUES: &[&str] = &[
    // Numbers beyond every range.
    "1e400",
    "-1e400",
    "1e-400",
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890123456789",
    "1.7976931348623157e309",
    "-0",
    "0e0",
    "4.9e-325",
    "00012",
    "+1",
    ".5",
    "1.",
    "0x10",
    "1_000",
    "1e",
    "--1",
    // NaN and infinities, bare and quoted, every spelling.
    "NaN",
    "nan",
    "-NaN",
    "+NaN",
    "Infinity",
    "-Infinity",
    "+Infinity",
    "inf",
    "-inf",
    "Inf",
    "INF",
    "infinity",
    "\"NaN\"",
    "\"nan\"",
    "\"Infinity\"",
    "\"-Infinity\"",
    "\"inf\"",
    "\"1e400\"",
    "\"18446744073709551616\"",
    // Types that do not fit.
    "null",
    "true",
    "false",
    "[]",
    "{}",
    "[1,2]",
    "{\"$ne\":1}",
    "\"\"",
    "\"   \"",
    "0",
    "-1",
    // Unicode edge cases.
    "\"\u{202e}gnp.exe\u{202c}\"",
    "\"a\u{200d}b\u{200c}c\"",
    "\"\u{feff}bom\"",
    "\"\\ud800\"",
    "\"\\udfff\"",
    "\"\\ud800\\u0041\"",
    "\"\\udc00\\ud800\"",
    "\"\\u0000\"",
    "\"nul\\u0000byte\"",
    "\"\u{ffff}\u{fffe}\"",
    "\"e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\"",
    "\"\u{1f1fa}\u{1f1f8}\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\"",
    "\"\u{10ffff}\"",
    "\"line\\nbreak\\r\\ttab\"",
    "\"\\\\\\\"\"",
    // Strings that look like SQL or markup.
    "\"'; DROP TABLE reports; --\"",
    "\"1 OR 1=1\"",
    "\"\\\" OR \\\"\\\"=\\\"\"",
    "\"admin'--\"",
    "\"1; DELETE FROM ledger_entries\"",
    "\"<script>alert(1)</script>\"",
    "\"${jndi:ldap://x/a}\"",
    "\"%00%27\"",
    // Timestamps with odd offsets and far years.
    "\"2026-01-01T00:00:00+23:59\"",
    "\"2026-01-01T00:00:00-23:59\"",
    "\"2026-01-01T00:00:00+24:00\"",
    "\"2026-01-01T00:00:00+14:00\"",
    "\"2026-01-01T00:00:00.999999999999Z\"",
    "\"0000-01-01T00:00:00Z\"",
    "\"9999-12-31T23:59:59Z\"",
    "\"+275760-09-13T00:00:00Z\"",
    "\"-000001-01-01T00:00:00Z\"",
    "\"+10000-01-01T00:00:00Z\"",
    "\"262143-12-31T23:59:59Z\"",
    "\"2026-02-30T00:00:00Z\"",
    "\"2026-01-01T24:00:00Z\"",
    "\"2016-12-31T23:59:60Z\"",
    "\"1969-12-31T23:59:59Z\"",
    "\"1970-01-01T00:00:00Z\"",
    "\"2026-01-01\"",
    "\"2026-01-01T00:00:00\"",
    "\"2026-01-01 00:00:00Z\"",
    "\"2026-W01-1\"",
    "1767225600",
];

/// Bodies broken as a whole.
fn broken_bodies(valid: &str) -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = [
        "",
        " ",
        "{",
        "}",
        "[",
        "]",
        "nul",
        "{\"a\":}",
        "{'a': 1}",
        "{a: 1}",
        "{}}",
        "{}garbage",
        "[]",
        "null",
        "\"string\"",
        "42",
        "{\"a\":1,}",
        "{,}",
        "\u{feff}{}",
        "{\"a\" 1}",
        "{\"\\ud800\": 1}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    // Truncated at every tenth byte.
    for cut in (1..valid.len()).step_by(10) {
        bodies.push(valid.as_bytes()[..cut].to_vec());
    }
    // Invalid UTF-8 inside a string, and after the body.
    bodies.push(b"{\"name\": \"\xff\xfe\xfd\"}".to_vec());
    bodies.push([valid.as_bytes(), b"\xc0\xaf"].concat());
    // 10,000 open brackets, and objects nested 10,000 deep.
    bodies.push("[".repeat(10_000).into_bytes());
    bodies.push(format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)).into_bytes());
    // The valid body with every key doubled.
    bodies.push(valid.replacen('{', "{\"x\":1,\"x\":2,", 1).into_bytes());
    bodies
}

/// Every JSON route, each with a body it accepts.
async fn json_routes(api: &Api, admin: &str) -> Vec<JsonRoute> {
    let arena = api
        .post("/api/v1/arenas", admin, json!({"name": "Hostile arena"}))
        .await
        .expect(201)
        .id();
    let team = api
        .post(
            "/api/v1/teams",
            admin,
            json!({"name": "Hostile team", "kind": "internal"}),
        )
        .await
        .expect(201)
        .id();
    let bet_body = json!({
        "arena_id": arena, "team_id": team, "title": "Hostile bet", "thesis": "t",
        "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 100.0,
        "stage": "explore", "seed_request": 1000,
        "thresholds": [{"target": 120.0, "effective_from": "2020-01-01T00:00:00Z"}]
    });
    let bet = api
        .post("/api/v1/bets", admin, bet_body.clone())
        .await
        .expect(201)
        .id();
    api.post(&format!("/api/v1/bets/{bet}/activate"), admin, json!({}))
        .await
        .expect(200);
    let report = api
        .post(
            &format!("/api/v1/bets/{bet}/reports"),
            admin,
            json!({"value": 1.0}),
        )
        .await
        .expect(201)
        .id();
    let round = api
        .post(
            "/api/v1/rounds",
            admin,
            json!({"budget": 1000, "as_of": at(days_ago(1))}),
        )
        .await
        .expect(201)
        .id();
    let report_body = json!({"value": 101.5, "observed_at": "2026-01-01T00:00:00Z", "source": "s", "idempotency_key": "k"});
    let route = |method, template, path: String, body| JsonRoute {
        method,
        template,
        path,
        body,
    };
    vec![
        route(
            "POST",
            "/api/v1/teams",
            "/api/v1/teams".into(),
            json!({"name": "T", "kind": "internal", "max_members": 5}),
        ),
        route(
            "POST",
            "/api/v1/users",
            "/api/v1/users".into(),
            json!({"name": "u", "role": "member", "team_id": team}),
        ),
        route(
            "POST",
            "/api/v1/users/{id}/tokens",
            "/api/v1/users/1/tokens".into(),
            json!({"label": "l", "expires_in_days": 5}),
        ),
        route(
            "POST",
            "/api/v1/arenas",
            "/api/v1/arenas".into(),
            json!({"name": "A", "description": "d"}),
        ),
        route("POST", "/api/v1/bets", "/api/v1/bets".into(), bet_body),
        route(
            "POST",
            "/api/v1/bets/{id}/thresholds",
            format!("/api/v1/bets/{bet}/thresholds"),
            json!({"target": 150.0, "effective_from": "2099-01-01T00:00:00Z"}),
        ),
        route(
            "POST",
            "/api/v1/bets/{id}/kill",
            format!("/api/v1/bets/{bet}/kill"),
            json!({"reason": "r"}),
        ),
        route(
            "POST",
            "/api/v1/bets/{id}/graduate",
            format!("/api/v1/bets/{bet}/graduate"),
            json!({"reason": "r"}),
        ),
        route(
            "POST",
            "/api/v1/bets/{id}/reports",
            format!("/api/v1/bets/{bet}/reports"),
            report_body.clone(),
        ),
        route(
            "POST",
            "/api/v1/reports/batch",
            "/api/v1/reports/batch".into(),
            json!({"reports": [{"bet_id": bet, "value": 1.5, "observed_at": "2026-01-01T00:00:00Z", "source": "s", "idempotency_key": "b"}]}),
        ),
        route(
            "POST",
            "/api/v1/reports/{id}/corrections",
            format!("/api/v1/reports/{report}/corrections"),
            report_body,
        ),
        route(
            "POST",
            "/api/v1/rounds",
            "/api/v1/rounds".into(),
            json!({"budget": 1000, "as_of": "2026-01-02T00:00:00Z", "window_start": "2025-01-01T00:00:00Z", "policy": {"confidence": 0.9, "min_reports": 3, "selection_pressure": 1.0, "progress_cap": 3.0, "kill_after_misses": 2, "exploration_share": 0.1, "max_share": 0.4, "min_grant": 0}}),
        ),
        route(
            "PUT",
            "/api/v1/rounds/{id}/pins/{bet_id}",
            format!("/api/v1/rounds/{round}/pins/{bet}"),
            json!({"grant": 10, "waive_kill": true, "reason": "r"}),
        ),
    ]
}

/// The paths to every leaf of a JSON value.
fn leaves(value: &Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| leaves(v, [path.clone(), vec![k.clone()]].concat(), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, [path.clone(), vec![i.to_string()]].concat(), out)),
        _ => out.push(path),
    }
}

/// The body with the leaf at `path` replaced by a raw JSON fragment.
fn with_fragment(body: &Value, path: &[String], fragment: &str) -> Vec<u8> {
    const MARK: &str = "\u{1}HOSTILE\u{1}";
    let mut body = body.clone();
    let mut slot = &mut body;
    for key in path {
        slot = match slot {
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            other => &mut other[key.as_str()],
        };
    }
    *slot = Value::String(MARK.into());
    body.to_string()
        .replace(&Value::String(MARK.into()).to_string(), fragment)
        .into_bytes()
}

/// Sends one hostile request; anything but a 2xx, or a 4xx in the envelope, is a failure.
async fn send(
    api: &Api,
    token: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<Reply, String> {
    let shown = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    let request = api.raw(
        method.parse().unwrap(),
        path,
        Some(token),
        content_type,
        body,
    );
    let reply = match tokio::time::timeout(HOSTILE_TIMEOUT, request).await {
        Err(_) => {
            return Err(format!(
                "{method} {path} {shown:?}: no answer within {HOSTILE_TIMEOUT:?}"
            ));
        }
        Ok(Err(e)) => return Err(format!("{method} {path} {shown:?}: {e}")),
        Ok(Ok(reply)) => reply,
    };
    let status = reply.status.as_u16();
    let fine =
        (200..300).contains(&status) || ((400..500).contains(&status) && is_envelope(&reply));
    if fine {
        Ok(reply)
    } else {
        Err(format!(
            "{method} {path} {shown:?}: {status} {}",
            reply.body
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_get_a_4xx_envelope_never_a_5xx_nor_a_hang() {
    let app = spawn_unlimited().await;
    let api = Api::of(&app);
    let admin = app.admin.clone();
    let routes = json_routes(&api, &admin).await;

    // The table covers every route that takes a JSON body, as documented.
    let doc = api.get("/api/v1/openapi.json", &admin).await.expect(200);
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

    let mut failures = Vec::new();
    let mut sent = 0;
    for route in &routes {
        let valid = route.body.to_string();
        // The body broken as a whole.
        for body in broken_bodies(&valid) {
            sent += 1;
            match send(
                &api,
                &admin,
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
            &api,
            &admin,
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
                    &api,
                    &admin,
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
                &api,
                &admin,
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

fn first_leaf(body: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    leaves(body, Vec::new(), &mut paths);
    paths.into_iter().next().unwrap_or_default()
}

/// One generated case: a route, and how its body is broken.
#[derive(Debug, Clone)]
enum Mutation {
    /// A hostile fragment, or random text, in place of one leaf.
    Leaf { leaf: usize, fragment: String },
    /// The valid body cut short.
    Truncate { at: usize },
    /// Random bytes spliced into the valid body.
    Splice { at: usize, bytes: Vec<u8> },
    /// An extra field.
    Extra { name: String, fragment: String },
}

fn fragment() -> impl Strategy<Value = String> {
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

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), fragment()).prop_map(|(leaf, fragment)| Mutation::Leaf { leaf, fragment }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, bytes)| Mutation::Splice { at, bytes }),
        1 => ("[a-z_]{1,12}", fragment()).prop_map(|(name, fragment)| Mutation::Extra { name, fragment }),
    ]
}

fn apply(route: &JsonRoute, m: &Mutation) -> Vec<u8> {
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

/// Hostile paths and queries on the read routes.
#[tokio::test]
async fn hostile_paths_and_queries_get_a_4xx_envelope() {
    let app = spawn_unlimited().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let mut failures = Vec::new();
    let paths = [
        "/api/v1/bets/99999999999999999999",
        "/api/v1/bets/-1",
        "/api/v1/bets/0",
        "/api/v1/bets/1e3",
        "/api/v1/bets/%00",
        "/api/v1/bets/%E2%80%AE1",
        "/api/v1/bets/1%20OR%201=1",
        "/api/v1/bets/1;DROP%20TABLE%20bets",
        "/api/v1/reports/NaN",
        "/api/v1/rounds/Infinity/verification",
        "/api/v1/teams/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/bets?per_page=1e400",
        "/api/v1/bets?per_page=0",
        "/api/v1/bets?per_page=-1",
        "/api/v1/bets?per_page=18446744073709551616",
        "/api/v1/bets?page=0",
        "/api/v1/bets?page=4294967296",
        "/api/v1/bets?status=NaN",
        "/api/v1/bets?status=active%27%20OR%20%271%27=%271",
        "/api/v1/bets?team_id=%00",
        "/api/v1/bets?team_id=1&team_id=2",
        "/api/v1/bets?unknown=1",
        "/api/v1/bets/1/reports?per_page=501",
        "/api/v1/ledger?round_id=abc",
        "/api/v1/audit?since=+275760-09-13T00:00:00Z",
        "/api/v1/audit?since=2026-01-01T00:00:00%2B23:59",
        "/api/v1/audit?until=-000001-01-01T00:00:00Z",
        "/api/v1/audit?since=NaN",
        "/api/v1/audit?actor_id=9223372036854775808",
        "/api/v1/audit?action=%27%3B%20DROP%20TABLE%20audit_log%3B%20--",
        "/api/v1/users?team_id=1.5",
    ];
    for path in paths {
        match tokio::time::timeout(
            HOSTILE_TIMEOUT,
            api.try_call(Method::GET, path, Some(&app.admin), None),
        )
        .await
        {
            Ok(Ok(reply)) => {
                let status = reply.status.as_u16();
                if !((200..300).contains(&status)
                    || ((400..500).contains(&status) && is_envelope(&reply)))
                {
                    failures.push(format!("GET {path}: {status} {}", reply.body));
                }
            }
            other => failures.push(format!("GET {path}: {other:?}")),
        }
    }
    let audit = api
        .get("/api/v1/audit?per_page=500", &app.admin)
        .await
        .expect(200);
    assert!(
        audit.body["total"].as_i64() > Some(0),
        "the audit log is still there"
    );
    api.get(&format!("/api/v1/bets/{}", w.bet_a), &w.member_a)
        .await
        .expect(200);
    assert!(api.is_healthy().await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The CSV import takes files, not JSON: hostile files get a 4xx with the envelope (or, for a
/// file that holds nothing, a 201 that stored nothing), never a 5xx, and the server stays up.
#[tokio::test]
async fn hostile_csv_files_never_get_a_5xx() {
    let app = spawn_unlimited().await;
    let w = app.world().await;
    let header = "bet_id,value,observed_at\n";
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("header only".into(), header.as_bytes().to_vec()),
        ("binary".into(), vec![0, 1, 2, 255, 254, 10, 13, 0]),
        (
            "invalid utf-8".into(),
            [header.as_bytes(), &[0xff, 0xfe, b',', b'1', b'\n']].concat(),
        ),
        (
            "unterminated quote".into(),
            format!("{header}{},\"2,2026-01-01\n", w.bet_a).into_bytes(),
        ),
        (
            "BOM and CRLF".into(),
            format!(
                "\u{feff}{}\r\n{},1,2026-01-01\r\n",
                header.trim_end(),
                w.bet_a
            )
            .into_bytes(),
        ),
        (
            "tabs".into(),
            format!("bet_id\tvalue\tobserved_at\n{}\t1\t2026-01-01\n", w.bet_a).into_bytes(),
        ),
        (
            "100,000 columns".into(),
            format!("{header}{}\n", vec!["1"; 100_000].join(",")).into_bytes(),
        ),
        (
            "10,000 empty lines".into(),
            format!("{header}{}", "\n".repeat(10_000)).into_bytes(),
        ),
        (
            "20 MB cell".into(),
            format!(
                "{header}{},{},2026-01-01\n",
                w.bet_a,
                "9".repeat(20 * 1024 * 1024)
            )
            .into_bytes(),
        ),
        (
            "45 MB file (over the 32 MiB limit)".into(),
            format!(
                "{header}{}",
                format!("{},1,2026-01-01\n", w.bet_a).repeat(3_000_000)
            )
            .into_bytes(),
        ),
        (
            "SQL in a slug".into(),
            format!("{header}'; DROP TABLE reports; --,1,2026-01-01\n").into_bytes(),
        ),
    ];
    for value in [
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "1e400",
        "0x10",
        "1,5",
        "",
        "\u{202e}1",
    ] {
        cases.push((
            format!("value {value:?}"),
            format!("{header}{},\"{value}\",2026-01-01\n", w.bet_a).into_bytes(),
        ));
    }
    for when in [
        "+10000-01-01T00:00:00Z",
        "0001-01-01",
        "2026-13-01",
        "2026-01-01T00:00:00+99:00",
        "yesterday",
        "2999-01-01",
    ] {
        cases.push((
            format!("observed_at {when:?}"),
            format!("{header}{},1,{when}\n", w.bet_a).into_bytes(),
        ));
    }
    let mut failures = Vec::new();
    for (label, body) in cases {
        let response = app
            .client
            .post(app.url("/api/v1/reports/import"))
            .bearer_auth(&w.member_a)
            .header("content-type", "text/csv")
            .timeout(std::time::Duration::from_secs(30))
            .body(body)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) => {
                failures.push(format!("{label}: no answer: {e:?}"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let ok =
            status == 201 || ((400..500).contains(&status) && body["error"]["code"].is_string());
        if !ok {
            failures.push(format!("{label}: {status} {body}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let reports = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
        .await
        .expect(200);
    // Only the spreadsheet export with a byte-order mark and CRLF lines is a good file: its one
    // row is stored; nothing else is.
    assert_eq!(reports.body["total"], 1, "nothing hostile was stored");
    app.call(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
}
