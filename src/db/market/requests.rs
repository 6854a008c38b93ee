//! Requests: extra work a team asks of a service, and the state each one is in. Every
//! transition first takes the request's lock ([`Request::lock`]), so two transitions of one
//! request never both act on what they read before the other wrote.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{requests, services};
use crate::domain::RequestStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct Request {
    pub id: i64,
    pub service_id: i64,
    pub team_id: i64,
    pub request_type_id: i64,
    pub quantity: i64,
    pub purpose: String,
    pub bet_id: Option<i64>,
    pub max_total: i64,
    pub status: RequestStatus,
    pub quote_total: Option<i64>,
    pub quote_expires_at: Option<NaiveDateTime>,
    pub quoted_at: Option<NaiveDateTime>,
    pub offer: Option<i64>,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<i64>,
    pub close_reason: Option<String>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = requests)]
pub struct NewRequest<'a> {
    pub service_id: i64,
    pub team_id: i64,
    pub request_type_id: i64,
    pub quantity: i64,
    pub purpose: &'a str,
    pub bet_id: Option<i64>,
    pub max_total: i64,
    pub status: RequestStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// What a transition writes: the new status and the fields it sets.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = requests)]
pub struct Transition {
    pub status: Option<RequestStatus>,
    pub max_total: Option<i64>,
    pub quote_total: Option<i64>,
    pub quote_expires_at: Option<NaiveDateTime>,
    pub quoted_at: Option<NaiveDateTime>,
    pub offer: Option<i64>,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<i64>,
    pub close_reason: Option<String>,
}

/// Which requests a listing shows.
#[derive(Debug, Default, Clone)]
pub struct RequestFilter {
    pub service_id: Option<i64>,
    /// The requesting team.
    pub team_id: Option<i64>,
    /// Only requests this team files or serves (what a partner may see).
    pub party: Option<i64>,
    pub status: Option<RequestStatus>,
}

impl Request {
    pub fn create(conn: &mut DbConnection, form: &NewRequest<'_>) -> QueryResult<Request> {
        diesel::insert_into(requests::table)
            .values(form)
            .returning(requests::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Request>> {
        requests::table
            .find(id)
            .select(Request::as_select())
            .first(conn)
            .optional()
    }

    /// Takes the request's row lock until the transaction ends (PostgreSQL; SQLite has one
    /// writer), then reads it as it stands.
    pub fn lock(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Request>> {
        if let DbConnection::Postgresql(pg) = conn {
            diesel::sql_query("SELECT id FROM requests WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::BigInt, _>(id)
                .execute(pg)?;
        }
        Self::find(conn, id)
    }

    /// Applies a transition to a request that is still in `from`; false if it no longer is.
    pub fn transition(
        conn: &mut DbConnection,
        id: i64,
        from: RequestStatus,
        change: &Transition,
    ) -> QueryResult<bool> {
        let n = diesel::update(requests::table.find(id).filter(requests::status.eq(from)))
            .set(change)
            .execute(conn)?;
        Ok(n == 1)
    }

    pub fn list(conn: &mut DbConnection, filter: &RequestFilter) -> QueryResult<Vec<Request>> {
        let mut query = requests::table
            .inner_join(services::table)
            .select(Request::as_select())
            .order(requests::id)
            .into_boxed();
        if let Some(service) = filter.service_id {
            query = query.filter(requests::service_id.eq(service));
        }
        if let Some(team) = filter.team_id {
            query = query.filter(requests::team_id.eq(team));
        }
        if let Some(team) = filter.party {
            query = query.filter(
                requests::team_id
                    .eq(team)
                    .or(services::provider_team_id.eq(team)),
            );
        }
        if let Some(status) = filter.status {
            query = query.filter(requests::status.eq(status));
        }
        query.load(conn)
    }

    /// A service's accepted requests, not yet delivered: its queue, in no particular order.
    pub fn accepted_of(conn: &mut DbConnection, service_id: i64) -> QueryResult<Vec<Request>> {
        requests::table
            .filter(requests::service_id.eq(service_id))
            .filter(requests::status.eq(RequestStatus::Accepted))
            .select(Request::as_select())
            .order(requests::id)
            .load(conn)
    }

    /// Units of a service delivered in `[from, to)`: what its capacity has served already.
    pub fn delivered_units(
        conn: &mut DbConnection,
        service_id: i64,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> QueryResult<i64> {
        let quantities: Vec<i64> = requests::table
            .filter(requests::service_id.eq(service_id))
            .filter(requests::status.eq(RequestStatus::Delivered))
            .filter(requests::closed_at.ge(from))
            .filter(requests::closed_at.lt(to))
            .select(requests::quantity)
            .load(conn)?;
        Ok(quantities.iter().sum())
    }
}
