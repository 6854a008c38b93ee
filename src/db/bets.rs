//! Bets and their thresholds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{bets, teams, thresholds};
use crate::domain::{BetStatus, Stage};
use crate::engine::Direction;

/// Up to this many bets are looked up one by one with a prepared statement.
const FEW_IDS: usize = 32;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bets)]
pub struct Bet {
    pub id: i64,
    pub slug: String,
    pub arena_id: i64,
    pub team_id: i64,
    pub title: String,
    pub thesis: String,
    pub metric_name: String,
    pub metric_unit: String,
    pub direction: Direction,
    pub baseline: f64,
    pub seed_request: Option<i64>,
    pub stage: Stage,
    pub status: BetStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub activated_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = bets)]
pub struct NewBet<'a> {
    pub slug: String,
    pub arena_id: i64,
    pub team_id: i64,
    pub title: &'a str,
    pub thesis: &'a str,
    pub metric_name: &'a str,
    pub metric_unit: &'a str,
    pub direction: &'static str,
    pub baseline: f64,
    pub seed_request: Option<i64>,
    pub stage: Stage,
    pub status: BetStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// An active bet as a round reads it, with its team's name.
#[derive(Debug, Clone, Queryable)]
pub struct ActiveBet {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub title: String,
    pub arena_id: i64,
    pub slug: String,
    pub metric_unit: String,
    pub direction: Direction,
    pub baseline: f64,
    pub seed_request: Option<i64>,
}

/// Filters of the bet listing; every field narrows it.
#[derive(Debug, Default, Clone)]
pub struct BetFilter {
    pub arena_id: Option<i64>,
    pub team_id: Option<i64>,
    pub status: Option<BetStatus>,
    pub stage: Option<Stage>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = thresholds)]
pub struct Threshold {
    pub id: i64,
    pub bet_id: i64,
    pub target: f64,
    pub effective_from: NaiveDateTime,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = thresholds)]
pub struct NewThreshold {
    pub bet_id: i64,
    pub target: f64,
    pub effective_from: NaiveDateTime,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// What storing a report needs of its bet: whose it is and whether it is open. Narrow, because
/// every single report asks for it and reading a whole bet (its thesis, three timestamps) cost
/// the report writer more than the check.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bets)]
pub struct BetGate {
    pub id: i64,
    pub team_id: i64,
    pub status: BetStatus,
}

impl BetGate {
    /// The gates of the bets with these ids (any order).
    pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<BetGate>> {
        if let DbConnection::Postgresql(c) = conn {
            // `= ANY($1)` with one array: one round trip, one statement PostgreSQL keeps
            // prepared however many ids (the multi-backend connection would write an IN list).
            return bets::table
                .filter(bets::id.eq_any(ids))
                .select(BetGate::as_select())
                .load(c);
        }
        let mut found = Vec::with_capacity(ids.len());
        if ids.len() <= FEW_IDS {
            // A few ids (the single reports of one group commit) take the statement diesel
            // keeps prepared, on the concrete connection; an IN list is compiled afresh.
            for id in ids {
                let query = bets::table.find(*id);
                found.extend(on_each_backend!(conn, |c| query
                    .select(BetGate::as_select())
                    .first(c)
                    .optional())?);
            }
            return Ok(found);
        }
        for chunk in ids.chunks(500) {
            found.extend(
                bets::table
                    .filter(bets::id.eq_any(chunk))
                    .select(BetGate::as_select())
                    .load(conn)?,
            );
        }
        Ok(found)
    }
}

impl Bet {
    /// Inserts the bet under the first free slug of `base`, `base-2`, `base-3`, ...
    pub fn create(conn: &mut DbConnection, mut form: NewBet<'_>) -> QueryResult<Bet> {
        let base = form.slug.clone();
        let taken: Vec<String> = bets::table
            .filter(bets::slug.like(format!("{base}%")))
            .select(bets::slug)
            .load(conn)?;
        let mut n = 1;
        while taken.contains(&form.slug) {
            n += 1;
            form.slug = format!("{base}-{n}");
        }
        diesel::insert_into(bets::table)
            .values(&form)
            .returning(bets::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Bet>> {
        bets::table
            .find(id)
            .select(Bet::as_select())
            .first(conn)
            .optional()
    }

    /// The bets with these ids (any order).
    pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Bet>> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            found.extend(
                bets::table
                    .filter(bets::id.eq_any(chunk))
                    .select(Bet::as_select())
                    .load(conn)?,
            );
        }
        Ok(found)
    }

    /// The ids of the bets with these slugs: (slug, id).
    pub fn ids_by_slug(
        conn: &mut DbConnection,
        slugs: &[String],
    ) -> QueryResult<Vec<(String, i64)>> {
        let mut found = Vec::new();
        for chunk in slugs.chunks(500) {
            found.extend(
                bets::table
                    .filter(bets::slug.eq_any(chunk))
                    .select((bets::slug, bets::id))
                    .load::<(String, i64)>(conn)?,
            );
        }
        Ok(found)
    }

    /// Every active bet, in id order.
    pub fn active(conn: &mut DbConnection) -> QueryResult<Vec<ActiveBet>> {
        bets::table
            .inner_join(teams::table)
            .filter(bets::status.eq(BetStatus::Active))
            .select((
                bets::id,
                bets::team_id,
                teams::name,
                bets::title,
                bets::arena_id,
                bets::slug,
                bets::metric_unit,
                bets::direction,
                bets::baseline,
                bets::seed_request,
            ))
            .order(bets::id)
            .load(conn)
    }

    /// A page of bets in id order, and the total that match.
    pub fn page(
        conn: &mut DbConnection,
        filter: &BetFilter,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<Bet>, i64)> {
        let query = || {
            let mut q = bets::table.into_boxed();
            if let Some(arena) = filter.arena_id {
                q = q.filter(bets::arena_id.eq(arena));
            }
            if let Some(team) = filter.team_id {
                q = q.filter(bets::team_id.eq(team));
            }
            if let Some(status) = &filter.status {
                q = q.filter(bets::status.eq(*status));
            }
            if let Some(stage) = &filter.stage {
                q = q.filter(bets::stage.eq(*stage));
            }
            q
        };
        let total = query().count().get_result(conn)?;
        let rows = query()
            .select(Bet::as_select())
            .order(bets::id)
            .offset(offset)
            .limit(limit)
            .load(conn)?;
        Ok((rows, total))
    }

    /// Kills every bet of `ids` that is still active, as of `at`: a round's kills in one
    /// statement per thousand bets instead of one per bet. Returns how many it killed.
    pub fn kill_active(
        conn: &mut DbConnection,
        ids: &[i64],
        at: NaiveDateTime,
    ) -> QueryResult<usize> {
        let mut killed = 0;
        for chunk in ids.chunks(1_000) {
            let target = bets::table
                .filter(bets::id.eq_any(chunk))
                .filter(bets::status.eq(BetStatus::Active));
            killed += diesel::update(target)
                .set((bets::status.eq(BetStatus::Killed), bets::closed_at.eq(at)))
                .execute(conn)?;
        }
        Ok(killed)
    }

    /// Moves an active bet to another stage (a race's winner advancing); false when it is no
    /// longer active.
    pub fn advance(conn: &mut DbConnection, id: i64, to: Stage) -> QueryResult<bool> {
        diesel::update(
            bets::table
                .find(id)
                .filter(bets::status.eq(BetStatus::Active)),
        )
        .set(bets::stage.eq(to))
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Moves the bet from one status to another, only if it is still in `from`; returns
    /// whether it moved (false means someone else moved it first).
    pub fn transition(
        conn: &mut DbConnection,
        id: i64,
        from: BetStatus,
        to: BetStatus,
        at: NaiveDateTime,
    ) -> QueryResult<bool> {
        let target = bets::table.find(id).filter(bets::status.eq(from));
        let changed = if to == BetStatus::Active {
            diesel::update(target)
                .set((bets::status.eq(to), bets::activated_at.eq(at)))
                .execute(conn)?
        } else {
            diesel::update(target)
                .set((bets::status.eq(to), bets::closed_at.eq(at)))
                .execute(conn)?
        };
        Ok(changed > 0)
    }
}

impl Threshold {
    pub fn create(conn: &mut DbConnection, form: &NewThreshold) -> QueryResult<Threshold> {
        diesel::insert_into(thresholds::table)
            .values(form)
            .returning(thresholds::all_columns)
            .get_result(conn)
    }

    /// The bet's thresholds in the order they take effect.
    pub fn for_bet(conn: &mut DbConnection, bet_id: i64) -> QueryResult<Vec<Threshold>> {
        thresholds::table
            .filter(thresholds::bet_id.eq(bet_id))
            .select(Threshold::as_select())
            .order(thresholds::effective_from)
            .load(conn)
    }

    /// The threshold in force at `at`: the latest whose `effective_from` is not after it.
    pub fn in_force(
        conn: &mut DbConnection,
        bet_id: i64,
        at: NaiveDateTime,
    ) -> QueryResult<Option<Threshold>> {
        thresholds::table
            .filter(thresholds::bet_id.eq(bet_id))
            .filter(thresholds::effective_from.le(at))
            .select(Threshold::as_select())
            .order(thresholds::effective_from.desc())
            .first(conn)
            .optional()
    }

    /// The target in force at `at` of every active bet that has one.
    pub fn in_force_for_active(
        conn: &mut DbConnection,
        at: NaiveDateTime,
    ) -> QueryResult<std::collections::BTreeMap<i64, f64>> {
        let rows: Vec<(i64, f64)> = thresholds::table
            .inner_join(bets::table)
            .filter(bets::status.eq(BetStatus::Active))
            .filter(thresholds::effective_from.le(at))
            .select((thresholds::bet_id, thresholds::target))
            .order((thresholds::bet_id, thresholds::effective_from))
            .load(conn)?;
        // In effective_from order, the last of each bet wins.
        Ok(rows.into_iter().collect())
    }

    pub fn exists_at(
        conn: &mut DbConnection,
        bet_id: i64,
        effective_from: NaiveDateTime,
    ) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            thresholds::table
                .filter(thresholds::bet_id.eq(bet_id))
                .filter(thresholds::effective_from.eq(effective_from)),
        ))
        .get_result(conn)
    }
}
