//! A team's books and the market's settings: `GET /teams/{id}/account`,
//! `PUT /teams/{id}/account` (its overdraft limit; committee), `GET /teams/{id}/statement`,
//! `GET /market/settings`, `PUT /market/settings` (the billing period; committee).

use actix_web::{get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::db;
use crate::db::portfolio::Portfolio;
use crate::domain::time::parse_text;
use crate::domain::{Money, PeriodLength};
use crate::error::AppError;
use crate::services::market::accounts::{self, TeamAccount};
use crate::services::market::export::statement_range;
use crate::services::market::require_books;
use crate::services::market::statement::{self, Statement};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAccount {
    /// How far below zero the team's account may go, in minor units (0 to 10^15).
    #[schema(minimum = 0, maximum = 1000000000000000_i64)]
    pub overdraft_limit: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    /// Start (inclusive): an instant, or a date (midnight UTC). Default: the current period's.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub from: Option<String>,
    /// End (exclusive), after `from` and at most ten years after it. Default: the end of the
    /// current period.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketSettings {
    /// The length of a billing period in months, counted from January: 1, 2, 3, 4, 6 or 12.
    pub billing_period_months: i64,
}

/// A team's money: balance, on hold, overdraft limit, available (the team, committee, execs).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamAccount), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/teams/{id}/account")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_account(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<TeamAccount>, AppError> {
    let id = path.into_inner();
    require_books(&caller, id)?;
    let account = db::run(&state.pool, move |conn| accounts::team_account(conn, id)).await?;
    Ok(web::Json(account))
}

/// Set a team's overdraft limit (committee).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamAccount), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[put("/teams/{id}/account")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn set_account(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<SetAccount>,
) -> Result<web::Json<TeamAccount>, AppError> {
    caller.require_committee()?;
    let id = path.into_inner();
    let limit = Money::parse("overdraft_limit", body.into_inner().overdraft_limit)?;
    let now = state.clock.now();
    let actor = caller.0.clone();
    let account = db::run(&state.pool, move |conn| {
        accounts::set_overdraft_limit(conn, &actor, id, limit, now)
    })
    .await?;
    Ok(web::Json(account))
}

/// A team's statement for a range: opening, what came in and went out by kind, by bet and by
/// service, per billing period, closing, and the charges left unpaid (the team, committee,
/// execs).
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id"), StatementQuery),
    responses((status = 200, body = Statement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/teams/{id}/statement")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_statement(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<StatementQuery>,
) -> Result<web::Json<Statement>, AppError> {
    let id = path.into_inner();
    require_books(&caller, id)?;
    let q = query.into_inner();
    let from = q.from.map(|t| parse_text("from", &t)).transpose()?;
    let to = q.to.map(|t| parse_text("to", &t)).transpose()?;
    let now = state.clock.now();
    let actor = caller.0.clone();
    let statement = db::run(&state.pool, move |conn| {
        let (from, to) = statement_range(conn, (from, to), now)?;
        statement::statement(conn, &actor, id, from, to)
    })
    .await?;
    Ok(web::Json(statement))
}

/// The market's settings.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    responses((status = 200, body = MarketSettings), (status = 401, body = ErrorBody))
)]
#[get("/market/settings")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_settings(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<MarketSettings>, AppError> {
    let months = db::run(&state.pool, move |conn| {
        crate::services::market::period_length(conn)
    })
    .await?;
    Ok(web::Json(MarketSettings {
        billing_period_months: i64::from(months.months()),
    }))
}

/// Set the billing period's length (committee). Runs already made keep their periods; a new
/// run may not overlap one.
#[utoipa::path(
    tag = "market",
    security(("bearer" = [])),
    responses((status = 200, body = MarketSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[put("/market/settings")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn set_settings(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<MarketSettings>,
) -> Result<web::Json<MarketSettings>, AppError> {
    caller.require_committee()?;
    let length = PeriodLength::parse("billing_period_months", body.billing_period_months)?;
    let now = state.clock.now();
    let actor = caller.0.clone();
    db::run(&state.pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let months = i32::try_from(length.months()).unwrap_or(1);
            Portfolio::set_billing_period_months(conn, months)?;
            crate::services::audit::record(
                conn,
                Some(&actor),
                "market.settings",
                ("portfolio", None),
                serde_json::json!({"billing_period_months": length.months()}),
                now,
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(web::Json(MarketSettings {
        billing_period_months: i64::from(length.months()),
    }))
}
