//! `GET /services`: the catalogue. Each service with what it offers, its price, its
//! subscribers, the capacity used this period and its queue in the order the market serves it;
//! for a team's members the forms to subscribe and to ask for work, for the provider a link to
//! change the plan, and for the committee the form that registers a service.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::price_text;
use super::retry::Retry;
use crate::db::bets::{Bet, BetFilter};
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::db::teams::Team;
use crate::db::{self, DbConnection};
use crate::domain::{Actor, Currency};
use crate::error::AppError;
use crate::services::market::catalogue::{Listing, listings, plan_at};
use crate::services::market::current_period;
use crate::services::market::queue::Placed;
use crate::services::market::subscriptions::SubscriptionState;
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::forms::{NoticeQuery, form_key};
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip};

pub struct QueueRow {
    pub position: usize,
    pub team: String,
    pub quantity: String,
    pub per_unit: String,
    pub offer: String,
    pub place: Chip,
    pub own: bool,
}

pub struct TypeRow {
    pub name: String,
    pub price: String,
}

pub struct ServiceCard {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub provider: String,
    pub provider_id: i64,
    pub price: Option<String>,
    pub per_unit: Option<String>,
    pub next_plan: Option<String>,
    pub types: Vec<TypeRow>,
    pub subscribers: usize,
    pub capacity: String,
    /// Delivered and scheduled as a share of capacity, 0 to 100, for the meter.
    pub used_percent: u32,
    pub oversubscribed: bool,
    pub queue: Vec<QueueRow>,
    /// The viewer's team provides it: it may change the plan.
    pub provides: bool,
    /// The viewer's team may subscribe (it has a plan, the team is not its provider and does
    /// not subscribe yet).
    pub may_subscribe: bool,
    pub may_request: bool,
    pub subscribed: Option<String>,
}

pub struct Choice {
    pub id: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    chrome: Chrome,
    period: String,
    run_rate: String,
    providers: usize,
    services: Vec<ServiceCard>,
    /// The viewer's team's open bets, to tie a subscription or request to.
    bets: Vec<Choice>,
    /// Every team, for the committee's registration form.
    teams: Vec<Choice>,
    is_committee: bool,
    form_key: String,
    /// A form of this page that did not act, drawn again as typed.
    retry: Retry,
}

/// What the catalogue reads.
struct Loaded {
    listings: Vec<Listing>,
    subscriptions: Vec<Subscription>,
    teams: BTreeMap<i64, String>,
    bets: Vec<Bet>,
    period: String,
}

#[get("/services")]
pub async fn catalogue_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    let notice = query.notice.as_deref();
    render(&state, &viewer, notice, Retry::none(), StatusCode::OK).await
}

/// The catalogue, drawn as usual or with one of its forms again after `retry`.
pub(crate) async fn render(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    retry: Retry,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let team = viewer.team_id;
    let loaded = db::run(&state.pool, move |conn| load(conn, team, now)).await?;
    let chrome = Chrome::load(state, viewer, "services", notice).await?;
    let c = &state.currency;
    let run_rate: i64 = loaded
        .subscriptions
        .iter()
        .filter(|s| SubscriptionState::of(s, now) != SubscriptionState::Ended)
        .filter_map(|s| {
            let l = loaded
                .listings
                .iter()
                .find(|l| l.service.id == s.service_id)?;
            let plan = plan_at(&l.plans, now)?;
            let units = if plan.plan.quantity_unit.is_some() {
                s.quantity
            } else {
                1
            };
            Some(plan.plan.price.saturating_mul(units))
        })
        .sum();
    let providers: BTreeSet<i64> = loaded
        .listings
        .iter()
        .map(|l| l.service.provider_team_id)
        .collect();
    let services = loaded
        .listings
        .iter()
        .map(|l| card(l, &loaded, viewer, c, now))
        .collect();
    let page = ServicesPage {
        period: loaded.period.clone(),
        run_rate: c.format(run_rate),
        providers: providers.len(),
        services,
        bets: loaded
            .bets
            .iter()
            .map(|b| Choice {
                id: b.id,
                label: b.title.clone(),
            })
            .collect(),
        teams: loaded
            .teams
            .iter()
            .map(|(id, name)| Choice {
                id: *id,
                label: name.clone(),
            })
            .collect(),
        is_committee: viewer.is_committee(),
        form_key: form_key(),
        retry,
        chrome,
    };
    html_page(status, &page)
}

fn load(
    conn: &mut DbConnection,
    team: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Loaded, AppError> {
    let bets = match team {
        Some(team_id) => Bet::page(
            conn,
            &BetFilter {
                team_id: Some(team_id),
                ..BetFilter::default()
            },
            0,
            i64::MAX,
        )?
        .0
        .into_iter()
        .filter(|b| !b.status.is_closed())
        .collect(),
        None => Vec::new(),
    };
    Ok(Loaded {
        listings: listings(conn, None, now)?,
        subscriptions: Subscription::list(conn, &SubscriptionFilter::default())?,
        teams: Team::list(conn, None)?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
        bets,
        period: current_period(conn, now)?.label(),
    })
}

fn card(
    l: &Listing,
    loaded: &Loaded,
    viewer: &Actor,
    c: &Currency,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceCard {
    let s = &l.service;
    let plan = plan_at(&l.plans, now);
    let next = l
        .plans
        .iter()
        .find(|p| p.plan.effective_from.and_utc() > now);
    let unit = plan.and_then(|p| p.plan.quantity_unit.clone());
    let q = &l.queue;
    let used = q.delivered + q.scheduled_units();
    let mine = viewer.team_id.filter(|t| viewer.acts_for(*t));
    let subscription = loaded.subscriptions.iter().find(|sub| {
        Some(sub.team_id) == mine
            && sub.service_id == s.id
            && SubscriptionState::of(sub, now) != SubscriptionState::Ended
    });
    let request_unit = plan
        .and_then(|p| p.request_types.first())
        .map_or("units", |t| t.unit.as_str());
    ServiceCard {
        id: s.id,
        name: s.name.clone(),
        description: s.description.clone(),
        provider: loaded
            .teams
            .get(&s.provider_team_id)
            .cloned()
            .unwrap_or_default(),
        provider_id: s.provider_team_id,
        price: plan.map(|p| price_text(c, p.plan.price, unit.as_deref())),
        per_unit: unit,
        next_plan: next.map(|p| {
            format!(
                "{} from {}",
                price_text(c, p.plan.price, p.plan.quantity_unit.as_deref()),
                crate::web::format::date(p.plan.effective_from.and_utc())
            )
        }),
        types: plan
            .map(|p| {
                p.request_types
                    .iter()
                    .map(|t| TypeRow {
                        name: t.name.clone(),
                        price: format!("{} per {}", c.format(t.unit_price), t.unit),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        subscribers: l.subscribers,
        capacity: match q.capacity {
            Some(cap) => format!(
                "{used} of {cap} {request_unit}s used this period ({} delivered, {} scheduled), {} waiting",
                q.delivered,
                q.scheduled_units(),
                q.waiting_units()
            ),
            None => format!(
                "no limit: {} {request_unit}s delivered this period, {} scheduled",
                q.delivered,
                q.scheduled_units()
            ),
        },
        used_percent: q.capacity.filter(|c| *c > 0).map_or(0, |cap| {
            u32::try_from((used.clamp(0, cap) * 100) / cap).unwrap_or(100)
        }),
        oversubscribed: q.waiting_units() > 0,
        queue: q
            .entries
            .iter()
            .map(|p| queue_row(p, loaded, viewer, c))
            .collect(),
        provides: mine == Some(s.provider_team_id),
        may_subscribe: plan.is_some()
            && mine.is_some_and(|t| t != s.provider_team_id)
            && subscription.is_none(),
        may_request: plan.is_some_and(|p| !p.request_types.is_empty())
            && mine.is_some_and(|t| t != s.provider_team_id),
        subscribed: subscription.map(|sub| {
            format!(
                "Your team subscribes ({}, {})",
                sub.quantity,
                SubscriptionState::of(sub, now).as_str()
            )
        }),
    }
}

fn queue_row(p: &Placed, loaded: &Loaded, viewer: &Actor, c: &Currency) -> QueueRow {
    let r = &p.request;
    let offer = r.offer.unwrap_or(0);
    QueueRow {
        position: p.position,
        team: if viewer.can_read_team(r.team_id) {
            loaded.teams.get(&r.team_id).cloned().unwrap_or_default()
        } else {
            "another team".to_owned()
        },
        quantity: r.quantity.to_string(),
        per_unit: c.format_amount(offer / r.quantity.max(1)),
        offer: c.format_amount(offer),
        place: chip(if p.scheduled { "scheduled" } else { "waiting" }),
        own: viewer.team_id == Some(r.team_id),
    }
}
