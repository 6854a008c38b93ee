//! Plans: a service's price per billing period, its request types and its capacity, each in
//! force from the start of a period until the next plan. A plan in force is never changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{request_types, service_plans};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_plans)]
pub struct Plan {
    pub id: i64,
    pub service_id: i64,
    pub effective_from: NaiveDateTime,
    pub price: i64,
    pub quantity_unit: Option<String>,
    pub capacity: Option<i64>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = service_plans)]
pub struct NewPlan<'a> {
    pub service_id: i64,
    pub effective_from: NaiveDateTime,
    pub price: i64,
    pub quantity_unit: Option<&'a str>,
    pub capacity: Option<i64>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = request_types)]
pub struct RequestType {
    pub id: i64,
    pub plan_id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = request_types)]
pub struct NewRequestType {
    pub plan_id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
}

/// A plan with its request types.
#[derive(Debug, Clone)]
pub struct PlanWithTypes {
    pub plan: Plan,
    pub request_types: Vec<RequestType>,
}

impl Plan {
    /// Stores a plan from `effective_from`, replacing one that was set for that same period and
    /// is not yet in force (the caller checks that).
    pub fn replace(
        conn: &mut DbConnection,
        form: &NewPlan<'_>,
        types: Vec<NewRequestType>,
    ) -> QueryResult<PlanWithTypes> {
        let pending: Option<i64> = service_plans::table
            .filter(service_plans::service_id.eq(form.service_id))
            .filter(service_plans::effective_from.eq(form.effective_from))
            .select(service_plans::id)
            .first(conn)
            .optional()?;
        if let Some(id) = pending {
            diesel::delete(request_types::table.filter(request_types::plan_id.eq(id)))
                .execute(conn)?;
            diesel::delete(service_plans::table.find(id)).execute(conn)?;
        }
        let plan: Plan = diesel::insert_into(service_plans::table)
            .values(form)
            .returning(service_plans::all_columns)
            .get_result(conn)?;
        let types: Vec<NewRequestType> = types
            .into_iter()
            .map(|t| NewRequestType {
                plan_id: plan.id,
                ..t
            })
            .collect();
        on_each_backend!(conn, |c| diesel::insert_into(request_types::table)
            .values(&types)
            .execute(c))?;
        let request_types = RequestType::of_plans(conn, &[plan.id])?;
        Ok(PlanWithTypes {
            plan,
            request_types,
        })
    }

    /// Every plan of the services, oldest first within each service, with its request types.
    pub fn of_services(
        conn: &mut DbConnection,
        service_ids: &[i64],
    ) -> QueryResult<Vec<PlanWithTypes>> {
        let plans: Vec<Plan> = service_plans::table
            .filter(service_plans::service_id.eq_any(service_ids))
            .select(Plan::as_select())
            .order((service_plans::service_id, service_plans::effective_from))
            .load(conn)?;
        let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
        let mut types: std::collections::BTreeMap<i64, Vec<RequestType>> =
            std::collections::BTreeMap::new();
        for t in RequestType::of_plans(conn, &ids)? {
            types.entry(t.plan_id).or_default().push(t);
        }
        Ok(plans
            .into_iter()
            .map(|plan| PlanWithTypes {
                request_types: types.remove(&plan.id).unwrap_or_default(),
                plan,
            })
            .collect())
    }

    /// The plans of every service that were in force at `at`: the latest from at or before it.
    pub fn in_force(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<Vec<Plan>> {
        let plans: Vec<Plan> = service_plans::table
            .filter(service_plans::effective_from.le(at))
            .select(Plan::as_select())
            .order((service_plans::service_id, service_plans::effective_from))
            .load(conn)?;
        let mut latest: Vec<Plan> = Vec::new();
        for plan in plans {
            match latest.last_mut() {
                Some(last) if last.service_id == plan.service_id => *last = plan,
                _ => latest.push(plan),
            }
        }
        Ok(latest)
    }
}

impl RequestType {
    pub fn of_plans(conn: &mut DbConnection, plan_ids: &[i64]) -> QueryResult<Vec<RequestType>> {
        request_types::table
            .filter(request_types::plan_id.eq_any(plan_ids))
            .select(RequestType::as_select())
            .order((request_types::plan_id, request_types::id))
            .load(conn)
    }

    /// The request types of these ids, by id.
    pub fn by_ids(
        conn: &mut DbConnection,
        ids: &[i64],
    ) -> QueryResult<std::collections::BTreeMap<i64, RequestType>> {
        Ok(request_types::table
            .filter(request_types::id.eq_any(ids))
            .select(RequestType::as_select())
            .load(conn)?
            .into_iter()
            .map(|t| (t.id, t))
            .collect())
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<RequestType>> {
        request_types::table
            .find(id)
            .select(RequestType::as_select())
            .first(conn)
            .optional()
    }
}
