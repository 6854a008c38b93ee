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

use crate::db::DbConnection;
use crate::domain::PeriodLength;
use crate::error::AppError;
use crate::services::market::names::Names;

/// The names market views show, read once per answer, and the portfolio's period length.
pub struct Lookup {
    pub names: Names,
    pub length: PeriodLength,
}

impl Lookup {
    pub fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        Ok(Self {
            names: Names::load(conn)?,
            length: crate::services::market::period_length(conn)?,
        })
    }
}

impl std::ops::Deref for Lookup {
    type Target = Names;
    fn deref(&self) -> &Names {
        &self.names
    }
}
