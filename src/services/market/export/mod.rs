//! The market's exports, as flat rows a spreadsheet opens: the catalogue, subscriptions and
//! requests ([`listings`]), a billing run's charges and a team's statement ([`books`]). Each
//! reads through the same service functions and filters as the JSON route it mirrors (a
//! partner sees only what its team takes, files or provides), so an export never shows more
//! than the API does. Money is in minor units, with the row's main amount also as a decimal
//! and the currency, as in [`crate::services::export`].

mod books;
mod listings;

pub use books::{
    ChargeRow, StatementLine, StatementRow, StatementSide, charge_rows, statement_range,
    statement_rows,
};
pub use listings::{
    RequestRow, ServiceRow, SubscriptionRow, request_rows, service_rows, subscription_rows,
};

use std::collections::BTreeMap;

use crate::db::DbConnection;
use crate::db::market::services::Service;
use crate::db::teams::Team;
use crate::domain::{Actor, Currency};
use crate::error::AppError;

/// Money as the exports write it: exact decimal text without thousands separators.
pub(super) fn decimal(currency: &Currency, minor_units: i64) -> String {
    currency.format_amount(minor_units).replace(',', "")
}

/// The names rows show, read once per export.
pub(super) struct Names {
    teams: BTreeMap<i64, String>,
    services: BTreeMap<i64, Service>,
}

impl Names {
    pub(super) fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        Ok(Self {
            teams: Team::list(conn, None)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            services: Service::list(conn, None)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
        })
    }

    pub(super) fn team(&self, id: i64) -> String {
        self.teams.get(&id).cloned().unwrap_or_default()
    }

    pub(super) fn service(&self, id: i64) -> String {
        self.services
            .get(&id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    pub(super) fn provider(&self, service_id: i64) -> i64 {
        self.services
            .get(&service_id)
            .map_or(0, |s| s.provider_team_id)
    }
}

/// The teams a partner's listing is narrowed to (as the JSON listings narrow it).
pub(super) fn party(actor: &Actor) -> Option<i64> {
    (!actor.reads_all_teams()).then_some(actor.team_id.unwrap_or(-1))
}
