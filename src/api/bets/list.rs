//! Listing bets, filtered and a page at a time, narrowed to what the caller may see.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::BetView;
use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::pagination::{Page, Paging};
use crate::db;
use crate::db::bets::{Bet, BetFilter};
use crate::domain::{BetStatus, Stage};
use crate::error::AppError;
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BetQuery {
    pub arena_id: Option<i64>,
    pub team_id: Option<i64>,
    pub status: Option<BetStatus>,
    pub stage: Option<Stage>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// List bets, filtered by arena, team, status and stage, a page at a time.
#[utoipa::path(
    tag = "bets",
    security(("bearer" = [])),
    params(BetQuery),
    responses((status = 200, body = Page<BetView>), (status = 422, body = ErrorBody))
)]
#[get("/bets")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_bets(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<BetQuery>,
) -> Result<web::Json<Page<BetView>>, AppError> {
    let query = query.into_inner();
    let paging = Paging::parse(query.page, query.per_page)?;
    let mut filter = BetFilter {
        arena_id: query.arena_id,
        team_id: query.team_id,
        status: query.status,
        stage: query.stage,
    };
    if !caller.reads_all_teams() {
        match filter.team_id {
            Some(team) if Some(team) != caller.team_id => {
                return Ok(web::Json(paging.wrap(vec![], 0)));
            }
            _ => filter.team_id = caller.team_id.or(Some(-1)),
        }
    }
    let (bets, total) = db::run(&state.pool, move |conn| {
        Bet::page(conn, &filter, paging.offset(), paging.limit()).map_err(AppError::from)
    })
    .await?;
    let items = bets.into_iter().map(BetView::from).collect();
    Ok(web::Json(paging.wrap(items, total)))
}
