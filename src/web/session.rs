//! Signing in to the pages: an API token, pasted once, becomes a session token in an HttpOnly,
//! SameSite=Strict cookie (Secure when the server is behind TLS). Every form carries a CSRF
//! token derived from the session, checked in constant time.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::TimeDelta;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::WebError;
use crate::domain::{Actor, ApiToken, Role};
use crate::services::users::authenticate;
use crate::startup::AppState;

pub const SESSION_COOKIE: &str = "hr_session";
/// A double-submit token for the sign-in form, before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "hr_login_csrf";
/// How long a web sign-in lasts.
pub const SESSION_LENGTH: TimeDelta = TimeDelta::hours(12);

/// The signed-in person behind a page request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    secret: ApiToken,
}

impl std::ops::Deref for Viewer {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl Viewer {
    /// The CSRF token of this session: a hash of the session secret, so it needs no storage
    /// and means nothing without the cookie.
    pub fn csrf(&self) -> String {
        csrf_of(self.secret.expose())
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if same(sent, &self.csrf()) {
            Ok(())
        } else {
            Err(WebError::forbidden(
                "this form has expired or did not come from horserace; reload the page and try again",
            ))
        }
    }

    pub fn session_secret(&self) -> &ApiToken {
        &self.secret
    }

    /// Where this person starts: see [`home_of`].
    pub fn home(&self) -> String {
        home_of(self.actor.role, self.actor.team_id)
    }
}

/// Where a person starts: members and partners on their team's page (where they report and
/// order), the committee and executives on the portfolio.
pub fn home_of(role: Role, team: Option<i64>) -> String {
    match (role, team) {
        (Role::Partner | Role::Member, Some(team)) => format!("/teams/{team}"),
        _ => "/".to_owned(),
    }
}

pub fn csrf_of(secret: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf|{secret}").as_bytes()))
}

/// Constant-time comparison of two tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl FromRequest for Viewer {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let next = req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        Box::pin(async move {
            let sign_in = || WebError::SignIn { next: next.clone() };
            let state = state.ok_or_else(sign_in)?;
            let secret = cookie
                .and_then(|c| ApiToken::parse("session", &c).ok())
                .ok_or_else(sign_in)?;
            let (actor, _) = authenticate(&state.pool, secret.clone())
                .await
                .map_err(|_| sign_in())?;
            Ok(Viewer { actor, secret })
        })
    }
}

/// The session cookie, set for `SESSION_LENGTH`.
pub fn session_cookie(secret: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, secret.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(CookieDuration::seconds(SESSION_LENGTH.num_seconds()))
        .finish()
}

/// A cookie that removes `name`.
pub fn expired(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    cookie.make_removal();
    cookie
}

pub fn login_csrf_cookie(value: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(LOGIN_CSRF_COOKIE, value.to_owned())
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}
