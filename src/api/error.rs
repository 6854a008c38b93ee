//! The one error envelope of the API: `{"error": {"code", "message", "field"}}`, plus `details`
//! for batches (one entry per bad row). Every failure a client can cause maps to a 4xx here;
//! anything else is logged and answered with an opaque 500.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::DomainError;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_value`, `not_found`, `conflict`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault, when there is one (`reports[3].value`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// One entry per failing item of a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<RowError>>,
}

/// What was wrong with one item of a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    /// The item's position in the request (0-based) or its line in a CSV file (1-based).
    pub index: usize,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    detail: ErrorDetail,
    retry_after_secs: Option<u64>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.detail.code,
            self.detail.message
        )
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
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

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn detail(&self) -> &ErrorDetail {
        &self.detail
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A value that parsed as JSON but is not acceptable.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", message).with_field(field)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message).with_retry_after(1)
    }

    /// A failure that is not the client's: logged in full, answered without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on the server; it has been logged",
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(ErrorBody {
            error: self.detail.clone(),
        })
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::invalid(e.field, e.message)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::NotFound => ApiError::not_found("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => ApiError::conflict(
                "conflict",
                format!(
                    "this would duplicate an existing record ({})",
                    info.message()
                ),
            ),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::conflict("retry", "a concurrent change interfered; try again")
            }
            _ if is_busy(&e) => ApiError::unavailable("the database is busy; try again shortly"),
            _ => ApiError::internal(&e),
        }
    }
}

/// SQLite's "database is locked" after the busy timeout, or PostgreSQL's lock timeout: load,
/// not a bug.
fn is_busy(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(_, info)
        if info.message().contains("database is locked") || info.message().contains("lock timeout"))
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(e) => e.into(),
            DbError::Pool(e) => {
                tracing::warn!(error = %e, "no database connection free");
                ApiError::unavailable("the server is busy; try again shortly")
            }
            other => ApiError::internal(&other),
        }
    }
}

/// Turns actix's JSON extractor failures into the envelope: malformed or truncated JSON, unknown
/// fields and wrong types are 400; a body over the limit is 413; a wrong content type is 415.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { limit, .. } | E::Overflow { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is larger than the limit of {limit} bytes"),
        ),
        E::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        ),
        E::Deserialize(inner) => {
            let message = inner.to_string();
            let api = ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", message.clone());
            match quoted_field(&message) {
                Some(field) => api.with_field(field),
                None => api,
            }
        }
        other => ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", other.to_string()),
    };
    api.into()
}

/// The field serde named in messages like "unknown field `foo`" or "missing field `bar`".
fn quoted_field(message: &str) -> Option<String> {
    let rest = message.split_once("field `")?.1;
    Some(rest.split_once('`')?.0.to_owned())
}

pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", err.to_string()).into()
}

pub fn path_error(
    err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such resource: {err}"),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::quoted_field;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            quoted_field("unknown field `status`, expected one of `title`").as_deref(),
            Some("status")
        );
        assert_eq!(quoted_field("expected value at line 1 column 2"), None);
    }
}
