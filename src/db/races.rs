//! Races and their racers: the rows, the insert forms, and the few updates a race goes
//! through (a racer leaving, the finish moved, the decision, the prize pinned).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{race_racers, races};
use crate::domain::{RaceMeasure, RaceStatus, RacerFate};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = races)]
pub struct Race {
    pub id: i64,
    pub arena_id: i64,
    pub name: String,
    pub measure: RaceMeasure,
    pub metric_name: Option<String>,
    pub metric_unit: Option<String>,
    /// The common metric's direction, as stored (`higher_is_better`); None for progress.
    pub direction: Option<String>,
    pub starts_at: NaiveDateTime,
    pub finish_at: NaiveDateTime,
    pub confidence: f64,
    pub min_reports: i32,
    pub prize: Option<i64>,
    pub status: RaceStatus,
    pub winner_bet_id: Option<i64>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub prize_round_id: Option<i64>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = races)]
pub struct NewRace<'a> {
    pub arena_id: i64,
    pub name: &'a str,
    pub measure: RaceMeasure,
    pub metric_name: Option<&'a str>,
    pub metric_unit: Option<&'a str>,
    pub direction: Option<&'static str>,
    pub starts_at: NaiveDateTime,
    pub finish_at: NaiveDateTime,
    pub confidence: f64,
    pub min_reports: i32,
    pub prize: Option<i64>,
    pub status: RaceStatus,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = race_racers)]
pub struct Racer {
    pub race_id: i64,
    pub bet_id: i64,
    pub team_id: i64,
    pub racing: bool,
    pub fate: Option<RacerFate>,
    pub left_at: Option<NaiveDateTime>,
}

/// What the decision writes on the race.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = races)]
pub struct Decided<'a> {
    pub status: RaceStatus,
    pub winner_bet_id: Option<i64>,
    pub decision_reason: Option<&'a str>,
    pub decided_by: i64,
    pub decided_at: NaiveDateTime,
}

impl Race {
    pub fn create(conn: &mut DbConnection, form: &NewRace<'_>) -> QueryResult<Race> {
        diesel::insert_into(races::table)
            .values(form)
            .returning(races::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Race>> {
        races::table
            .find(id)
            .select(Race::as_select())
            .first(conn)
            .optional()
    }

    /// Every race, newest first, of one arena or of all.
    pub fn list(conn: &mut DbConnection, arena_id: Option<i64>) -> QueryResult<Vec<Race>> {
        let mut query = races::table
            .select(Race::as_select())
            .order(races::id.desc())
            .into_boxed();
        if let Some(arena) = arena_id {
            query = query.filter(races::arena_id.eq(arena));
        }
        query.load(conn)
    }

    /// The race under way in an arena, if any.
    pub fn running_in(conn: &mut DbConnection, arena_id: i64) -> QueryResult<Option<Race>> {
        races::table
            .filter(races::arena_id.eq(arena_id))
            .filter(races::status.eq(RaceStatus::Running))
            .select(Race::as_select())
            .first(conn)
            .optional()
    }

    /// Moves a running race's finish; false when it is no longer running.
    pub fn move_finish(conn: &mut DbConnection, id: i64, to: NaiveDateTime) -> QueryResult<bool> {
        diesel::update(
            races::table
                .find(id)
                .filter(races::status.eq(RaceStatus::Running)),
        )
        .set(races::finish_at.eq(to))
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Records the decision on a running race; false when it was decided meanwhile.
    pub fn decide(conn: &mut DbConnection, id: i64, d: &Decided<'_>) -> QueryResult<bool> {
        diesel::update(
            races::table
                .find(id)
                .filter(races::status.eq(RaceStatus::Running)),
        )
        .set(d)
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Decided races with a prize not yet pinned on a draft round, oldest first.
    pub fn prizes_pending(conn: &mut DbConnection) -> QueryResult<Vec<Race>> {
        races::table
            .filter(races::status.eq(RaceStatus::Decided))
            .filter(races::prize.is_not_null())
            .filter(races::winner_bet_id.is_not_null())
            .filter(races::prize_round_id.is_null())
            .select(Race::as_select())
            .order(races::id)
            .load(conn)
    }

    /// The race whose prize is pinned on `round_id` for `bet_id`, if any.
    pub fn prize_on(
        conn: &mut DbConnection,
        round_id: i64,
        bet_id: i64,
    ) -> QueryResult<Option<Race>> {
        races::table
            .filter(races::prize_round_id.eq(round_id))
            .filter(races::winner_bet_id.eq(bet_id))
            .select(Race::as_select())
            .first(conn)
            .optional()
    }

    pub fn pin_prize(conn: &mut DbConnection, id: i64, round_id: i64) -> QueryResult<()> {
        diesel::update(races::table.find(id))
            .set(races::prize_round_id.eq(round_id))
            .execute(conn)
            .map(drop)
    }
}

impl Racer {
    /// Inserts a race's racers, one row at a time (a race has a handful).
    pub fn insert_many(conn: &mut DbConnection, rows: &[Racer]) -> QueryResult<()> {
        for row in rows {
            diesel::insert_into(race_racers::table)
                .values(row)
                .execute(conn)?;
        }
        Ok(())
    }

    /// A race's racers, by bet id.
    pub fn of_race(conn: &mut DbConnection, race_id: i64) -> QueryResult<Vec<Racer>> {
        race_racers::table
            .filter(race_racers::race_id.eq(race_id))
            .select(Racer::as_select())
            .order(race_racers::bet_id)
            .load(conn)
    }

    /// The racers of many races at once.
    pub fn of_races(conn: &mut DbConnection, race_ids: &[i64]) -> QueryResult<Vec<Racer>> {
        race_racers::table
            .filter(race_racers::race_id.eq_any(race_ids))
            .select(Racer::as_select())
            .order((race_racers::race_id, race_racers::bet_id))
            .load(conn)
    }

    /// Which of these bets are racing now.
    pub fn racing_among(conn: &mut DbConnection, bet_ids: &[i64]) -> QueryResult<Vec<Racer>> {
        race_racers::table
            .filter(race_racers::bet_id.eq_any(bet_ids))
            .filter(race_racers::racing.eq(true))
            .select(Racer::as_select())
            .load(conn)
    }

    /// The bets leave whatever race they are in (a round or the committee closed them).
    /// Returns the races they left.
    pub fn leave(
        conn: &mut DbConnection,
        bet_ids: &[i64],
        at: NaiveDateTime,
    ) -> QueryResult<Vec<Racer>> {
        let leaving = Racer::racing_among(conn, bet_ids)?;
        if !leaving.is_empty() {
            diesel::update(
                race_racers::table
                    .filter(race_racers::bet_id.eq_any(bet_ids))
                    .filter(race_racers::racing.eq(true)),
            )
            .set((
                race_racers::racing.eq(false),
                race_racers::fate.eq(RacerFate::Left),
                race_racers::left_at.eq(at),
            ))
            .execute(conn)?;
        }
        Ok(leaving)
    }

    /// Writes a racer's fate at the decision: it races no more.
    pub fn settle(
        conn: &mut DbConnection,
        race_id: i64,
        bet_id: i64,
        fate: RacerFate,
    ) -> QueryResult<()> {
        diesel::update(race_racers::table.find((race_id, bet_id)))
            .set((race_racers::racing.eq(false), race_racers::fate.eq(fate)))
            .execute(conn)
            .map(drop)
    }
}
