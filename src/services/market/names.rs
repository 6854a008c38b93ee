//! The names the market's answers show beside ids: every team's and every service's, read once
//! per answer (two small reads, whatever the number of rows), and the team a partner's listing
//! is narrowed to. Shared by the API's views, the exports, the pages and the CLI.

use std::collections::BTreeMap;

use crate::db::DbConnection;
use crate::db::market::services::Service;
use crate::db::teams::Team;
use crate::domain::Actor;
use crate::error::AppError;

pub struct Names {
    pub teams: BTreeMap<i64, String>,
    pub services: BTreeMap<i64, Service>,
}

impl Names {
    pub fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
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

    /// A team's name ("" for an id that names none: rows only carry ids of rows that exist).
    pub fn team(&self, id: i64) -> String {
        self.teams.get(&id).cloned().unwrap_or_default()
    }

    pub fn service(&self, id: i64) -> String {
        self.services
            .get(&id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// The team that provides a service.
    pub fn provider(&self, service_id: i64) -> i64 {
        self.services
            .get(&service_id)
            .map_or(0, |s| s.provider_team_id)
    }
}

/// The team a partner's listing is narrowed to (its own: what it takes, files or provides);
/// none for those who read every team.
pub fn party(actor: &Actor) -> Option<i64> {
    (!actor.reads_all_teams()).then_some(actor.team_id.unwrap_or(-1))
}
