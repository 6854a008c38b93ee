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
use crate::db::users::User;
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

/// Counts a write against the token's limit; over it, 429 with the wait in `Retry-After`.
fn take_write(state: &AppState, token_id: i64) -> Result<(), ApiError> {
    let Some(limit) = &state.write_limit else {
        return Ok(());
    };
    limit
        .take(token_id, std::time::Instant::now())
        .map_err(|wait| {
            ApiError::too_many_requests(
                "this token is writing too fast; wait, or send reports in batches (POST /api/v1/reports/batch)",
            )
            // Whole seconds, rounded up: a client that waits this long is let through.
            .with_retry_after(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        })
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

fn invalid_token() -> ApiError {
    ApiError::unauthorized("the token is not valid: unknown, revoked or expired")
}

/// Resolves a token to its actor (any kind of token: API or web session).
pub async fn authenticate(state: &AppState, token: ApiToken) -> Result<Actor, ApiError> {
    resolve(state, token).await.map(|(actor, _)| actor)
}

/// The token's actor and the token's id.
async fn resolve(state: &AppState, token: ApiToken) -> Result<(Actor, i64), ApiError> {
    let hash = token.hash();
    let now = crate::db::now();
    let found = crate::db::run(&state.pool, move |conn| {
        User::by_token_hash(conn, hash.as_str(), now).map_err(ApiError::from)
    })
    .await?;
    let (user, stored) = found.ok_or_else(invalid_token)?;
    if !crate::domain::TokenHash::from_stored(stored.hash).matches(&token.hash()) {
        return Err(invalid_token());
    }
    let role: Role = user
        .role
        .parse()
        .map_err(|e: String| ApiError::internal(&e))?;
    let actor = Actor {
        user_id: user.id,
        name: user.name,
        role,
        team_id: user.team_id,
    };
    Ok((actor, stored.id))
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
