//! The market's JSON routes for the hostile-input attack, each with a body it accepts.

use serde_json::json;

use super::JsonRoute;

/// The market's JSON routes, on ids that may not exist: a hostile body must still get a 4xx.
pub(super) fn market_routes(team: i64) -> Vec<JsonRoute> {
    let route = |method, template, path: String, body| JsonRoute {
        method,
        template,
        path,
        body,
    };
    let reason = json!({"reason": "r"});
    vec![
        route(
            "POST",
            "/api/v1/services",
            "/api/v1/services".into(),
            json!({"name": "S", "provider_team_id": team, "description": "d"}),
        ),
        route(
            "PUT",
            "/api/v1/services/{id}/plan",
            "/api/v1/services/1/plan".into(),
            json!({"price": 100, "quantity_unit": "seat", "capacity": 5, "request_types": [{"name": "r", "unit": "u", "unit_price": 1}], "effective_from": "2099-01"}),
        ),
        route(
            "POST",
            "/api/v1/subscriptions",
            "/api/v1/subscriptions".into(),
            json!({"service_id": 1, "team_id": team, "quantity": 1}),
        ),
        route(
            "POST",
            "/api/v1/requests",
            "/api/v1/requests".into(),
            json!({"service_id": 1, "team_id": team, "request_type": "r", "quantity": 1, "purpose": "p", "max_total": 10}),
        ),
        route(
            "POST",
            "/api/v1/requests/{id}/quote",
            "/api/v1/requests/1/quote".into(),
            json!({"total": 10, "expires_at": "2099-01-01T00:00:00Z"}),
        ),
        route(
            "POST",
            "/api/v1/requests/{id}/raise",
            "/api/v1/requests/1/raise".into(),
            json!({"amount": 10}),
        ),
        route(
            "POST",
            "/api/v1/requests/{id}/decline",
            "/api/v1/requests/1/decline".into(),
            reason.clone(),
        ),
        route(
            "POST",
            "/api/v1/requests/{id}/cancel",
            "/api/v1/requests/1/cancel".into(),
            reason,
        ),
        route(
            "POST",
            "/api/v1/billing-runs",
            "/api/v1/billing-runs".into(),
            json!({"period": "2001-01"}),
        ),
        route(
            "PUT",
            "/api/v1/teams/{id}/account",
            format!("/api/v1/teams/{team}/account"),
            json!({"overdraft_limit": 10}),
        ),
        route(
            "PUT",
            "/api/v1/market/settings",
            "/api/v1/market/settings".into(),
            json!({"billing_period_months": 1}),
        ),
    ]
}
