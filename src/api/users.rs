//! Users and tokens: `POST /users` (the token is shown once), `GET /users`, `GET /users/me`,
//! `GET /users/{id}`, `POST /users/{id}/tokens`, `GET /users/{id}/tokens`, `DELETE /tokens/{id}`.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::auth::Caller;
use super::error::ErrorBody;
use super::text_schema::NameText;
use super::utc;
use crate::db::users::{Token, User};
use crate::db::{self, write_transaction};
use crate::domain::TokenKind;
use crate::domain::{Name, Role};
use crate::error::AppError;
use crate::services::audit;
use crate::services::users::{self as service, IssuedToken, UserForm};
use crate::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Unique, 1 to 100 characters.
    #[schema(value_type = NameText)]
    pub name: String,
    pub role: Role,
    /// Required for members and partners (a partner's team is external); absent otherwise.
    #[serde(default)]
    pub team_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub team_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            role: u.role,
            id: u.id,
            name: u.name,
            team_id: u.team_id,
            created_at: utc(u.created_at),
        }
    }
}

/// A token's public facts; the secret itself is never stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub user_id: i64,
    /// The first characters of the secret, to tell tokens apart.
    pub hint: String,
    pub label: String,
    pub kind: TokenKind,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<Token> for TokenView {
    fn from(t: Token) -> Self {
        Self {
            id: t.id,
            user_id: t.user_id,
            hint: t.hint,
            label: t.label,
            kind: t.kind,
            created_at: utc(t.created_at),
            expires_at: t.expires_at.map(utc),
            revoked_at: t.revoked_at.map(utc),
        }
    }
}

/// A token just issued. `token` is shown this once; store it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedTokenView {
    pub token: String,
    #[serde(flatten)]
    pub info: TokenView,
}

impl From<IssuedToken> for IssuedTokenView {
    fn from(issued: IssuedToken) -> Self {
        Self {
            token: issued.secret.expose().to_owned(),
            info: issued.token.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    pub token: IssuedTokenView,
}

/// Create a user with a first API token (committee).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 201, body = CreatedUser),
        (status = 409, description = "Duplicate name or team full", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/users")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateUser>,
) -> Result<HttpResponse, AppError> {
    caller.require_committee()?;
    let body = body.into_inner();
    let form = UserForm {
        name: Name::parse("name", &body.name)?,
        role: body.role,
        team_id: body.team_id,
    };
    let now = crate::domain::time::now();
    let actor = caller.0.clone();
    let (user, issued) = db::run(&state.pool, move |conn| {
        service::create_user(conn, &actor, form, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(CreatedUser {
        user: user.into(),
        token: issued.into(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Only the members of this team.
    pub team_id: Option<i64>,
}

/// List users (committee and executives).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserQuery),
    responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody))
)]
#[get("/users")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UserQuery>,
) -> Result<web::Json<Vec<UserView>>, AppError> {
    caller.require_oversight()?;
    let team_id = query.team_id;
    let users = db::run(&state.pool, move |conn| {
        User::list(conn, team_id).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(users.into_iter().map(UserView::from).collect()))
}

/// The signed-in user.
#[utoipa::path(
    tag = "users",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody))
)]
#[get("/users/me")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn me(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<UserView>, AppError> {
    let id = caller.user_id;
    let user = db::run(&state.pool, move |conn| {
        User::find(conn, id)?.ok_or_else(|| AppError::not_found("user"))
    })
    .await?;
    Ok(web::Json(UserView::from(user)))
}

/// Only the user themself or someone with oversight reads a user and their tokens.
fn require_self_or_oversight(caller: &Caller, user_id: i64) -> Result<(), AppError> {
    if caller.user_id == user_id || caller.can_oversee() {
        Ok(())
    } else {
        Err(AppError::not_found("user"))
    }
}

/// One user (themself, or anyone for committee and executives).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody))
)]
#[get("/users/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<UserView>, AppError> {
    let id = path.into_inner();
    require_self_or_oversight(&caller, id)?;
    let user = db::run(&state.pool, move |conn| {
        User::find(conn, id)?.ok_or_else(|| AppError::not_found("user"))
    })
    .await?;
    Ok(web::Json(UserView::from(user)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What the token is for ("CI uploader"). 1 to 100 characters.
    #[schema(value_type = NameText)]
    pub label: String,
    /// Days until the token stops working (1 to 3,650); none means it lasts until revoked.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// Issue another API token (the user themself, or the committee for anyone).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 201, body = IssuedTokenView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/users/{id}/tokens")]
#[tracing::instrument(skip(state, body), fields(user = %caller.name))]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<CreateToken>,
) -> Result<HttpResponse, AppError> {
    let user_id = path.into_inner();
    if caller.user_id != user_id && !caller.is_committee() {
        return Err(AppError::not_found("user"));
    }
    let label = Name::parse("label", &body.label)?;
    let now = crate::domain::time::now();
    let expires_at = match body.expires_in_days {
        None => None,
        Some(days @ 1..=3_650) => Some(now + TimeDelta::days(i64::from(days))),
        Some(_) => {
            return Err(AppError::invalid(
                "expires_in_days",
                "must be between 1 and 3,650",
            ));
        }
    };
    let actor = caller.0.clone();
    let issued = db::run(&state.pool, move |conn| {
        write_transaction(conn, |conn| {
            User::find(conn, user_id)?.ok_or_else(|| AppError::not_found("user"))?;
            let issued = service::issue_token(
                conn,
                user_id,
                label.as_str(),
                TokenKind::Api,
                None,
                expires_at,
                now,
            )?;
            audit::record(
                conn,
                Some(&actor),
                "token.create",
                ("token", Some(issued.token.id)),
                json!({"user_id": user_id, "label": label.as_str(), "expires_at": expires_at}),
                now,
            )?;
            Ok::<_, AppError>(issued)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(IssuedTokenView::from(issued)))
}

/// A user's tokens, without their secrets.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = Vec<TokenView>), (status = 404, body = ErrorBody))
)]
#[get("/users/{id}/tokens")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn list_tokens(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<Vec<TokenView>>, AppError> {
    let user_id = path.into_inner();
    require_self_or_oversight(&caller, user_id)?;
    let tokens = db::run(&state.pool, move |conn| {
        User::find(conn, user_id)?.ok_or_else(|| AppError::not_found("user"))?;
        Token::list_for_user(conn, user_id).map_err(AppError::from)
    })
    .await?;
    Ok(web::Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Revoke a token at once (its owner, or the committee for anyone's).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
#[delete("/tokens/{id}")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = caller.0.clone();
    let now = crate::domain::time::now();
    db::run(&state.pool, move |conn| {
        write_transaction(conn, |conn| {
            let token = Token::find(conn, id)?
                .filter(|t| t.user_id == actor.user_id || actor.is_committee())
                .ok_or_else(|| AppError::not_found("token"))?;
            if !Token::revoke(conn, id, now.naive_utc())? {
                return Err(AppError::conflict(
                    "already_revoked",
                    "the token was already revoked",
                ));
            }
            audit::record(
                conn,
                Some(&actor),
                "token.revoke",
                ("token", Some(id)),
                json!({"user_id": token.user_id, "hint": token.hint}),
                now,
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
