//! `GET /login`, `POST /login`, `POST /logout`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::domain::ApiToken;
use crate::domain::TokenKind;
use crate::services::users::authenticate;
use crate::services::users::issue_token;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::forms::{CsrfForm, local_path};
use crate::web::html_builder;
use crate::web::session::{
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_LENGTH, Viewer, expired, login_csrf_cookie, same,
    session_cookie,
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    error: Option<String>,
    signed_out: bool,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// Only paths on this server are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    local_path(next.unwrap_or("/")).to_owned()
}

fn page(
    csrf: String,
    next: String,
    error: Option<String>,
    signed_out: bool,
    secure: bool,
) -> Result<HttpResponse, WebError> {
    let body = LoginPage {
        csrf: csrf.clone(),
        next,
        error: error.clone(),
        signed_out,
    }
    .render()?;
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNAUTHORIZED
    } else {
        actix_web::http::StatusCode::OK
    };
    Ok(html_builder(status)
        .cookie(login_csrf_cookie(&csrf, secure))
        .body(body))
}

fn fresh_csrf() -> Result<String, WebError> {
    Ok(ApiToken::generate()
        .map_err(|e| WebError::from(crate::error::AppError::internal(&e)))?
        .expose()
        .to_owned())
}

#[get("/login")]
pub async fn login_form(
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, WebError> {
    let next = safe_next(query.next.as_deref());
    page(
        fresh_csrf()?,
        next,
        None,
        query.signed_out.is_some(),
        state.secure_cookies,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
    csrf: String,
    next: Option<String>,
}

#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !same(&form.csrf, &expected) {
        return Err(WebError::forbidden(
            "the sign-in form expired; reload the page and try again",
        ));
    }
    let retry = |message: &str| {
        page(
            fresh_csrf()?,
            next.clone(),
            Some(message.to_owned()),
            false,
            state.secure_cookies,
        )
    };
    let Ok(token) = ApiToken::parse("token", form.token.trim()) else {
        return retry("That is not an API token: paste the whole token, starting with hr_.");
    };
    let Ok((actor, _)) = authenticate(&state.pool, token).await else {
        return retry("That token is not valid: it is unknown, revoked or expired.");
    };
    let now = crate::domain::time::now();
    let user_id = actor.user_id;
    let issued = db::run(&state.pool, move |conn| {
        issue_token(
            conn,
            user_id,
            "web sign-in",
            TokenKind::Session,
            None,
            Some(now + SESSION_LENGTH),
            now,
        )
    })
    .await?;
    let home = if next == "/" {
        crate::web::session::home_of(actor.role, actor.team_id)
    } else {
        next
    };
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(issued.secret.expose(), state.secure_cookies))
        .cookie(expired(LOGIN_CSRF_COOKIE, state.secure_cookies))
        .insert_header((header::LOCATION, home))
        .finish())
}

#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let hash = viewer.session_secret().hash();
    let now = crate::db::now();
    db::run(&state.pool, move |conn| {
        crate::db::users::Token::revoke_by_hash(conn, hash.as_str(), now)
            .map_err(crate::error::AppError::from)
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .cookie(expired(SESSION_COOKIE, state.secure_cookies))
        .insert_header((header::LOCATION, "/login?signed_out=1"))
        .finish())
}
