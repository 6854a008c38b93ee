//! The one error of every use case: what kind of failure it is, a stable code, a message for
//! people, the field at fault and, for batches, one entry per bad row.
//!
//! It lives below both front ends so that services, the API, the pages and the command line
//! all speak it; none of them speaks in another's terms. The HTTP layer maps an [`ErrorKind`]
//! to a status (`api::error`); the command line prints the message. Services never name an HTTP
//! status: they say what went wrong.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::DomainError;

/// What kind of failure this is; each front end decides how to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request could not be read at all: malformed JSON, a bad query string.
    BadRequest,
    /// A value that was read but is not acceptable.
    Invalid,
    /// No credentials, or credentials that are not valid.
    Unauthenticated,
    /// The caller is known but may not do this.
    Forbidden,
    /// No such thing, or none the caller may see.
    NotFound,
    /// The method is not one this path takes.
    MethodNotAllowed,
    /// The request contradicts what is stored: a duplicate, a closed round, a reused key.
    Conflict,
    /// The body is larger than the limit.
    TooLarge,
    /// The body is not in a format this route reads.
    UnsupportedFormat,
    /// The caller is writing faster than its limit.
    RateLimited,
    /// The server cannot take the request now (no database connection, a lock wait); retry.
    Unavailable,
    /// Not the caller's fault: logged in full, shown without internals.
    Internal,
}

impl ErrorKind {
    /// Whether the caller can fix it by sending something else (everything but load and bugs).
    pub fn is_callers(self) -> bool {
        !matches!(self, ErrorKind::Unavailable | ErrorKind::Internal)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_value`, `not_found`, `conflict`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault, when there is one (`reports[3].value`). Always sent, as
    /// null when there is none, so that a client reads one shape.
    pub field: Option<String>,
    /// One entry per failing item of a batch; null for everything else.
    pub details: Option<Vec<RowError>>,
}

/// What was wrong with one item of a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    /// The item's position in the request (0-based) or its line in a CSV file (1-based).
    pub index: usize,
    pub code: String,
    pub message: String,
    /// The field of the item at fault, or null.
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AppError {
    kind: ErrorKind,
    detail: ErrorDetail,
    retry_after_secs: Option<u64>,
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.detail.code, self.detail.message)
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn new(kind: ErrorKind, code: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            detail: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                field: None,
                details: None,
            },
            retry_after_secs: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.detail.field = Some(field.into());
        self
    }

    pub fn with_details(mut self, rows: Vec<RowError>) -> Self {
        self.detail.details = Some(rows);
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn detail(&self) -> &ErrorDetail {
        &self.detail
    }

    /// How many seconds the caller should wait before trying again, when it should.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, "bad_request", message)
    }

    /// A value that parsed but is not acceptable.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, "invalid_value", message).with_field(field)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, "unauthorized", message)
    }

    /// A token that is unknown, revoked or expired: one answer for all three, so that a caller
    /// learns nothing about which.
    pub fn invalid_token() -> Self {
        Self::unauthorized("the token is not valid: unknown, revoked or expired")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::TooLarge, "body_too_large", message)
    }

    pub fn unsupported_format(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::UnsupportedFormat,
            "unsupported_media_type",
            message,
        )
    }

    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::RateLimited, "rate_limited", message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, "unavailable", message).with_retry_after(1)
    }

    /// A failure that is not the client's: logged in full, answered without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            ErrorKind::Internal,
            "internal",
            "something went wrong on the server; it has been logged",
        )
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::invalid(e.field, e.message)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::NotFound => AppError::not_found("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => AppError::conflict(
                "conflict",
                format!(
                    "this would duplicate an existing record ({})",
                    info.message()
                ),
            ),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::conflict("retry", "a concurrent change interfered; try again")
            }
            _ if is_busy(&e) => AppError::unavailable("the database is busy; try again shortly"),
            _ => AppError::internal(&e),
        }
    }
}

/// SQLite's "database is locked" after the busy timeout, or PostgreSQL's lock timeout: load,
/// not a bug.
fn is_busy(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(_, info)
        if info.message().contains("database is locked") || info.message().contains("lock timeout"))
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(e) => e.into(),
            DbError::Pool(e) => {
                tracing::warn!(error = %e, "no database connection free");
                AppError::unavailable("the server is busy; try again shortly")
            }
            other => AppError::internal(&other),
        }
    }
}
