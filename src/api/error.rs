//! The error envelope of the API: `{"error": {"code", "message", "field"}}`, plus `details`
//! for batches (one entry per bad row). This is where an [`ErrorKind`] becomes an HTTP status:
//! every failure a client can cause maps to a 4xx; anything else was logged where it happened
//! and is answered with an opaque 500.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, ErrorDetail, ErrorKind};
use crate::http::status_of;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        status_of(self.kind())
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if self.kind() == ErrorKind::Unauthenticated {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Some(secs) = self.retry_after_secs() {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(ErrorBody {
            error: self.detail().clone(),
        })
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
        E::OverflowKnownLength { limit, .. } | E::Overflow { limit } => AppError::too_large(
            format!("the request body is larger than the limit of {limit} bytes"),
        ),
        E::ContentType => AppError::unsupported_format("send the body as application/json"),
        E::Deserialize(inner) => {
            let message = inner.to_string();
            let api = AppError::new(ErrorKind::BadRequest, "invalid_json", message.clone());
            match quoted_field(&message) {
                Some(field) => api.with_field(field),
                None => api,
            }
        }
        other => AppError::new(ErrorKind::BadRequest, "invalid_json", other.to_string()),
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
    AppError::new(ErrorKind::BadRequest, "invalid_query", err.to_string()).into()
}

pub fn path_error(
    err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    AppError::new(
        ErrorKind::NotFound,
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
