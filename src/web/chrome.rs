//! What every page shows around its content: the top bar's facts about the portfolio and the
//! viewer, the CSRF token for its forms, and a one-line notice after an action.

use super::error::WebError;
use super::session::Viewer;
use crate::db::{self, bets::Bet, reports::Report, rounds::Round};
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
    pub notice: Option<String>,
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
        let stored = notice.and_then(stored_report);
        let (latest, stored) = db::run(&state.pool, move |conn| {
            let latest = Round::latest_committed(conn, None)?;
            let stored = match stored {
                Some((code, id)) => Report::find(conn, id)?
                    .map(|report| Bet::find(conn, report.bet_id).map(|bet| (code, report, bet)))
                    .transpose()?,
                None => None,
            };
            Ok::<_, db::DbError>((latest, stored))
        })
        .await?;
        let notice = match stored {
            // Only its author is told what a report held: the code in the address is guessable.
            Some((code, report, Some(bet))) if report.reported_by == viewer.user_id => {
                Some(stored_text(code, &report, &bet))
            }
            _ => notice.and_then(notice_text).map(str::to_owned),
        };
        Ok(Chrome {
            user: viewer.name.clone(),
            role: viewer.role.as_str(),
            currency: state.currency.code().to_owned(),
            latest_round: latest
                .map(|r| format!("Round {}, {}", r.id, format::date(r.as_of.and_utc()))),
            csrf: viewer.csrf(),
            section,
            notice,
            can_audit: viewer.can_oversee(),
            sees_portfolio: viewer.role != Role::Partner,
            home: viewer.home(),
        })
    }
}

/// `report-stored.<id>` or `report-corrected.<id>`: the notice of a stored report, by its id.
fn stored_report(code: &str) -> Option<(&'static str, i64)> {
    let (kind, id) = code.split_once('.')?;
    let kind = match kind {
        "report-stored" => "report-stored",
        "report-corrected" => "report-corrected",
        _ => return None,
    };
    Some((kind, id.parse().ok()?))
}

/// What was stored, in the reader's words: "Report #812 stored: 1,234 ms, observed 2026-12-03
/// 14:05 UTC, for Checkout latency."
fn stored_text(code: &str, report: &Report, bet: &Bet) -> String {
    let what = if code == "report-corrected" {
        "Correction stored (the old report stays in the history, replaced)"
    } else {
        "Report stored"
    };
    format!(
        "{what}: #{} is {} {}, observed {}, for {}.",
        report.id,
        format::full(report.value),
        bet.metric_unit,
        format::datetime(report.observed_at.and_utc()),
        bet.title
    )
}

/// The fixed notices an action can leave (a code in the redirect, never free text).
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "report-stored" => "Report stored.",
        "report-replayed" => "That report was already stored; nothing was added.",
        "report-corrected" => "Correction stored. The old report stays in the history, replaced.",
        "already-corrected" => {
            "That report was corrected already; this form corrects the report that replaced it."
        }
        "round-created" => "Draft round created. Preview it to see what it would decide.",
        "round-previewed" => "Preview updated from the evidence as it stands now.",
        "round-committed" => "Round committed. The money has moved; the round will never change.",
        "round-deleted" => "Draft round deleted.",
        "pin-set" => "Pin saved. Preview again to see its effect.",
        "pin-removed" => "Pin removed. Preview again to see its effect.",
        "pin-previewed" => {
            "Pin saved, and the round previewed again with it: the figures below are the new preview's."
        }
        "unpin-previewed" => {
            "Pin removed, and the round previewed again without it: the figures below are the new preview's."
        }
        "market-replayed" => "That was already done; nothing changed.",
        "service-registered" => "Service registered. Its provider's members set its plan next.",
        "plan-set" => "Plan saved. It is billed from the period it takes effect in.",
        "subscribed" => "Subscribed. Billing starts with the next period.",
        "subscription-cancelled" => {
            "Subscription cancelled: it is billed to the end of this period."
        }
        "request-filed" => "Request filed. The provider quotes it next.",
        "request-quoted" => "Quote sent. The requester may accept it until it expires.",
        "request-declined" => "Request declined.",
        "request-accepted" => "Quote accepted. The total is held until delivery.",
        "request-raised" => "Raised. An accepted request's hold grew by the difference.",
        "request-withdrawn" => "Request withdrawn.",
        "request-cancelled" => "Request cancelled. What was held went back to the requester.",
        "request-delivered" => "Delivered. The held offer was paid to the provider.",
        "limit-set" => "Overdraft limit set.",
        "billing-created" => {
            "Billing run opened and previewed. Nothing moves until it is committed."
        }
        "billing-previewed" => "Preview updated from the balances as they stand now.",
        "billing-committed" => {
            "Billing committed. The charges are paid; the unpaid ones are on the statements."
        }
        "billing-deleted" => "Draft billing run deleted.",
        "race-decided" => "Race decided.",
        "race-extended" => "The race's finish was moved later.",
        _ => return None,
    })
}
