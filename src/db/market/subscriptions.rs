//! Subscriptions: a team's standing order for a service's plan, billed once per period from
//! `starts_at` until `ends_at` (exclusive), which a cancellation sets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::subscriptions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: i64,
    pub service_id: i64,
    pub team_id: i64,
    pub bet_id: Option<i64>,
    pub quantity: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub cancelled_by: Option<i64>,
    pub cancelled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = subscriptions)]
pub struct NewSubscription {
    pub service_id: i64,
    pub team_id: i64,
    pub bet_id: Option<i64>,
    pub quantity: i64,
    pub starts_at: NaiveDateTime,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// Which subscriptions a listing shows.
#[derive(Debug, Default, Clone)]
pub struct SubscriptionFilter {
    pub service_id: Option<i64>,
    /// The subscribing team.
    pub team_id: Option<i64>,
    /// Only subscriptions this team takes or provides (what a partner may see).
    pub party: Option<i64>,
}

impl Subscription {
    pub fn create(conn: &mut DbConnection, form: &NewSubscription) -> QueryResult<Subscription> {
        diesel::insert_into(subscriptions::table)
            .values(form)
            .returning(subscriptions::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Subscription>> {
        subscriptions::table
            .find(id)
            .select(Subscription::as_select())
            .first(conn)
            .optional()
    }

    pub fn list(
        conn: &mut DbConnection,
        filter: &SubscriptionFilter,
    ) -> QueryResult<Vec<Subscription>> {
        use crate::db::schema::services;
        let mut query = subscriptions::table
            .inner_join(services::table)
            .select(Subscription::as_select())
            .order(subscriptions::id)
            .into_boxed();
        if let Some(service) = filter.service_id {
            query = query.filter(subscriptions::service_id.eq(service));
        }
        if let Some(team) = filter.team_id {
            query = query.filter(subscriptions::team_id.eq(team));
        }
        if let Some(team) = filter.party {
            query = query.filter(
                subscriptions::team_id
                    .eq(team)
                    .or(services::provider_team_id.eq(team)),
            );
        }
        query.load(conn)
    }

    /// Ends the subscription at `ends_at`, if it is not ended yet; false if it was.
    pub fn cancel(
        conn: &mut DbConnection,
        id: i64,
        ends_at: NaiveDateTime,
        by: i64,
        at: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            subscriptions::table
                .find(id)
                .filter(subscriptions::ends_at.is_null()),
        )
        .set((
            subscriptions::ends_at.eq(ends_at),
            subscriptions::cancelled_by.eq(by),
            subscriptions::cancelled_at.eq(at),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }
}
