//! Bad market input and transitions that are not allowed: each refused with a 4xx in the
//! error envelope, and nothing written.

use serde_json::{Value, json};

use super::{Market, market, quoted};
use crate::harness::{
    TestApp, connect, fingerprint, fingerprint_diff, is_envelope, spawn_unlimited,
};

#[tokio::test]
async fn bad_market_input_is_refused_and_writes_nothing() {
    let app = spawn_unlimited().await;
    let m = market(&app).await;
    let open = app
        .post(
            "/api/v1/requests",
            &m.w.member_a,
            json!({"service_id": m.payments, "team_id": m.w.team_a, "request_type": "integration",
                   "quantity": 2, "purpose": "p", "max_total": 1_000}),
        )
        .await
        .expect(201)
        .id();
    let accepted = quoted(&app, &m, (&m.w.member_b, m.w.team_b), 1, 5_000).await;
    app.post(
        &format!("/api/v1/requests/{accepted}/accept"),
        &m.w.member_b,
        json!({}),
    )
    .await
    .expect(200);
    let mut conn = connect(&app.database_url);
    let before = fingerprint(&mut conn);
    let mut failures = Vec::new();
    for (method, path, token, body, want) in cases(&app, &m, open, accepted) {
        let reply = app
            .call(method.parse().unwrap(), &path, Some(&token), body.as_ref())
            .await;
        if reply.status.as_u16() != want || !is_envelope(&reply) {
            failures.push(format!(
                "{method} {path} {body:?}: want {want}, got {} {}",
                reply.status, reply.body
            ));
        }
    }
    let key = app
        .client
        .post(app.url(&format!("/api/v1/requests/{accepted}/deliver")))
        .bearer_auth(&m.plat)
        .header("Idempotency-Key", "has a space")
        .send()
        .await
        .unwrap();
    if key.status() != 422 {
        failures.push(format!("an idempotency key with a space: {}", key.status()));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        fingerprint_diff(&before, &fingerprint(&mut conn)),
        Vec::<String>::new()
    );
}

type Case = (&'static str, String, String, Option<Value>, u16);

// A table, one line per refused input: splitting it would only scatter the cases.
#[allow(clippy::too_many_lines)]
fn cases(app: &TestApp, m: &Market, open: i64, accepted: i64) -> Vec<Case> {
    let admin = app.admin.clone();
    let (a, plat) = (m.w.member_a.clone(), m.plat.clone());
    let plan = format!("/api/v1/services/{}/plan", m.payments);
    let too_much = 1_000_000_000_000_001_i64;
    let request = |body: Value| {
        (
            "POST",
            "/api/v1/requests".to_owned(),
            a.clone(),
            Some(body),
            422,
        )
    };
    let req = |extra: Value| {
        let mut body = json!({"service_id": m.payments, "team_id": m.w.team_a,
            "request_type": "integration", "quantity": 1, "purpose": "p", "max_total": 10});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    vec![
        (
            "POST",
            "/api/v1/services".into(),
            admin.clone(),
            Some(json!({"name": "X", "provider_team_id": 999_999})),
            422,
        ),
        (
            "POST",
            "/api/v1/services".into(),
            admin.clone(),
            Some(json!({"name": "Payments platform", "provider_team_id": m.platform})),
            409,
        ),
        (
            "POST",
            "/api/v1/services".into(),
            a.clone(),
            Some(json!({"name": "Mine", "provider_team_id": m.w.team_a})),
            403,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": -1})),
            422,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": too_much})),
            422,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": 1.5})),
            400,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": 1, "capacity": 0})),
            422,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": 1, "effective_from": "2026/12"})),
            422,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": 1, "effective_from": "2000-01"})),
            422,
        ),
        (
            "PUT",
            plan.clone(),
            plat.clone(),
            Some(json!({"price": 1, "request_types": [
            {"name": "a", "unit": "u", "unit_price": 1}, {"name": "a", "unit": "u", "unit_price": 2}]})),
            422,
        ),
        (
            "PUT",
            plan.clone(),
            a.clone(),
            Some(json!({"price": 1})),
            403,
        ),
        (
            "POST",
            "/api/v1/subscriptions".into(),
            plat.clone(),
            Some(json!({"service_id": m.payments, "team_id": m.platform})),
            422,
        ),
        (
            "POST",
            "/api/v1/subscriptions".into(),
            a.clone(),
            Some(json!({"service_id": 999_999, "team_id": m.w.team_a})),
            422,
        ),
        (
            "POST",
            "/api/v1/subscriptions".into(),
            a.clone(),
            Some(json!({"service_id": m.payments, "team_id": m.w.team_a, "quantity": 0})),
            422,
        ),
        (
            "POST",
            "/api/v1/subscriptions".into(),
            a.clone(),
            Some(json!({"service_id": m.payments, "team_id": m.w.team_a, "bet_id": m.w.bet_b})),
            422,
        ),
        (
            "POST",
            "/api/v1/requests".into(),
            plat.clone(),
            Some(req(json!({"team_id": m.platform}))),
            422,
        ),
        request(req(json!({"request_type": "nope"}))),
        request(req(json!({"quantity": 0}))),
        request(req(json!({"max_total": -1}))),
        request(req(json!({"max_total": too_much}))),
        request(req(json!({"service_id": 999_999}))),
        (
            "POST",
            format!("/api/v1/requests/{open}/deliver"),
            plat.clone(),
            None,
            409,
        ),
        (
            "POST",
            format!("/api/v1/requests/{open}/accept"),
            a.clone(),
            None,
            409,
        ),
        (
            "POST",
            format!("/api/v1/requests/{open}/quote"),
            plat.clone(),
            Some(json!({"total": -5})),
            422,
        ),
        (
            "POST",
            format!("/api/v1/requests/{open}/quote"),
            plat.clone(),
            Some(json!({"total": 5, "expires_at": "2000-01-01T00:00:00Z"})),
            422,
        ),
        (
            "POST",
            format!("/api/v1/requests/{open}/quote"),
            a.clone(),
            Some(json!({"total": 5})),
            403,
        ),
        (
            "POST",
            format!("/api/v1/requests/{open}/raise"),
            a.clone(),
            Some(json!({"amount": 999})),
            422,
        ),
        (
            "POST",
            format!("/api/v1/requests/{accepted}/withdraw"),
            m.w.member_b.clone(),
            None,
            409,
        ),
        (
            "POST",
            format!("/api/v1/requests/{accepted}/decline"),
            plat.clone(),
            Some(json!({})),
            409,
        ),
        (
            "POST",
            format!("/api/v1/requests/{accepted}/raise"),
            m.w.member_b.clone(),
            Some(json!({"amount": too_much})),
            422,
        ),
        (
            "POST",
            "/api/v1/requests/999999/cancel".into(),
            a.clone(),
            Some(json!({})),
            404,
        ),
        (
            "POST",
            "/api/v1/billing-runs".into(),
            admin.clone(),
            Some(json!({"period": "2026-13"})),
            422,
        ),
        (
            "POST",
            "/api/v1/billing-runs".into(),
            a.clone(),
            Some(json!({"period": "2001-01"})),
            403,
        ),
        (
            "PUT",
            format!("/api/v1/teams/{}/account", m.w.team_a),
            admin.clone(),
            Some(json!({"overdraft_limit": -1})),
            422,
        ),
        (
            "PUT",
            "/api/v1/market/settings".into(),
            admin.clone(),
            Some(json!({"billing_period_months": 5})),
            422,
        ),
        (
            "GET",
            format!(
                "/api/v1/teams/{}/statement?from=2026-02-01&to=2026-01-01",
                m.w.team_a
            ),
            admin.clone(),
            None,
            422,
        ),
        (
            "GET",
            format!("/api/v1/teams/{}/statement?from=yesterday", m.w.team_a),
            admin.clone(),
            None,
            422,
        ),
        (
            "GET",
            format!(
                "/api/v1/teams/{}/statement?from=2000-01-01&to=2020-01-01",
                m.w.team_a
            ),
            admin.clone(),
            None,
            422,
        ),
        (
            "GET",
            format!("/api/v1/teams/{}/statement", m.w.team_a),
            m.w.member_b.clone(),
            None,
            403,
        ),
        (
            "GET",
            format!("/api/v1/teams/{}/statement", m.w.team_a),
            m.w.partner.clone(),
            None,
            404,
        ),
    ]
}
