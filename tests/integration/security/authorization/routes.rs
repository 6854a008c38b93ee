//! Every documented route and the rule of who may call it.

use super::rules::Rule;

/// One documented operation.
pub(super) struct Route {
    pub(super) method: &'static str,
    /// As the OpenAPI document spells it.
    pub(super) path: &'static str,
    pub(super) rule: Rule,
    /// The status of success.
    pub(super) success: u16,
    /// A success uses the object up (a token revoked, a bet activated, a round committed), so
    /// each permitted caller gets a fresh one.
    pub(super) one_shot: bool,
}

const fn route(method: &'static str, path: &'static str, rule: Rule, success: u16) -> Route {
    Route {
        method,
        path,
        rule,
        success,
        one_shot: false,
    }
}

const fn one_shot(method: &'static str, path: &'static str, rule: Rule, success: u16) -> Route {
    Route {
        method,
        path,
        rule,
        success,
        one_shot: true,
    }
}

/// Every route of `src/api/mod.rs` with who may call it.
pub(super) const ROUTES: &[Route] = &[
    route("GET", "/healthz", Rule::Public, 200),
    route("GET", "/readyz", Rule::Public, 200),
    route("GET", "/api/v1/openapi.json", Rule::Public, 200),
    route("POST", "/api/v1/teams", Rule::Committee, 201),
    route("GET", "/api/v1/teams", Rule::SignedIn, 200),
    route("GET", "/api/v1/teams/{id}", Rule::TeamRead, 200),
    route("POST", "/api/v1/users", Rule::Committee, 201),
    route("GET", "/api/v1/users", Rule::Oversight, 200),
    route("GET", "/api/v1/users/me", Rule::SignedIn, 200),
    route("GET", "/api/v1/users/{id}", Rule::SelfOrOversight, 200),
    route(
        "POST",
        "/api/v1/users/{id}/tokens",
        Rule::SelfOrCommittee,
        201,
    ),
    route(
        "GET",
        "/api/v1/users/{id}/tokens",
        Rule::SelfOrOversight,
        200,
    ),
    one_shot("DELETE", "/api/v1/tokens/{id}", Rule::SelfOrCommittee, 204),
    route("POST", "/api/v1/arenas", Rule::Committee, 201),
    route("GET", "/api/v1/arenas", Rule::SignedIn, 200),
    route("GET", "/api/v1/arenas/{id}", Rule::SignedIn, 200),
    route("POST", "/api/v1/bets", Rule::RegisterBet, 201),
    route("GET", "/api/v1/bets", Rule::SignedIn, 200),
    route("GET", "/api/v1/bets/{id}", Rule::TeamRead, 200),
    // One threshold per instant: each success needs its own.
    one_shot("POST", "/api/v1/bets/{id}/thresholds", Rule::TeamWrite, 201),
    one_shot("POST", "/api/v1/bets/{id}/activate", Rule::Committee, 200),
    one_shot("POST", "/api/v1/bets/{id}/kill", Rule::Committee, 200),
    one_shot("POST", "/api/v1/bets/{id}/graduate", Rule::Committee, 200),
    route("POST", "/api/v1/bets/{id}/reports", Rule::TeamWrite, 201),
    route("GET", "/api/v1/bets/{id}/reports", Rule::TeamRead, 200),
    route("POST", "/api/v1/reports/batch", Rule::TeamWrite, 201),
    one_shot(
        "POST",
        "/api/v1/reports/{id}/corrections",
        Rule::TeamWrite,
        201,
    ),
    route("GET", "/api/v1/reports/{id}", Rule::TeamRead, 200),
    route("POST", "/api/v1/rounds", Rule::Committee, 201),
    route("GET", "/api/v1/rounds", Rule::SignedIn, 200),
    route("GET", "/api/v1/rounds/{id}", Rule::SignedIn, 200),
    one_shot("DELETE", "/api/v1/rounds/{id}", Rule::Committee, 204),
    route("POST", "/api/v1/rounds/{id}/preview", Rule::Committee, 200),
    route(
        "PUT",
        "/api/v1/rounds/{id}/pins/{bet_id}",
        Rule::Committee,
        200,
    ),
    one_shot(
        "DELETE",
        "/api/v1/rounds/{id}/pins/{bet_id}",
        Rule::Committee,
        204,
    ),
    one_shot("POST", "/api/v1/rounds/{id}/commit", Rule::Committee, 200),
    route(
        "GET",
        "/api/v1/rounds/{id}/verification",
        Rule::Oversight,
        200,
    ),
    route("GET", "/api/v1/ledger", Rule::SignedIn, 200),
    route("GET", "/api/v1/audit", Rule::Oversight, 200),
    route("GET", "/metrics", Rule::Public, 200),
    route("POST", "/api/v1/reports/import", Rule::Import, 201),
    route(
        "GET",
        "/api/v1/rounds/{id}/results.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/portfolio.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/ledger.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/audit.{format}",
        Rule::Oversight,
        200,
    ),
    route("GET", "/api/v1/exports/races.{format}", Rule::SignedIn, 200),
    // The internal market. A team acts for itself (`TeamAct`): the object is the owner's, as
    // provider (plans, quotes, declines, deliveries) or as subscriber and requester.
    route("POST", "/api/v1/services", Rule::Committee, 201),
    route("GET", "/api/v1/services", Rule::SignedIn, 200),
    route("GET", "/api/v1/services/{id}", Rule::SignedIn, 200),
    route("GET", "/api/v1/services/{id}/queue", Rule::SignedIn, 200),
    // After the first plan, each one is set for the next period and replaces a pending one.
    route("PUT", "/api/v1/services/{id}/plan", Rule::TeamAct, 200),
    route(
        "GET",
        "/api/v1/services/{id}/subscriptions",
        Rule::TeamRead,
        200,
    ),
    // One live subscription per team, service and bet: each success needs its own service.
    one_shot("POST", "/api/v1/subscriptions", Rule::TeamAct, 201),
    route("GET", "/api/v1/subscriptions", Rule::SignedIn, 200),
    route("GET", "/api/v1/subscriptions/{id}", Rule::TeamRead, 200),
    one_shot(
        "POST",
        "/api/v1/subscriptions/{id}/cancel",
        Rule::TeamAct,
        200,
    ),
    route("POST", "/api/v1/requests", Rule::TeamAct, 201),
    route("GET", "/api/v1/requests", Rule::SignedIn, 200),
    route("GET", "/api/v1/requests/{id}", Rule::TeamRead, 200),
    // A quoted request may be quoted again.
    route("POST", "/api/v1/requests/{id}/quote", Rule::TeamAct, 200),
    one_shot("POST", "/api/v1/requests/{id}/decline", Rule::TeamAct, 200),
    one_shot("POST", "/api/v1/requests/{id}/deliver", Rule::TeamAct, 200),
    one_shot("POST", "/api/v1/requests/{id}/accept", Rule::TeamAct, 200),
    // A raise must be above the current maximum: the same amount twice is refused.
    one_shot("POST", "/api/v1/requests/{id}/raise", Rule::TeamAct, 200),
    one_shot("POST", "/api/v1/requests/{id}/withdraw", Rule::TeamAct, 200),
    // Either party or the committee (with a reason) cancels: the requester's side is tested.
    one_shot("POST", "/api/v1/requests/{id}/cancel", Rule::TeamWrite, 200),
    // One run per period: each success needs a period of its own.
    one_shot("POST", "/api/v1/billing-runs", Rule::Committee, 201),
    route("GET", "/api/v1/billing-runs", Rule::Oversight, 200),
    route("GET", "/api/v1/billing-runs/{id}", Rule::Oversight, 200),
    route(
        "POST",
        "/api/v1/billing-runs/{id}/preview",
        Rule::Committee,
        200,
    ),
    one_shot(
        "POST",
        "/api/v1/billing-runs/{id}/commit",
        Rule::Committee,
        200,
    ),
    one_shot("DELETE", "/api/v1/billing-runs/{id}", Rule::Committee, 204),
    route("GET", "/api/v1/teams/{id}/account", Rule::Books, 200),
    route("PUT", "/api/v1/teams/{id}/account", Rule::Committee, 200),
    route("GET", "/api/v1/teams/{id}/statement", Rule::Books, 200),
    route("GET", "/api/v1/market/settings", Rule::SignedIn, 200),
    route("PUT", "/api/v1/market/settings", Rule::Committee, 200),
    // The market's exports let through whom the JSON route they mirror lets through.
    route(
        "GET",
        "/api/v1/exports/services.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/subscriptions.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/exports/requests.{format}",
        Rule::SignedIn,
        200,
    ),
    route(
        "GET",
        "/api/v1/billing-runs/{id}/charges.{format}",
        Rule::Oversight,
        200,
    ),
    route(
        "GET",
        "/api/v1/teams/{id}/statement.{format}",
        Rule::Books,
        200,
    ),
    // Races: the owner's team's bet races team R's (see `race_fixtures`). A declaration uses
    // its arena up (one running race per arena), a decision its race, and a finish moved to an
    // instant cannot be moved there again.
    one_shot("POST", "/api/v1/races", Rule::Committee, 201),
    route("GET", "/api/v1/races", Rule::SignedIn, 200),
    route("GET", "/api/v1/races/{id}", Rule::RaceRead, 200),
    one_shot("POST", "/api/v1/races/{id}/extend", Rule::Committee, 200),
    one_shot("POST", "/api/v1/races/{id}/decision", Rule::Committee, 200),
];
