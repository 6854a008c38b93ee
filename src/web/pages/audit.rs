//! `GET /audit`: the audit log for the committee and executives, filtered by action, object,
//! person and dates, a page at a time.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::audit_detail::{Field, fields};
use crate::db;
use crate::db::audit::{AuditEntry, AuditFilter};
use crate::db::users::User;
use crate::domain::Filter;
use crate::error::AppError;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::{WebError, urlencode};
use crate::web::format;
use crate::web::forms::instant;
use crate::web::html_page;
use crate::web::session::Viewer;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    object_type: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    page: Option<u32>,
}

pub struct Row {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub link: Option<String>,
    /// The detail as labelled fields, and the raw JSON beside them.
    pub fields: Vec<Field>,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    action: String,
    object_type: String,
    actor: String,
    since: String,
    until: String,
    error: Option<String>,
    query: String,
}

#[get("/audit")]
pub async fn audit_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, WebError> {
    if !viewer.can_oversee() {
        return Err(WebError::forbidden(
            "only the committee and executives read the audit log",
        ));
    }
    let q = query.into_inner();
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let mut error = None;
    let mut when = |text: &str| {
        if text.trim().is_empty() {
            return None;
        }
        instant(text)
            .map_err(|m| error = Some(m))
            .ok()
            .map(|t| t.naive_utc())
    };
    let since = when(&q.since);
    let until = when(&q.until);
    let wanted_actor = q.actor.trim().to_owned();
    let (rows, total, users) = {
        let filter_base = AuditFilter {
            action: Filter::optional("action", &q.action).map_err(AppError::from)?,
            object_type: Filter::optional("object type", &q.object_type).map_err(AppError::from)?,
            since,
            until,
            ..AuditFilter::default()
        };
        db::run(&state.pool, move |conn| {
            let users: BTreeMap<i64, String> = User::list(conn, None)?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect();
            let mut filter = filter_base;
            if !wanted_actor.is_empty() {
                filter.actor_id = Some(
                    users
                        .iter()
                        .find(|(_, n)| **n == wanted_actor)
                        .map_or(-1, |(id, _)| *id),
                );
            }
            let (rows, total) =
                AuditEntry::page(conn, &filter, i64::from(page - 1) * PER_PAGE, PER_PAGE)?;
            Ok::<_, AppError>((rows, total, users))
        })
        .await?
    };
    let body = AuditPage {
        chrome: Chrome::load(&state, &viewer, "audit", None).await?,
        rows: rows
            .into_iter()
            .map(|e| Row {
                at: format::datetime(e.at.and_utc()),
                actor: e
                    .actor_id
                    .and_then(|id| users.get(&id).cloned())
                    .unwrap_or_else(|| "system".to_owned()),
                link: match (e.object_type.as_str(), e.object_id) {
                    ("bet", Some(id)) => Some(format!("/bets/{id}")),
                    ("round", Some(id)) => Some(format!("/rounds/{id}")),
                    ("team", Some(id)) => Some(format!("/teams/{id}")),
                    ("arena", Some(id)) => Some(format!("/arenas/{id}")),
                    _ => None,
                },
                object: match e.object_id {
                    Some(id) => format!("{} {id}", e.object_type),
                    None => e.object_type.clone(),
                },
                fields: fields(&e.action, &e.detail, &state.currency, &users),
                action: e.action,
                detail: e.detail,
            })
            .collect(),
        total,
        page,
        pages: u32::try_from((total + PER_PAGE - 1) / PER_PAGE)
            .unwrap_or(1)
            .max(1),
        query: format!(
            "action={}&object_type={}&actor={}&since={}&until={}",
            urlencode(&q.action),
            urlencode(&q.object_type),
            urlencode(&q.actor),
            urlencode(&q.since),
            urlencode(&q.until)
        ),
        action: q.action,
        object_type: q.object_type,
        actor: q.actor,
        since: q.since,
        until: q.until,
        error,
    };
    html_page(StatusCode::OK, &body)
}
