//! A team's subscriptions and requests as its page lists them, each with the actions its
//! viewer may take: the same rules as the services (which check again), so a page never offers
//! a button that can only be refused.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::db::market::plans::RequestType;
use crate::db::market::requests::Request;
use crate::db::market::subscriptions::Subscription;
use crate::domain::{Actor, Currency, RequestStatus};
use crate::services::market::names::Names as MarketNames;
use crate::services::market::queue::Queue;
use crate::services::market::requests::status_at;
use crate::services::market::subscriptions::SubscriptionState;
use crate::web::format;
use crate::web::view::{Chip, chip};

/// Names the rows show, read once per page: the market's, and the bets' and request types'.
pub struct Names {
    pub market: MarketNames,
    pub bets: BTreeMap<i64, String>,
    pub types: BTreeMap<i64, RequestType>,
}

impl std::ops::Deref for Names {
    type Target = MarketNames;
    fn deref(&self) -> &MarketNames {
        &self.market
    }
}

pub struct SubscriptionRow {
    pub id: i64,
    pub service_id: i64,
    pub service: String,
    /// The other side: the provider for what the team pays, the subscriber for what it serves.
    pub other: String,
    pub quantity: i64,
    pub bet: Option<(i64, String)>,
    pub state: Chip,
    pub from: String,
    pub until: String,
    pub may_cancel: bool,
}

pub fn subscription_row(
    s: &Subscription,
    team_id: i64,
    names: &Names,
    viewer: &Actor,
    now: DateTime<Utc>,
) -> SubscriptionRow {
    let provider = names.provider(s.service_id);
    let state = SubscriptionState::of(s, now);
    SubscriptionRow {
        id: s.id,
        service_id: s.service_id,
        service: names.service(s.service_id),
        other: names.team(if s.team_id == team_id {
            provider
        } else {
            s.team_id
        }),
        quantity: s.quantity,
        bet: s
            .bet_id
            .map(|b| (b, names.bets.get(&b).cloned().unwrap_or_default())),
        state: chip(state.as_str()),
        from: format::date(s.starts_at.and_utc()),
        until: s.ends_at.map_or_else(
            || "until cancelled".to_owned(),
            |e| format::date(e.and_utc()),
        ),
        may_cancel: s.ends_at.is_none() && viewer.acts_for(s.team_id),
    }
}

pub struct RequestRow {
    pub id: i64,
    /// This team asks for the work (else it serves it).
    pub asks: bool,
    pub service_id: i64,
    pub service: String,
    pub other: String,
    pub work: String,
    pub purpose: String,
    pub bet: Option<(i64, String)>,
    pub status: Chip,
    pub closed: bool,
    pub max_total: String,
    pub quote: String,
    pub offer: String,
    pub place: String,
    pub note: String,
    pub may_quote: bool,
    pub may_decline: bool,
    pub may_deliver: bool,
    pub may_accept: bool,
    pub accept_blocked: bool,
    /// "Raise the maximum" or "Raise the offer", when the requester may.
    pub raise: Option<&'static str>,
    pub may_withdraw: bool,
    pub may_cancel: bool,
    /// The committee must say why it cancels.
    pub reason_required: bool,
}

pub fn request_row(
    r: &Request,
    team_id: i64,
    (names, queues): (&Names, &BTreeMap<i64, Queue>),
    (viewer, c): (&Actor, &Currency),
    now: DateTime<Utc>,
) -> RequestRow {
    let status = status_at(r, now);
    let provider = names.provider(r.service_id);
    let asks = r.team_id == team_id;
    let requester = viewer.acts_for(r.team_id);
    let serves = viewer.acts_for(provider);
    let kind = names.types.get(&r.request_type_id);
    let open = matches!(status, RequestStatus::Open | RequestStatus::Quoted);
    let placed = queues
        .get(&r.service_id)
        .and_then(|q| q.entries.iter().find(|p| p.request.id == r.id));
    let quote = match (r.quote_total, r.quote_expires_at) {
        (Some(total), Some(until)) if status == RequestStatus::Quoted => format!(
            "{} until {}",
            c.format_amount(total),
            format::datetime(until.and_utc())
        ),
        (Some(total), _) if status == RequestStatus::Open => {
            format!("{} (expired)", c.format_amount(total))
        }
        (Some(total), _) => c.format_amount(total),
        _ => format::MISSING.to_owned(),
    };
    let within = r.quote_total.is_some_and(|q| q <= r.max_total);
    RequestRow {
        id: r.id,
        asks,
        service_id: r.service_id,
        service: names.service(r.service_id),
        other: names.team(if asks { provider } else { r.team_id }),
        work: kind.map_or_else(
            || r.quantity.to_string(),
            |k| {
                let units = format!("{} {}", r.quantity, plural(&k.unit, r.quantity));
                // "2 dashboards", not "2 dashboards of dashboard".
                if k.name == k.unit {
                    units
                } else {
                    format!("{units} of {}", k.name)
                }
            },
        ),
        purpose: r.purpose.clone(),
        bet: r
            .bet_id
            .map(|b| (b, names.bets.get(&b).cloned().unwrap_or_default())),
        status: chip(status.as_str()),
        closed: status.is_final(),
        max_total: c.format_amount(r.max_total),
        quote,
        offer: r
            .offer
            .map_or(format::MISSING.to_owned(), |o| c.format_amount(o)),
        place: placed.map_or_else(String::new, |p| {
            format!(
                "{} in the queue, {}",
                ordinal(p.position),
                if p.scheduled { "scheduled" } else { "waiting" }
            )
        }),
        note: r.close_reason.clone().unwrap_or_default(),
        may_quote: serves && open,
        may_decline: serves && open,
        may_deliver: serves && placed.is_some_and(|p| p.scheduled),
        may_accept: requester && status == RequestStatus::Quoted && within,
        accept_blocked: requester && status == RequestStatus::Quoted && !within,
        raise: match status {
            _ if !requester => None,
            RequestStatus::Open | RequestStatus::Quoted => Some("Raise the maximum"),
            RequestStatus::Accepted => Some("Raise the offer"),
            _ => None,
        },
        may_withdraw: requester && open,
        may_cancel: status == RequestStatus::Accepted && (requester || serves)
            || viewer.is_committee() && !status.is_final(),
        reason_required: viewer.is_committee(),
    }
}

/// "screen", "screens".
fn plural(unit: &str, n: i64) -> String {
    if n == 1 || unit.ends_with('s') {
        unit.to_owned()
    } else {
        format!("{unit}s")
    }
}

/// "1st", "2nd", "3rd", "11th".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::{ordinal, plural};

    #[test]
    fn places_and_units_read_as_words() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(plural("screen", 1), "screen");
        assert_eq!(plural("screen", 3), "screens");
        assert_eq!(plural("hours", 3), "hours");
    }
}
