//! Who is calling: the bearer token of an API request, resolved to its user.
//!
//! The extractor fails with 401 for a missing, malformed, unknown, revoked or expired token;
//! handlers then ask the [`Actor`] what it may do.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::domain::{Actor, ApiToken, Role};
use crate::error::AppError;
use crate::startup::AppState;

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
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let writes = !req.method().is_safe();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(&"application state missing"))?;
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
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(bearer_token(req).map(Bearer))
    }
}

/// Counts a write against the token's limit; over it, 429 with the wait in `Retry-After`.
fn take_write(state: &AppState, token_id: i64) -> Result<(), AppError> {
    match &state.write_limit {
        Some(limit) => limit.take_or_refuse(token_id, std::time::Instant::now()),
        None => Ok(()),
    }
}

fn bearer_token(req: &HttpRequest) -> Result<ApiToken, AppError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        AppError::unauthorized("send an API token: Authorization: Bearer <token>")
    })?;
    let value = value
        .to_str()
        .map_err(|_| AppError::unauthorized("the Authorization header is not valid text"))?;
    let raw = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| {
            AppError::unauthorized("the Authorization header must be: Bearer <token>")
        })?;
    ApiToken::parse("token", raw.trim()).map_err(|_| AppError::invalid_token())
}

/// Resolves a token to its actor (any kind of token: API or web session).
async fn resolve(state: &AppState, token: ApiToken) -> Result<(Actor, i64), AppError> {
    crate::services::users::authenticate(&state.pool, token).await
}

impl Caller {
    pub fn require_committee(&self) -> Result<(), AppError> {
        if self.is_committee() {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "only the portfolio committee may do this",
            ))
        }
    }

    pub fn require_oversight(&self) -> Result<(), AppError> {
        if self.can_oversee() {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "only the committee and executives may see this",
            ))
        }
    }

    /// Reading a team's data: partners see only their own; for them another team does not exist.
    pub fn require_read_team(&self, team_id: i64, what: &str) -> Result<(), AppError> {
        if self.can_read_team(team_id) {
            Ok(())
        } else {
            Err(AppError::not_found(what))
        }
    }

    /// Executives read; they never write.
    pub fn require_writer(&self) -> Result<(), AppError> {
        if self.role == Role::Exec {
            Err(AppError::forbidden(
                "executives read the portfolio; they change nothing",
            ))
        } else {
            Ok(())
        }
    }

    pub fn require_write_team(&self, team_id: i64) -> Result<(), AppError> {
        if self.can_write_team(team_id) {
            Ok(())
        } else if self.role == Role::Exec {
            Err(AppError::forbidden(
                "executives read the portfolio; they change nothing",
            ))
        } else {
            Err(AppError::forbidden("this belongs to another team"))
        }
    }
}
