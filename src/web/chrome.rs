//! What every page shows around its content: the top bar's facts about the portfolio and the
//! viewer, the CSRF token for its forms, and a one-line notice after an action.

use super::error::WebError;
use super::session::Viewer;
use crate::db::{self, rounds::Round};
use crate::domain::Role;
use crate::startup::AppState;
use crate::web::format;

pub struct Chrome {
    pub user: String,
    pub role: &'static str,
    pub currency: String,
    pub latest_round: Option<String>,
    pub csrf: String,
    pub section: &'static str,
    pub notice: Option<&'static str>,
    pub can_audit: bool,
    pub sees_portfolio: bool,
    pub home: String,
}

impl Chrome {
    pub async fn load(
        state: &AppState,
        viewer: &Viewer,
        section: &'static str,
        notice: Option<&str>,
    ) -> Result<Chrome, WebError> {
        let latest = db::run(&state.pool, |conn| {
            Round::latest_committed(conn, None).map_err(db::DbError::from)
        })
        .await?;
        Ok(Chrome {
            user: viewer.name.clone(),
            role: viewer.role.as_str(),
            currency: state.currency.code().to_owned(),
            latest_round: latest
                .map(|r| format!("Round {}, {}", r.id, format::date(r.as_of.and_utc()))),
            csrf: viewer.csrf(),
            section,
            notice: notice.and_then(notice_text),
            can_audit: viewer.can_oversee(),
            sees_portfolio: viewer.role != Role::Partner,
            home: viewer.home(),
        })
    }
}

/// The fixed notices an action can leave (a code in the redirect, never free text).
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "report-stored" => "Report stored.",
        "report-replayed" => "That report was already stored; nothing was added.",
        "report-corrected" => "Correction stored. The old report stays in the history, replaced.",
        "round-created" => "Draft round created. Preview it to see what it would decide.",
        "round-previewed" => "Preview updated from the evidence as it stands now.",
        "round-committed" => "Round committed. The money has moved; the round will never change.",
        "round-deleted" => "Draft round deleted.",
        "pin-set" => "Pin saved. Preview again to see its effect.",
        "pin-removed" => "Pin removed.",
        _ => return None,
    })
}
