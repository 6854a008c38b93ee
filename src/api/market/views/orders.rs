//! Subscriptions and requests as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Lookup;
use crate::api::utc;
use crate::db::market::plans::RequestType;
use crate::db::market::requests::Request;
use crate::db::market::subscriptions::Subscription;
use crate::domain::RequestStatus;
use crate::services::market::requests::status_at;
pub use crate::services::market::subscriptions::SubscriptionState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    pub id: i64,
    pub service_id: i64,
    pub service: String,
    /// The subscriber.
    pub team_id: i64,
    pub team: String,
    pub bet_id: Option<i64>,
    pub quantity: i64,
    pub state: SubscriptionState,
    /// The start of the first period billed.
    pub starts_at: DateTime<Utc>,
    /// The end of the last period billed (exclusive); null until cancelled.
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

pub fn subscription_view(
    s: &Subscription,
    lookup: &Lookup,
    now: DateTime<Utc>,
) -> SubscriptionView {
    let state = SubscriptionState::of(s, now);
    SubscriptionView {
        id: s.id,
        service_id: s.service_id,
        service: lookup.service(s.service_id),
        team_id: s.team_id,
        team: lookup.team(s.team_id),
        bet_id: s.bet_id,
        quantity: s.quantity,
        state,
        starts_at: utc(s.starts_at),
        ends_at: s.ends_at.map(utc),
        created_at: utc(s.created_at),
        cancelled_at: s.cancelled_at.map(utc),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub service_id: i64,
    pub service: String,
    /// The requesting team, which pays.
    pub team_id: i64,
    pub team: String,
    pub provider_team_id: i64,
    pub request_type: String,
    pub unit: String,
    pub quantity: i64,
    pub purpose: String,
    pub bet_id: Option<i64>,
    /// The most the requester will pay for the whole quantity, in minor units.
    pub max_total: i64,
    /// As of now: a quote that expired puts the request back to `open`.
    pub status: RequestStatus,
    /// The latest quote's total; kept when it expired.
    pub quote_total: Option<i64>,
    pub quote_expires_at: Option<DateTime<Utc>>,
    pub quote_expired: bool,
    /// While accepted: what delivery pays (the accepted quote, or more if raised).
    pub offer: Option<i64>,
    /// What is on hold for it now.
    pub held: i64,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn request_view(
    r: &Request,
    request_type: Option<&RequestType>,
    lookup: &Lookup,
    now: DateTime<Utc>,
) -> RequestView {
    let status = status_at(r, now);
    RequestView {
        id: r.id,
        service_id: r.service_id,
        service: lookup.service(r.service_id),
        team_id: r.team_id,
        team: lookup.team(r.team_id),
        provider_team_id: lookup
            .services
            .get(&r.service_id)
            .map_or(0, |s| s.provider_team_id),
        request_type: request_type.map(|t| t.name.clone()).unwrap_or_default(),
        unit: request_type.map(|t| t.unit.clone()).unwrap_or_default(),
        quantity: r.quantity,
        purpose: r.purpose.clone(),
        bet_id: r.bet_id,
        max_total: r.max_total,
        status,
        quote_total: r.quote_total,
        quote_expires_at: r.quote_expires_at.map(utc),
        quote_expired: r.status == RequestStatus::Quoted && status == RequestStatus::Open,
        offer: r.offer,
        held: if status == RequestStatus::Accepted {
            r.offer.unwrap_or(0)
        } else {
            0
        },
        accepted_at: r.accepted_at.map(utc),
        closed_at: r.closed_at.map(utc),
        close_reason: r.close_reason.clone(),
        created_at: utc(r.created_at),
    }
}
