//! Who is calling: the bearer token of an API request, resolved to its user.
//!
//! The extractor fails with 401 for a missing, malformed, unknown, revoked or expired token;
//! handlers then ask the [`Actor`] what it may do.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::AppState;
use super::error::ApiError;
use crate::domain::{Actor, ApiToken, Role};

/// The authenticated caller of an API route.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl std::ops::Deref for Caller {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let writes = !req.method().is_safe();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let (actor, token_id) = resolve(&state, token?).await?;
            if writes {
                take_write(&state, token_id)?;
            }
            Ok(Caller(actor))
        })
    }
}

/// A well-formed bearer token, not yet looked up: for the single-report routes, whose token the
/// report writer resolves in the same step that stores the report (see
/// [`crate::services::report_writer`]). A missing or malformed header is still 401 at once.
pub struct Bearer(pub ApiToken);

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(bearer_token(req).map(Bearer))
    }
}

/// Counts a write against the token's limit; over it, 429 with the wait in `Retry-After`.
fn take_write(state: &AppState, token_id: i64) -> Result<(), ApiError> {
    match &state.write_limit {
        Some(limit) => limit.take_or_refuse(token_id, std::time::Instant::now()),
        None => Ok(()),
    }
}

fn bearer_token(req: &HttpRequest) -> Result<ApiToken, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized("send an API token: Authorization: Bearer <token>")
    })?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    let raw = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| {
            ApiError::unauthorized("the Authorization header must be: Bearer <token>")
        })?;
    ApiToken::parse("token", raw.trim()).map_err(|_| invalid_token())
}

pub(crate) fn invalid_token() -> ApiError {
    ApiError::unauthorized("the token is not valid: unknown, revoked or expired")
}

/// Resolves a token to its actor (any kind of token: API or web session).
pub async fn authenticate(state: &AppState, token: ApiToken) -> Result<Actor, ApiError> {
    resolve(state, token).await.map(|(actor, _)| actor)
}

/// The token's actor and the token's id.
async fn resolve(state: &AppState, token: ApiToken) -> Result<(Actor, i64), ApiError> {
    let now = crate::db::now();
    crate::db::run(&state.pool, move |conn| {
        crate::services::users::actor_for_token(conn, &token, now)
    })
    .await?
    .ok_or_else(invalid_token)
}

impl Caller {
    pub fn require_committee(&self) -> Result<(), ApiError> {
        if self.is_committee() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "only the portfolio committee may do this",
            ))
        }
    }

    pub fn require_oversight(&self) -> Result<(), ApiError> {
        if self.can_oversee() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "only the committee and executives may see this",
            ))
        }
    }

    /// Reading a team's data: partners see only their own; for them another team does not exist.
    pub fn require_read_team(&self, team_id: i64, what: &str) -> Result<(), ApiError> {
        if self.can_read_team(team_id) {
            Ok(())
        } else {
            Err(ApiError::not_found(what))
        }
    }

    /// Executives read; they never write.
    pub fn require_writer(&self) -> Result<(), ApiError> {
        if self.role == Role::Exec {
            Err(ApiError::forbidden(
                "executives read the portfolio; they change nothing",
            ))
        } else {
            Ok(())
        }
    }

    pub fn require_write_team(&self, team_id: i64) -> Result<(), ApiError> {
        if self.can_write_team(team_id) {
            Ok(())
        } else if self.role == Role::Exec {
            Err(ApiError::forbidden(
                "executives read the portfolio; they change nothing",
            ))
        } else {
            Err(ApiError::forbidden("this belongs to another team"))
        }
    }
}
