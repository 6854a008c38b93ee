//! Error pages inside the product's frame. A page handler fails with a [`WebError`]; this
//! middleware finds it on the way out and, when the request carries a valid session, renders it
//! again with the top bar of the signed-in person and a sentence saying what to do next, so a
//! 403, 404 or 409 is never a dead end. Without a session the plain error page stands.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{FromRequest, web};
use askama::Template;

use super::chrome::Chrome;
use super::error::WebError;
use super::session::Viewer;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct FramedError<'a> {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    message: &'a str,
    what_to_do: String,
}

/// Wraps every request: a page's error, once rendered plain by [`WebError`], is rendered again
/// in the frame. Other responses (the API's errors included) pass untouched.
pub async fn framed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let failure = response
        .response()
        .error()
        .and_then(|e| e.as_error::<WebError>())
        .and_then(|e| match e {
            WebError::Page { status, message } => Some((*status, message.clone())),
            WebError::SignIn { .. } => None,
        });
    let (request, response) = response.into_parts();
    let Some((status, message)) = failure else {
        return Ok(ServiceResponse::new(
            request,
            response.map_into_boxed_body(),
        ));
    };
    match in_frame(&request, status, &message).await {
        Some(page) => Ok(ServiceResponse::new(request, page)),
        None => Ok(ServiceResponse::new(
            request,
            response.map_into_boxed_body(),
        )),
    }
}

/// The error page with the viewer's top bar, or `None` when there is no viewer to frame it for
/// (or the frame itself fails: then the plain page is the honest answer).
async fn in_frame(
    request: &actix_web::HttpRequest,
    status: StatusCode,
    message: &str,
) -> Option<actix_web::HttpResponse> {
    let state = request.app_data::<web::Data<AppState>>()?;
    let viewer = Viewer::from_request(request, &mut Payload::None)
        .await
        .ok()?;
    let chrome = Chrome::load(state, &viewer, "", None).await.ok()?;
    let what_to_do = what_to_do(status, &viewer, &chrome.home);
    let page = FramedError {
        chrome,
        status: status.as_u16(),
        title: title(status),
        message,
        what_to_do,
    };
    Some(super::html(status, page.render().ok()?))
}

/// The page's heading in words a reader knows.
pub(super) fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "That did not work",
        403 => "Not for your role",
        404 => "Not found",
        409 => "Already changed",
        413 => "Too large",
        429 => "Too many requests",
        _ => status.canonical_reason().unwrap_or("Something went wrong"),
    }
}

/// What the reader can do next, by what went wrong.
fn what_to_do(status: StatusCode, viewer: &Viewer, home: &str) -> String {
    let home = if home == "/" {
        "the portfolio"
    } else {
        "your team's page"
    };
    match status.as_u16() {
        400 | 413 | 422 => "Go back, check what was entered, and send it again.".to_owned(),
        403 => format!(
            "You are signed in as {} ({}). Ask the committee if your role should allow this, or go back to {home}.",
            viewer.name,
            viewer.role.as_str()
        ),
        404 => format!(
            "It may have been deleted, or the address is mistyped. Start again from {home}."
        ),
        409 => "Someone changed it first, or it was already done. Reload the page to see it as it is now, then decide again.".to_owned(),
        429 => "Wait a minute, then try again.".to_owned(),
        _ => "Try again in a moment; if it keeps happening, tell whoever runs horserace (the server's log has the details).".to_owned(),
    }
}
