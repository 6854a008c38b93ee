//! Teams: `POST /teams`, `GET /teams`, `GET /teams/{id}`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::error::ErrorBody;
use super::text_schema::NameText;
use super::users::UserView;
use super::utc;
use crate::db;
use crate::db::teams::Team;
use crate::db::users::User;
use crate::domain::{Name, TeamKind};
use crate::error::AppError;
use crate::services::directory::{self, DEFAULT_MAX_MEMBERS};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    /// Unique, 1 to 100 characters.
    #[schema(value_type = NameText)]
    pub name: String,
    pub kind: TeamKind,
    /// At most this many members and partners (1 to 1,000; default 10).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_members: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub kind: TeamKind,
    pub max_members: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamDetail {
    #[serde(flatten)]
    pub team: TeamView,
    pub members: Vec<UserView>,
}

impl From<Team> for TeamView {
    fn from(t: Team) -> Self {
        Self {
            kind: t.kind,
            id: t.id,
            name: t.name,
            max_members: t.max_members,
            created_at: utc(t.created_at),
        }
    }
}

/// Create a team (committee).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    responses(
        (status = 201, body = TeamView),
        (status = 409, description = "A team of that name exists", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/teams")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_team(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateTeam>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let body = body.into_inner();
    let name = Name::parse("name", &body.name)?;
    let max_members = body.max_members.unwrap_or(DEFAULT_MAX_MEMBERS);
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let team = db::run(&state.pool, move |conn| {
        directory::create_team(conn, &actor, &name, body.kind, max_members, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(TeamView::from(team)))
}

/// List teams (a partner sees only its own).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<TeamView>), (status = 401, body = ErrorBody))
)]
#[get("/teams")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_teams(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<TeamView>>, AppError> {
    let only = (!caller.reads_all_teams()).then_some(caller.team_id.unwrap_or(-1));
    let teams = db::run(&state.pool, move |conn| {
        Team::list(conn, only).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(teams.into_iter().map(TeamView::from).collect()))
}

/// A team with its members.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamDetail), (status = 404, body = ErrorBody))
)]
#[get("/teams/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_team(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<TeamDetail>, AppError> {
    let id = path.into_inner();
    caller.require_read_team(id, "team")?;
    let (team, members) = db::run(&state.pool, move |conn| {
        let team = Team::find(conn, id)?.ok_or_else(|| AppError::not_found("team"))?;
        let members = User::list(conn, Some(id))?;
        Ok::<_, AppError>((team, members))
    })
    .await?;
    Ok(web::Json(TeamDetail {
        team: team.into(),
        members: members.into_iter().map(UserView::from).collect(),
    }))
}
