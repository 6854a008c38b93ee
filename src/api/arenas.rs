//! Arenas: `POST /arenas`, `GET /arenas`, `GET /arenas/{id}`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::error::ErrorBody;
use super::text_schema::{DescriptionText, NameText};
use super::utc;
use crate::db;
use crate::db::arenas::Arena;
use crate::domain::{Description, Name};
use crate::error::AppError;
use crate::services::directory;
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArena {
    /// Unique, 1 to 100 characters.
    #[schema(value_type = NameText)]
    pub name: String,
    /// The problem the competing bets attack. Up to 10,000 characters.
    #[serde(default)]
    #[schema(value_type = Option<DescriptionText>)]
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArenaView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<Arena> for ArenaView {
    fn from(a: Arena) -> Self {
        Self {
            id: a.id,
            name: a.name,
            description: a.description,
            created_at: utc(a.created_at),
        }
    }
}

/// Create an arena (committee).
#[utoipa::path(
    tag = "arenas",
    security(("bearer" = [])),
    responses(
        (status = 201, body = ArenaView),
        (status = 409, description = "An arena of that name exists", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/arenas")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_arena(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateArena>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let name = Name::parse("name", &body.name)?;
    let description = Description::parse("description", body.description.as_deref().unwrap_or(""))?;
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let arena = db::run(&state.pool, move |conn| {
        directory::create_arena(conn, &actor, &name, &description, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(ArenaView::from(arena)))
}

/// List arenas.
#[utoipa::path(
    tag = "arenas",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ArenaView>), (status = 401, body = ErrorBody))
)]
#[get("/arenas")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_arenas(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<ArenaView>>, AppError> {
    let arenas = db::run(&state.pool, |conn| {
        Arena::list(conn).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(arenas.into_iter().map(ArenaView::from).collect()))
}

/// One arena.
#[utoipa::path(
    tag = "arenas",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Arena id")),
    responses((status = 200, body = ArenaView), (status = 404, body = ErrorBody))
)]
#[get("/arenas/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_arena(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<ArenaView>, AppError> {
    let id = path.into_inner();
    let arena = db::run(&state.pool, move |conn| {
        Arena::find(conn, id)?.ok_or_else(|| AppError::not_found("arena"))
    })
    .await?;
    Ok(web::Json(arena.into()))
}
