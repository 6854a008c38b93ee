//! The JSON API under `/api/v1`: handlers, the error envelope, token auth, and the OpenAPI
//! document generated from the handlers' own types.

pub mod arenas;
pub mod audit;
pub mod auth;
pub mod bets;
pub mod error;
pub mod exports;
pub mod fallback;
pub mod health;
pub mod import;
pub mod ledger;
pub mod market;
pub mod openapi;
pub mod pagination;
pub mod races;
pub mod reports;
pub mod rounds;
pub mod schemas;
pub mod teams;
pub mod text_schema;
pub mod users;

pub use openapi::openapi_document;

use actix_web::web;
use chrono::{DateTime, NaiveDateTime, Utc};
use utoipa_actix_web::service_config::ServiceConfig;

/// A stored UTC timestamp as the API shows it.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Mounts every route: the health checks, `/api/v1`, and the OpenAPI document. The document's
/// paths are collected from these same calls, so it cannot miss a route.
pub fn mount(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(utoipa_actix_web::scope("/api/v1").configure(routes));
}

fn routes(cfg: &mut ServiceConfig) {
    // The router tries routes in this order, each pattern against the path: the reports that
    // teams send one at a time come first.
    cfg.service(reports::create_report)
        .service(reports::correct_report)
        .service(reports::create_batch)
        .service(reports::list_reports)
        .service(reports::get_report)
        .service(openapi::openapi_json)
        .service(teams::create_team)
        .service(teams::list_teams)
        .service(teams::get_team)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::me)
        .service(users::get_user)
        .service(users::create_token)
        .service(users::list_tokens)
        .service(users::revoke_token)
        .service(arenas::create_arena)
        .service(arenas::list_arenas)
        .service(arenas::get_arena)
        .service(bets::create_bet)
        .service(bets::list_bets)
        .service(bets::get_bet)
        .service(bets::add_threshold)
        .service(bets::activate_bet)
        .service(bets::kill_bet)
        .service(bets::graduate_bet)
        .service(import::import_reports)
        .service(exports::export_round_results)
        .service(exports::export_portfolio)
        .service(exports::export_ledger)
        .service(exports::export_audit)
        .service(rounds::create_round)
        .service(rounds::list_rounds)
        .service(rounds::get_round)
        .service(rounds::delete_round)
        .service(rounds::preview_round)
        .service(rounds::set_pin)
        .service(rounds::remove_pin)
        .service(rounds::commit_round)
        .service(rounds::verify_round)
        .service(ledger::get_ledger)
        .service(audit::list_audit)
        .service(races::declare::create_race)
        .service(races::declare::list_races)
        .service(races::show::get_race)
        .service(races::decide::decide_race)
        .service(races::decide::extend_race)
        .service(races::export::export_races)
        .configure(market_routes);
}

fn market_routes(cfg: &mut ServiceConfig) {
    use market::{billing, books, catalogue, exports, request_actions, requests, subscriptions};
    cfg.service(catalogue::create_service)
        .service(catalogue::list_services)
        .service(catalogue::get_service)
        .service(catalogue::set_plan)
        .service(catalogue::get_queue)
        .service(catalogue::list_service_subscriptions)
        .service(subscriptions::create_subscription)
        .service(subscriptions::list_subscriptions)
        .service(subscriptions::get_subscription)
        .service(subscriptions::cancel_subscription)
        .service(requests::create_request)
        .service(requests::list_requests)
        .service(requests::get_request)
        .service(request_actions::quote_request)
        .service(request_actions::decline_request)
        .service(request_actions::accept_request)
        .service(request_actions::raise_request)
        .service(request_actions::withdraw_request)
        .service(request_actions::cancel_request)
        .service(request_actions::deliver_request)
        .service(billing::create_billing_run)
        .service(billing::list_billing_runs)
        .service(billing::get_billing_run)
        .service(billing::preview_billing_run)
        .service(billing::commit_billing_run)
        .service(billing::delete_billing_run)
        .service(books::get_account)
        .service(books::set_account)
        .service(books::get_statement)
        .service(books::get_settings)
        .service(books::set_settings)
        .service(exports::export_services)
        .service(exports::export_subscriptions)
        .service(exports::export_requests)
        .service(exports::export_billing_run_charges)
        .service(exports::export_team_statement);
}

/// JSON bodies above this size are refused with 413 before they are parsed.
pub const MAX_JSON_BODY: usize = 2 * 1024 * 1024;

/// The extractor settings that turn every parse failure into the error envelope.
pub fn extractor_config(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(MAX_JSON_BODY)
            .error_handler(error::json_error),
    )
    .app_data(web::QueryConfig::default().error_handler(error::query_error))
    .app_data(web::PathConfig::default().error_handler(error::path_error));
}
