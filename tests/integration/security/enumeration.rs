//! Property-level and enumeration checks beside the matrix: extra fields do not widen anyone's
//! powers, a route answers other methods with 405 and `Allow`, and another team's objects are
//! indistinguishable from objects that do not exist.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use super::authorization::documented_operations;
use crate::harness::{Api, at, connect, days_ago, fingerprint, fingerprint_diff, is_envelope};
use crate::harness::{Reply, TestApp, World, spawn_app};

const MISSING: i64 = 987_654;

/// Extra fields a client might add to gain a power it does not have. Each is refused with 400
/// (unknown field) or 403, and nothing changes.
#[tokio::test]
async fn extra_fields_never_widen_a_callers_powers() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let mut conn = connect(&app.database_url);
    let member_id = me(&api, &w.member_a).await;
    let proposed = app
        .create_bet(&w.member_a, w.arena, w.team_a, "Still proposed")
        .await;
    let report = app
        .report(&w.member_a, w.bet_a, json!({"value": 1.0}))
        .await
        .expect(201)
        .id();
    let round = api
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1000, "as_of": at(days_ago(1))}),
        )
        .await
        .expect(201)
        .id();
    let bet = |extra: Value| {
        let mut body = json!({
            "arena_id": w.arena, "title": "Sneaky", "baseline": 1.0,
            "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let future = at(days_ago(-30));
    let cases: Vec<(&str, &str, Method, String, Value, u16)> = vec![
        (
            "a member registers an active bet",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"status": "active"})),
            400,
        ),
        (
            "a member backdates an activation",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"activated_at": "2020-01-01T00:00:00Z"})),
            400,
        ),
        (
            "a member registers a bet as someone else",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"created_by": 1})),
            400,
        ),
        (
            "a member grants a bet money",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"grant": 1_000_000})),
            400,
        ),
        (
            "a member registers for another team",
            &w.member_a,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"team_id": w.team_b})),
            403,
        ),
        (
            "a partner registers for another team",
            &w.partner,
            Method::POST,
            "/api/v1/bets".into(),
            bet(json!({"team_id": w.team_a})),
            403,
        ),
        (
            "a member sets a grant with a report",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "grant": 1_000_000}),
            400,
        ),
        (
            "a member reports as someone else",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "reported_by": 1}),
            400,
        ),
        (
            "a member redirects a report to another bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "bet_id": w.bet_b}),
            400,
        ),
        (
            "a member backdates a report's receipt",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/reports", w.bet_a),
            json!({"value": 1.0, "received_at": "2020-01-01T00:00:00Z"}),
            400,
        ),
        (
            "a member reports as someone else in a batch",
            &w.member_a,
            Method::POST,
            "/api/v1/reports/batch".into(),
            json!({"reports": [{"bet_id": w.bet_a, "value": 1.0, "reported_by": 1}]}),
            400,
        ),
        (
            "a member sends a batch as the committee",
            &w.member_a,
            Method::POST,
            "/api/v1/reports/batch".into(),
            json!({"reports": [{"bet_id": w.bet_a, "value": 1.0}], "as": "admin"}),
            400,
        ),
        (
            "a member moves a threshold to another bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/thresholds", w.bet_a),
            json!({"target": 150.0, "effective_from": future, "bet_id": w.bet_b}),
            400,
        ),
        (
            "a member's correction supersedes another report",
            &w.member_a,
            Method::POST,
            format!("/api/v1/reports/{report}/corrections"),
            json!({"value": 2.0, "supersedes": 1}),
            400,
        ),
        (
            "a member issues a session token",
            &w.member_a,
            Method::POST,
            format!("/api/v1/users/{member_id}/tokens"),
            json!({"label": "x", "kind": "session"}),
            400,
        ),
        (
            "a member issues a token for someone else",
            &w.member_a,
            Method::POST,
            format!("/api/v1/users/{member_id}/tokens"),
            json!({"label": "x", "user_id": 1}),
            400,
        ),
        (
            "a member issues a committee token",
            &w.member_a,
            Method::POST,
            format!("/api/v1/users/{member_id}/tokens"),
            json!({"label": "x", "role": "committee"}),
            400,
        ),
        (
            "a member activates a bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{proposed}/activate"),
            json!({}),
            403,
        ),
        (
            "a member kills another team's bet",
            &w.member_a,
            Method::POST,
            format!("/api/v1/bets/{}/kill", w.bet_b),
            json!({"reason": "x"}),
            403,
        ),
        (
            "a member pins a grant",
            &w.member_a,
            Method::PUT,
            format!("/api/v1/rounds/{round}/pins/{}", w.bet_a),
            json!({"grant": 500, "reason": "mine"}),
            403,
        ),
        (
            "a member commits a round",
            &w.member_a,
            Method::POST,
            format!("/api/v1/rounds/{round}/commit"),
            json!({}),
            403,
        ),
        (
            "a partner makes itself committee",
            &w.partner,
            Method::POST,
            "/api/v1/users".into(),
            json!({"name": "boss", "role": "committee"}),
            403,
        ),
        (
            "an exec opens a round",
            &w.exec,
            Method::POST,
            "/api/v1/rounds".into(),
            json!({"budget": 1, "as_of": at(days_ago(2))}),
            403,
        ),
        (
            "the committee opens a round already committed",
            &app.admin,
            Method::POST,
            "/api/v1/rounds".into(),
            json!({"budget": 1, "as_of": at(days_ago(3)), "status": "committed"}),
            400,
        ),
        (
            "the committee pins with an approval stamp",
            &app.admin,
            Method::PUT,
            format!("/api/v1/rounds/{round}/pins/{}", w.bet_a),
            json!({"grant": 5, "reason": "x", "approved_by": 1}),
            400,
        ),
    ];
    let mut failures = Vec::new();
    for (what, token, method, path, body, status) in cases {
        let before = fingerprint(&mut conn);
        let reply = api.call(method, &path, Some(token), Some(&body)).await;
        let changed = fingerprint_diff(&before, &fingerprint(&mut conn));
        if reply.status != status || !is_envelope(&reply) || !changed.is_empty() {
            failures.push(format!(
                "{what}: expected {status}, got {} {}; wrote {changed:?}",
                reply.status, reply.body
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let bet = api
        .get(&format!("/api/v1/bets/{proposed}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(bet.body["status"], "proposed");
}

async fn me(api: &Api, token: &str) -> i64 {
    api.get("/api/v1/users/me", token).await.expect(200).id()
}

/// Every documented path answers the methods it does not take with 405, `Allow` naming the
/// ones it does, in the error envelope; whoever asks.
#[tokio::test]
async fn other_methods_get_405_with_allow() {
    let app = spawn_app().await;
    let api = Api::of(&app);
    let documented = documented_operations(&api).await;
    let paths: BTreeSet<&String> = documented.iter().map(|(_, p)| p).collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in paths {
        let allowed: BTreeSet<String> = documented
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(m, _)| m.clone())
            .collect();
        let concrete = path.replace("{id}", "1").replace("{bet_id}", "1");
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            // `GET /reports/batch` is `GET /reports/{id}` with the id "batch": another route's.
            let routed_elsewhere = documented
                .iter()
                .any(|(m, template)| m == method && template_matches(template, &concrete));
            if allowed.contains(method) || routed_elsewhere {
                continue;
            }
            for token in [Some(app.admin.as_str()), None] {
                checked += 1;
                let reply = api
                    .call(method.parse().unwrap(), &concrete, token, Some(&json!({})))
                    .await;
                let allow: BTreeSet<String> = reply
                    .headers
                    .get("allow")
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.split(',').map(|m| m.trim().to_owned()).collect())
                    .unwrap_or_default();
                if reply.status != 405 || allow != allowed || reply.code() != "method_not_allowed" {
                    failures.push(format!(
                        "{method} {concrete} (token: {}): {} Allow {allow:?} (want {allowed:?}) {}",
                        token.is_some(),
                        reply.status,
                        reply.body
                    ));
                }
            }
        }
    }
    assert!(checked > 100);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether a concrete path matches an OpenAPI path template (`{name}` matches one segment).
fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}')))
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

/// A partner probing ids: another team's bet, report, team and people are as absent as ids
/// that do not exist, and no answer carries their data.
#[tokio::test]
async fn a_partner_cannot_tell_another_teams_objects_from_missing_ones() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let report = team_a_report(&app, &w).await;
    let (bet, team) = (w.bet_a, w.team_a);
    let future = at(days_ago(-30));
    let probes = vec![
        Probe {
            what: "GET a bet",
            method: Method::GET,
            foreign: format!("/api/v1/bets/{bet}"),
            missing: format!("/api/v1/bets/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET a bet's reports",
            method: Method::GET,
            foreign: format!("/api/v1/bets/{bet}/reports"),
            missing: format!("/api/v1/bets/{MISSING}/reports"),
            body: None,
        },
        Probe {
            what: "GET a report",
            method: Method::GET,
            foreign: format!("/api/v1/reports/{report}"),
            missing: format!("/api/v1/reports/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET a team",
            method: Method::GET,
            foreign: format!("/api/v1/teams/{team}"),
            missing: format!("/api/v1/teams/{MISSING}"),
            body: None,
        },
        Probe {
            what: "report on a bet",
            method: Method::POST,
            foreign: format!("/api/v1/bets/{bet}/reports"),
            missing: format!("/api/v1/bets/{MISSING}/reports"),
            body: Some(json!({"value": 1.0})),
        },
        Probe {
            what: "add a threshold",
            method: Method::POST,
            foreign: format!("/api/v1/bets/{bet}/thresholds"),
            missing: format!("/api/v1/bets/{MISSING}/thresholds"),
            body: Some(json!({"target": 150.0, "effective_from": future})),
        },
        Probe {
            what: "GET a user",
            method: Method::GET,
            foreign: "/api/v1/users/2".into(),
            missing: format!("/api/v1/users/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET a user's tokens",
            method: Method::GET,
            foreign: "/api/v1/users/2/tokens".into(),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: None,
        },
        Probe {
            what: "issue a token for a user",
            method: Method::POST,
            foreign: "/api/v1/users/2/tokens".into(),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: Some(json!({"label": "x"})),
        },
        Probe {
            what: "revoke a user's token",
            method: Method::DELETE,
            foreign: "/api/v1/tokens/2".into(),
            missing: format!("/api/v1/tokens/{MISSING}"),
            body: None,
        },
    ];
    let secrets = [
        "Chat stickers".to_owned(),
        "Pod A".to_owned(),
        "secret export".to_owned(),
        "123.25".to_owned(),
        "alice".to_owned(),
    ];
    let failures = indistinguishable(&api, &w.partner, probes, &secrets).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // A batch naming another team's bet reads exactly like one naming a missing bet.
    let foreign = api
        .post(
            "/api/v1/reports/batch",
            &w.partner,
            json!({"reports": [{"bet_id": bet, "value": 1.0}, {"bet_id": bet, "value": 2.0}]}),
        )
        .await;
    let missing = api.post("/api/v1/reports/batch", &w.partner, json!({"reports": [{"bet_id": MISSING, "value": 1.0}, {"bet_id": MISSING, "value": 2.0}]})).await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    assert_eq!(without_numbers(&foreign), without_numbers(&missing));

    // Listings hold only the partner's own team.
    let bets = api
        .get(&format!("/api/v1/bets?team_id={team}"), &w.partner)
        .await
        .expect(200);
    assert_eq!(bets.body["total"], 0);
    let all = api
        .get("/api/v1/bets?per_page=500", &w.partner)
        .await
        .expect(200);
    assert!(
        all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["team_id"] == w.partner_team)
    );
    let teams = api.get("/api/v1/teams", &w.partner).await.expect(200);
    assert_eq!(teams.body.as_array().unwrap().len(), 1);
    let ledger = api.get("/api/v1/ledger", &w.partner).await.expect(200);
    assert!(
        ledger.body["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["team_id"] == w.partner_team),
        "{}",
        ledger.body
    );
    let admin_ledger = api.get("/api/v1/ledger", &app.admin).await.expect(200);
    let team_a_account = admin_ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["team_id"] == team)
        .unwrap()["id"]
        .clone();
    let other = api
        .get(
            &format!("/api/v1/ledger?account_id={team_a_account}"),
            &w.partner,
        )
        .await
        .expect(200);
    assert_eq!(other.body["entries"]["total"], 0);
    assert!(
        other.body["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["team_id"] == w.partner_team)
    );
}

/// The same for members of another team, who read every team but may write only for their
/// own: a refused write says nothing about the object.
#[tokio::test]
async fn a_member_cannot_probe_other_peoples_tokens() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let alice = me(&api, &w.member_a).await;
    let tokens = api
        .get(&format!("/api/v1/users/{alice}/tokens"), &w.member_a)
        .await
        .expect(200);
    let token_id = tokens.body[0]["id"].as_i64().unwrap();
    let probes = vec![
        Probe {
            what: "GET another member",
            method: Method::GET,
            foreign: format!("/api/v1/users/{alice}"),
            missing: format!("/api/v1/users/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET another member's tokens",
            method: Method::GET,
            foreign: format!("/api/v1/users/{alice}/tokens"),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: None,
        },
        Probe {
            what: "issue a token for another member",
            method: Method::POST,
            foreign: format!("/api/v1/users/{alice}/tokens"),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: Some(json!({"label": "mine now"})),
        },
        Probe {
            what: "revoke another member's token",
            method: Method::DELETE,
            foreign: format!("/api/v1/tokens/{token_id}"),
            missing: format!("/api/v1/tokens/{MISSING}"),
            body: None,
        },
    ];
    let failures = indistinguishable(
        &api,
        &w.member_b,
        probes,
        &["alice".to_owned(), "hr_".to_owned()],
    )
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    api.get("/api/v1/users/me", &w.member_a).await.expect(200);
}

#[tokio::test]
async fn a_partner_correcting_another_teams_report_learns_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let report = team_a_report(&app, &w).await;
    let probes = vec![Probe {
        what: "correct a report",
        method: Method::POST,
        foreign: format!("/api/v1/reports/{report}/corrections"),
        missing: format!("/api/v1/reports/{MISSING}/corrections"),
        body: Some(json!({"value": 1.0})),
    }];
    let failures = indistinguishable(&api, &w.partner, probes, &[format!("bet {}", w.bet_a)]).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A round as a partner sees it: its own team's lines and nothing of any other team.
async fn partner_round_view(app: &TestApp, w: &World) -> (Value, Value) {
    let api = Api::of(app);
    // Evidence for every bet, and one more bet of team A whose threshold starts after the
    // round, so that it sits the round out.
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        let rows: Vec<Value> = (0..4).map(|i| json!({"bet_id": bet, "value": 110.0 + f64::from(i) * 5.0, "observed_at": at(days_ago(20 - i64::from(i)))})).collect();
        api.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    let late = api
        .post("/api/v1/bets", &w.member_a, json!({
            "arena_id": w.arena, "title": "Team A late starter",
            "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"}, "baseline": 1.0,
            "thresholds": [{"target": 2.0, "effective_from": at(days_ago(5))}]
        }))
        .await
        .expect(201)
        .id();
    app.activate(late).await;
    let round = api
        .post(
            "/api/v1/rounds",
            &app.admin,
            json!({"budget": 1_000_000, "as_of": at(days_ago(10))}),
        )
        .await
        .expect(201)
        .id();
    api.put(
        &format!("/api/v1/rounds/{round}/pins/{}", w.bet_b),
        &app.admin,
        json!({"grant": 1234, "reason": "Pod B commitment"}),
    )
    .await
    .expect(200);
    api.call(
        Method::POST,
        &format!("/api/v1/rounds/{round}/commit"),
        Some(&app.admin),
        None,
    )
    .await
    .expect(200);
    let detail = api
        .get(&format!("/api/v1/rounds/{round}"), &w.partner)
        .await
        .expect(200)
        .body;
    let list = api.get("/api/v1/rounds", &w.partner).await.expect(200).body;
    (detail, list)
}

#[tokio::test]
async fn a_partner_sees_only_its_own_lines_and_pins_in_a_round() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (detail, _) = partner_round_view(&app, &w).await;
    let lines = detail["evaluation"]["results"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l["bet_id"] == w.partner_bet),
        "{detail}"
    );
    assert!(
        detail["pins"].as_array().unwrap().is_empty(),
        "another team's pin is shown: {detail}"
    );
}

#[tokio::test]
async fn a_partner_reading_a_round_sees_no_other_team() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (detail, _) = partner_round_view(&app, &w).await;
    let text = detail.to_string();
    for secret in [
        "Team A late starter",
        "Chat stickers",
        "Voice notes",
        "Pod A",
        "Pod B",
    ] {
        assert!(
            !text.contains(secret),
            "a partner's view of a round shows {secret:?}: {text}"
        );
    }
}

#[tokio::test]
async fn a_partner_sees_no_portfolio_wide_money_in_a_round() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (detail, list) = partner_round_view(&app, &w).await;
    assert!(
        list[0]["reserve"].is_null() && list[0]["granted"].is_null(),
        "the list hides them: {list}"
    );
    assert!(
        detail["reserve"].is_null(),
        "reserve: {}",
        detail["reserve"]
    );
    let e = &detail["evaluation"];
    assert!(e.is_object(), "the partner still sees its own lines");
    assert!(e["money"].is_null(), "evaluation.money = {}", e["money"]);
    for field in ["total_granted", "reserve", "pinned_total", "available"] {
        assert!(e[field].is_null(), "evaluation.{field} = {}", e[field]);
    }
}
