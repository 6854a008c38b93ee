//! Failures of the pages: a redirect to the sign-in page, or an error page in words. The same
//! statuses as the API, rendered as HTML; `error_frame` renders them again inside the top bar
//! when the reader is signed in.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;

#[derive(Debug)]
pub enum WebError {
    /// Not signed in: go to the sign-in page, then come back.
    SignIn { next: String },
    /// Anything else: a page that says what went wrong.
    Page { status: StatusCode, message: String },
}

#[derive(Template)]
#[template(path = "error_plain.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::SignIn { next } => write!(f, "sign in to see {next}"),
            WebError::Page { status, message } => write!(f, "{status}: {message}"),
        }
    }
}

impl WebError {
    pub fn forbidden(message: impl Into<String>) -> Self {
        WebError::Page {
            status: StatusCode::FORBIDDEN,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        WebError::Page {
            status: StatusCode::NOT_FOUND,
            message: format!("{what} not found"),
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Page { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            WebError::SignIn { next } => {
                super::see_other(format!("/login?next={}", urlencode(next)))
            }
            WebError::Page { status, message } => {
                let title = super::error_frame::title(*status);
                let body = ErrorPage {
                    status: status.as_u16(),
                    title,
                    message,
                }
                .render()
                .unwrap_or_else(|_| message.clone());
                super::html(*status, body)
            }
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::Page {
            status: crate::http::status_of(e.kind()),
            message: e.detail().message.clone(),
        }
    }
}

impl From<crate::db::DbError> for WebError {
    fn from(e: crate::db::DbError) -> Self {
        AppError::from(e).into()
    }
}

impl From<diesel::result::Error> for WebError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(e).into()
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(&e).into()
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
