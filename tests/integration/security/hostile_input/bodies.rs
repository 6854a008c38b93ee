//! What a hostile body is made of: raw JSON fragments put where a value should be, bodies
//! broken as a whole, and every JSON route with a body it accepts.

use super::JsonRoute;
use crate::harness::{Api, at, days_ago};
use serde_json::{Value, json};

/// Raw JSON fragments put where a value should be.
pub(super) const HOSTILE_VALUES: &[&str] = &[
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
pub(super) fn broken_bodies(valid: &str) -> Vec<Vec<u8>> {
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
pub(super) async fn json_routes(api: &Api, admin: &str) -> Vec<JsonRoute> {
    let Objects {
        team,
        bet,
        report,
        round,
        bet_body,
    } = objects(api, admin).await;
    let report_body = json!({"value": 101.5, "observed_at": "2026-01-01T00:00:00Z", "source": "s", "idempotency_key": "k"});
    let route = |method, template, path: String, body| JsonRoute {
        method,
        template,
        path,
        body,
    };
    let mut routes = vec![
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
    ];
    routes.extend(super::market_bodies::market_routes(team));
    routes.extend(super::race_bodies::race_routes(api, admin).await);
    routes
}

/// What the routes of [`json_routes`] write to, and the body that registered the bet.
struct Objects {
    team: i64,
    bet: i64,
    report: i64,
    round: i64,
    bet_body: Value,
}

/// An arena, a team, an active bet with a report, and a draft round.
async fn objects(api: &Api, admin: &str) -> Objects {
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
    Objects {
        team,
        bet,
        report,
        round,
        bet_body,
    }
}

/// The paths to every leaf of a JSON value.
pub(super) fn leaves(value: &Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
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
pub(super) fn with_fragment(body: &Value, path: &[String], fragment: &str) -> Vec<u8> {
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

pub(super) fn first_leaf(body: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    leaves(body, Vec::new(), &mut paths);
    paths.into_iter().next().unwrap_or_default()
}
