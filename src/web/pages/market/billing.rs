//! Billing runs on the pages: `GET /billing` (every run, and for the committee the form that
//! opens one for a period), `GET /billing/{id}` (who pays whom and who cannot pay, as last
//! previewed or as committed) and the committee's actions on a draft: preview, commit (asked
//! first, naming what moves), delete. Executives read; nobody else sees the runs.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::{Done, act};
use crate::db;
use crate::db::market::billing::BillingRun;
use crate::db::market::services::Service;
use crate::db::teams::Team;
use crate::domain::{BillingPeriod, BillingRunStatus, Currency};
use crate::error::AppError;
use crate::services::market::billing::{self, Billing};
use crate::services::market::{current_period, period_length};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{CsrfForm, NoticeQuery};
use crate::web::html_page;
use crate::web::session::Viewer;
use crate::web::view::{Chip, chip};

fn require_oversight(viewer: &Viewer) -> Result<(), WebError> {
    if viewer.can_oversee() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "billing runs are the committee's; executives read them",
        ))
    }
}

pub struct RunRow {
    pub id: i64,
    pub period: String,
    pub status: Chip,
    pub charged: String,
    pub unpaid: String,
}

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    chrome: Chrome,
    runs: Vec<RunRow>,
    is_committee: bool,
    /// Periods that have begun and have no run yet, latest first.
    open_periods: Vec<String>,
}

fn period_label(run: &BillingRun) -> String {
    BillingPeriod::spanning(run.period_start.and_utc(), run.period_end.and_utc())
        .map_or_else(String::new, BillingPeriod::label)
}

#[get("/billing")]
pub async fn list_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    require_oversight(&viewer)?;
    let now = state.clock.now();
    let (runs, current) = db::run(&state.pool, move |conn| {
        Ok::<_, AppError>((BillingRun::list(conn)?, current_period(conn, now)?))
    })
    .await?;
    let c = &state.currency;
    let billed: Vec<String> = runs.iter().map(period_label).collect();
    let mut open_periods = Vec::new();
    let mut period = current;
    for _ in 0..12 {
        if !billed.contains(&period.label()) {
            open_periods.push(period.label());
        }
        period = period.previous();
    }
    let page = BillingPage {
        chrome: Chrome::load(&state, &viewer, "billing", query.notice.as_deref()).await?,
        runs: runs
            .iter()
            .map(|r| RunRow {
                id: r.id,
                period: period_label(r),
                status: chip(r.status.as_str()),
                charged: r
                    .charged
                    .map_or(format::MISSING.to_owned(), |v| c.format_amount(v)),
                unpaid: r
                    .unpaid
                    .map_or(format::MISSING.to_owned(), |v| c.format_amount(v)),
            })
            .collect(),
        is_committee: viewer.is_committee(),
        open_periods,
    };
    html_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    period: String,
}

#[post("/billing")]
pub async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, WebError> {
    let f = form.into_inner();
    let period = f.period.trim().to_owned();
    viewer.check_csrf(&f.csrf)?;
    // A choice from a list, nothing typed: a refusal is the error page.
    let done = act(
        &state,
        &viewer,
        "/billing",
        "billing-created",
        move |conn, actor, now| {
            let period = BillingPeriod::parse("period", &period, period_length(conn)?)?;
            let run = billing::create(conn, actor, period, now)?;
            billing::preview(conn, actor, run.id, now)?;
            Ok(Done::Now)
        },
    )
    .await?;
    Ok(done)
}

pub struct ChargeRow {
    pub subscription_id: i64,
    pub service: String,
    pub payer: String,
    pub provider: String,
    pub units: String,
    pub amount: String,
    pub paid: Chip,
    pub shortfall: String,
}

#[derive(Template)]
#[template(path = "billing_run.html")]
struct RunPage {
    chrome: Chrome,
    id: i64,
    period: String,
    draft: bool,
    is_committee: bool,
    confirming: bool,
    summary: Option<String>,
    charges: Vec<ChargeRow>,
    commit_label: String,
}

#[derive(Deserialize)]
pub struct RunQuery {
    notice: Option<String>,
    confirm: Option<String>,
}

#[get("/billing/{id}")]
pub async fn run_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<RunQuery>,
) -> Result<HttpResponse, WebError> {
    require_oversight(&viewer)?;
    let id = path.into_inner();
    let (run, billing, teams, services) = db::run(&state.pool, move |conn| {
        let run = billing::find(conn, id)?;
        let stored = billing::stored(&run)?;
        let teams: std::collections::BTreeMap<i64, String> = Team::list(conn, None)?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        let services: std::collections::BTreeMap<i64, String> = Service::list(conn, None)?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok::<_, AppError>((run, stored, teams, services))
    })
    .await?;
    let c = &state.currency;
    let name = |m: &std::collections::BTreeMap<i64, String>, id: i64| {
        m.get(&id).cloned().unwrap_or_default()
    };
    let draft = run.status == BillingRunStatus::Draft;
    let charges = billing.as_ref().map_or_else(Vec::new, |b| {
        b.charges
            .iter()
            .map(|ch| ChargeRow {
                subscription_id: ch.subscription_id,
                service: name(&services, ch.service_id),
                payer: name(&teams, ch.team_id),
                provider: name(&teams, ch.provider_team_id),
                units: format!("{} × {}", ch.units, c.format_amount(ch.unit_price)),
                amount: c.format_amount(ch.amount),
                paid: chip(if ch.paid { "paid" } else { "unpaid" }),
                shortfall: if ch.paid {
                    format::MISSING.to_owned()
                } else {
                    c.format_amount(ch.shortfall)
                },
            })
            .collect()
    });
    let page = RunPage {
        chrome: Chrome::load(&state, &viewer, "billing", query.notice.as_deref()).await?,
        id,
        period: period_label(&run),
        draft,
        is_committee: viewer.is_committee(),
        confirming: draft && viewer.is_committee() && query.confirm.is_some(),
        summary: billing.as_ref().map(|b| summary(b, draft, c)),
        commit_label: billing.as_ref().map_or_else(
            || format!("Commit the billing of {}", period_label(&run)),
            |b| commit_label(b, c),
        ),
        charges,
    };
    html_page(StatusCode::OK, &page)
}

/// "USD 3,600.00 from 5 subscriptions to their providers; 1 cannot pay (USD 1,200.00)".
fn summary(b: &Billing, draft: bool, c: &Currency) -> String {
    let paid = b.charges.iter().filter(|ch| ch.paid).count();
    let unpaid = b.charges.len() - paid;
    let verb = if draft { "would move" } else { "moved" };
    let mut text = format!(
        "{} {verb} from {paid} subscriptions to their providers",
        c.format(b.charged)
    );
    if unpaid > 0 {
        text.push_str(&format!(
            "; {unpaid} cannot pay ({} stays unpaid)",
            c.format(b.unpaid)
        ));
    }
    text
}

fn commit_label(b: &Billing, c: &Currency) -> String {
    let paid = b.charges.iter().filter(|ch| ch.paid).count();
    format!(
        "Commit the billing of {}: {} from {paid} subscriptions",
        b.period,
        c.format(b.charged)
    )
}

#[post("/billing/{id}/{action}")]
pub async fn run_action(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, String)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let (id, action) = path.into_inner();
    let back = if action == "delete" {
        "/billing".to_owned()
    } else {
        format!("/billing/{id}")
    };
    let notice = match action.as_str() {
        "preview" => "billing-previewed",
        "commit" => "billing-committed",
        "delete" => "billing-deleted",
        _ => return Err(WebError::not_found("action")),
    };
    viewer.check_csrf(&form.csrf)?;
    let done = act(&state, &viewer, &back, notice, move |conn, actor, now| {
        match action.as_str() {
            "preview" => billing::preview(conn, actor, id, now).map(drop),
            "commit" => billing::commit(conn, actor, id, now).map(drop),
            _ => billing::delete(conn, actor, id, now),
        }?;
        Ok(Done::Now)
    })
    .await?;
    Ok(done)
}
