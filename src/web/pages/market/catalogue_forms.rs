//! The catalogue's forms: the committee registers a service (`POST /services`); the provider's
//! members set its plan, request types and capacity (`GET/POST /services/{id}/plan`). A form
//! that does not act is drawn again with what was typed and the field at fault marked.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::retry::{Refused, Retry};
use super::{Done, Origin, act, answer, invalid, money_field, optional_id};
use crate::db;
use crate::db::market::plans::{Plan, PlanWithTypes};
use crate::domain::{BillingPeriod, Currency, Description, Name, Unit};
use crate::error::AppError;
use crate::services::market::catalogue::{self, PlanDraft, RequestTypeDraft, plan_at};
use crate::services::market::{current_period, period_length};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::html_page;
use crate::web::session::Viewer;

/// How many request type rows the plan form offers.
const TYPE_ROWS: usize = 4;

#[derive(Deserialize, Serialize)]
pub struct RegisterForm {
    csrf: String,
    back: String,
    name: String,
    provider_team_id: String,
    #[serde(default)]
    description: String,
}

#[post("/services")]
pub async fn register(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, WebError> {
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    let acted = register_as_typed(&state, &viewer, &f).await;
    let origin = Some(Origin::Catalogue);
    answer(&state, &viewer, acted, (origin, "register".to_owned(), &f)).await
}

async fn register_as_typed(
    state: &AppState,
    viewer: &Viewer,
    f: &RegisterForm,
) -> Result<HttpResponse, Refused> {
    let name = Name::parse("name", &f.name).map_err(|e| invalid("name", e.message))?;
    let description = Description::parse("description", &f.description)
        .map_err(|e| invalid("description", e.message))?;
    let provider = optional_id("provider_team_id", Some(&f.provider_team_id))?
        .ok_or_else(|| invalid("provider_team_id", "choose the team that provides it"))?;
    act(
        state,
        viewer,
        &f.back,
        "service-registered",
        move |conn, actor, now| {
            catalogue::register(conn, actor, &name, provider, &description, now)?;
            Ok(Done::Now)
        },
    )
    .await
}

pub struct TypeField {
    pub index: usize,
    pub name: String,
    pub unit: String,
    pub price: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: i64,
    service: String,
    earliest: String,
    price: String,
    quantity_unit: String,
    capacity: String,
    types: Vec<TypeField>,
    retry: Retry,
}

#[get("/services/{id}/plan")]
pub async fn plan_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    render_plan(
        &state,
        &viewer,
        path.into_inner(),
        Retry::none(),
        StatusCode::OK,
    )
    .await
}

/// The plan form of service `id`, drawn as usual or again after `retry`.
pub(crate) async fn render_plan(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    retry: Retry,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let (service, plans, earliest) = db::run(&state.pool, move |conn| {
        let service = catalogue::find(conn, id)?;
        let plans = Plan::of_services(conn, &[id])?;
        let current = current_period(conn, now)?;
        let earliest = if plan_at(&plans, now).is_some() {
            current.next()
        } else {
            current
        };
        Ok::<_, AppError>((service, plans, earliest))
    })
    .await?;
    if !viewer.acts_for(service.provider_team_id) {
        return Err(WebError::forbidden(
            "only the provider's members and partners set a service's plan",
        ));
    }
    let c = &state.currency;
    let latest: Option<&PlanWithTypes> = plans.last();
    let mut types: Vec<TypeField> = latest
        .map(|p| {
            p.request_types
                .iter()
                .map(|t| {
                    (
                        t.name.clone(),
                        t.unit.clone(),
                        c.format_amount(t.unit_price),
                    )
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(index, (name, unit, price))| TypeField {
            index,
            name,
            unit,
            price,
        })
        .collect();
    while types.len() < TYPE_ROWS {
        types.push(TypeField {
            index: types.len(),
            name: String::new(),
            unit: String::new(),
            price: String::new(),
        });
    }
    let page = PlanPage {
        chrome: Chrome::load(state, viewer, "services", None).await?,
        id,
        service: service.name,
        earliest: earliest.label(),
        price: latest.map_or_else(String::new, |p| c.format_amount(p.plan.price)),
        quantity_unit: latest
            .and_then(|p| p.plan.quantity_unit.clone())
            .unwrap_or_default(),
        capacity: latest
            .and_then(|p| p.plan.capacity)
            .map_or_else(String::new, |c| c.to_string()),
        types,
        retry,
    };
    html_page(status, &page)
}

/// The plan form as typed: the request types arrive as numbered fields.
#[derive(Deserialize, Serialize)]
pub struct PlanForm {
    csrf: String,
    price: String,
    #[serde(default)]
    quantity_unit: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    effective_from: String,
    #[serde(flatten)]
    rest: std::collections::BTreeMap<String, String>,
}

impl PlanForm {
    fn types(&self, c: &Currency) -> Result<Vec<RequestTypeDraft>, Refused> {
        let field = |name: &str, i: usize| {
            self.rest
                .get(&format!("{name}_{i}"))
                .map_or("", |s| s.trim())
        };
        let mut out = Vec::new();
        for i in 0..TYPE_ROWS {
            let (name, unit, price) = (
                field("type_name", i),
                field("type_unit", i),
                field("type_price", i),
            );
            if name.is_empty() && unit.is_empty() && price.is_empty() {
                continue;
            }
            out.push(RequestTypeDraft {
                name: Name::parse("type_name", name)
                    .map_err(|e| invalid(&format!("type_name_{i}"), e.message))?,
                unit: Unit::parse("type_unit", unit)
                    .map_err(|e| invalid(&format!("type_unit_{i}"), e.message))?,
                unit_price: money_field(&format!("type_price_{i}"), price, c)?,
            });
        }
        Ok(out)
    }
}

#[post("/services/{id}/plan")]
pub async fn set_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<PlanForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let f = form.into_inner();
    viewer.check_csrf(&f.csrf)?;
    let acted = plan_as_typed(&state, &viewer, id, &f).await;
    answer(
        &state,
        &viewer,
        acted,
        (Some(Origin::Plan(id)), "plan".to_owned(), &f),
    )
    .await
}

async fn plan_as_typed(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    f: &PlanForm,
) -> Result<HttpResponse, Refused> {
    let c = &state.currency;
    let price = money_field("price", &f.price, c)?;
    let quantity_unit = match f.quantity_unit.trim() {
        "" => None,
        u => {
            Some(Unit::parse("quantity_unit", u).map_err(|e| invalid("quantity_unit", e.message))?)
        }
    };
    let capacity = match f.capacity.trim() {
        "" => None,
        t => Some(super::units_field("capacity", t)?),
    };
    let request_types = f.types(c)?;
    let period = f.effective_from.trim().to_owned();
    act(
        state,
        viewer,
        &format!("/services#service-{id}"),
        "plan-set",
        move |conn, actor, now| {
            let effective_from = match period.as_str() {
                "" => None,
                p => Some(BillingPeriod::parse(
                    "effective_from",
                    p,
                    period_length(conn)?,
                )?),
            };
            let draft = PlanDraft {
                price,
                quantity_unit,
                capacity,
                request_types,
                effective_from,
            };
            catalogue::set_plan(conn, actor, id, &draft, now)?;
            Ok(Done::Now)
        },
    )
    .await
}
