//! What the market's routes answer: services with their plans, subscriptions, requests,
//! queues and billing runs, with the names of the teams and services they refer to.

mod billing;
mod catalogue;
mod orders;

pub use billing::{BillingRunDetail, BillingRunView};
pub use catalogue::{
    PlanView, QueueEntryView, QueueView, RequestTypeView, ServiceDetail, ServiceView, plan_view,
    queue_view, service_view,
};
pub use orders::{
    RequestView, SubscriptionState, SubscriptionView, request_view, subscription_view,
};

use std::collections::BTreeMap;

use crate::db::DbConnection;
use crate::db::market::services::Service;
use crate::db::teams::Team;
use crate::domain::PeriodLength;
use crate::error::AppError;

/// The names market views show, read once per answer.
pub struct Lookup {
    pub services: BTreeMap<i64, Service>,
    pub teams: BTreeMap<i64, String>,
    pub length: PeriodLength,
}

impl Lookup {
    pub fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        Ok(Self {
            services: Service::list(conn, None)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
            teams: Team::list(conn, None)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            length: crate::services::market::period_length(conn)?,
        })
    }

    fn team(&self, id: i64) -> String {
        self.teams.get(&id).cloned().unwrap_or_default()
    }

    fn service(&self, id: i64) -> String {
        self.services
            .get(&id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }
}
