//! Read models for the pages: the joins and aggregates that summarise the portfolio. Each is
//! one query shaped for what a page shows.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::DbConnection;
use super::schema::{arenas, bets, reports, round_results, rounds, teams};
use crate::domain::{BetStatus, RoundStatus, Stage};
use crate::engine::{Decision, Direction};

/// One bet's line in a committed round, with the names a page shows (its team's name is in
/// the page's list of teams).
#[derive(Debug, Clone, Queryable)]
pub struct GrantLine {
    pub bet_id: i64,
    pub title: String,
    pub team_id: i64,
    pub arena_id: i64,
    pub arena_name: String,
    pub granted: i64,
    pub prev_grant: i64,
    pub decision: Decision,
}

/// The lines of a committed round, in bet order. Sorted here rather than by the database:
/// PostgreSQL spent a third of this query sorting 10,000 wide rows.
pub fn round_lines(conn: &mut DbConnection, round_id: i64) -> QueryResult<Vec<GrantLine>> {
    let mut lines: Vec<GrantLine> = round_results::table
        .inner_join(bets::table.inner_join(arenas::table))
        .filter(round_results::round_id.eq(round_id))
        .select((
            round_results::bet_id,
            bets::title,
            round_results::team_id,
            bets::arena_id,
            arenas::name,
            round_results::granted,
            round_results::prev_grant,
            round_results::decision,
        ))
        .load(conn)?;
    lines.sort_unstable_by_key(|l| l.bet_id);
    Ok(lines)
}

/// A committed round, without its large stored documents.
#[derive(Debug, Clone, Queryable)]
pub struct RoundHead {
    pub id: i64,
    pub as_of: NaiveDateTime,
    pub budget: i64,
    pub reserve: Option<i64>,
}

/// Every committed round, oldest first.
pub fn committed_rounds(conn: &mut DbConnection) -> QueryResult<Vec<RoundHead>> {
    rounds::table
        .filter(rounds::status.eq(RoundStatus::Committed))
        .select((rounds::id, rounds::as_of, rounds::budget, rounds::reserve))
        .order(rounds::as_of)
        .load(conn)
}

/// The `limit` largest totals granted over all committed rounds: (bet id, total).
///
/// Only a commit writes `round_results` (in the transaction that marks its round committed), so
/// every row belongs to a committed round and the sums need no join: they come from the index
/// on (bet_id, round_id, granted) alone.
pub fn funding_totals(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<(i64, i64)>> {
    round_results::table
        .group_by(round_results::bet_id)
        .select((
            round_results::bet_id,
            sql::<BigInt>("CAST(SUM(round_results.granted) AS BIGINT)"),
        ))
        .order((
            sql::<BigInt>("CAST(SUM(round_results.granted) AS BIGINT)").desc(),
            round_results::bet_id,
        ))
        .limit(limit)
        .load(conn)
}

/// Totals with their bets' titles and statuses as they are now, looked up by id.
pub fn named_totals(
    conn: &mut DbConnection,
    totals: Vec<(i64, i64)>,
) -> QueryResult<Vec<(i64, String, BetStatus, i64)>> {
    let ids: Vec<i64> = totals.iter().map(|(id, _)| *id).collect();
    let names: std::collections::BTreeMap<i64, (String, BetStatus)> = bets::table
        .filter(bets::id.eq_any(ids))
        .select((bets::id, bets::title, bets::status))
        .load::<(i64, String, BetStatus)>(conn)?
        .into_iter()
        .map(|(id, title, status)| (id, (title, status)))
        .collect();
    Ok(totals
        .into_iter()
        .filter_map(|(id, total)| {
            let (title, status) = names.get(&id)?.clone();
            Some((id, title, status, total))
        })
        .collect())
}

/// Grants per round of the given bets: (round id, bet id, amount).
pub fn grants_of_bets(
    conn: &mut DbConnection,
    bet_ids: &[i64],
) -> QueryResult<Vec<(i64, i64, i64)>> {
    round_results::table
        .inner_join(rounds::table)
        .filter(rounds::status.eq(RoundStatus::Committed))
        .filter(round_results::bet_id.eq_any(bet_ids.to_vec()))
        .select((
            round_results::round_id,
            round_results::bet_id,
            round_results::granted,
        ))
        .load(conn)
}

/// Active bets with no uncorrected-or-not report observed after `since`: (id, title, team id).
pub fn stale_bets(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(i64, String, i64)>> {
    bets::table
        .filter(bets::status.eq(BetStatus::Active))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            reports::table
                .filter(reports::bet_id.eq(bets::id))
                .filter(reports::observed_at.gt(since)),
        )))
        .select((bets::id, bets::title, bets::team_id))
        .order(bets::id)
        .load(conn)
}

/// How many bets are in each status.
pub fn bets_by_status(conn: &mut DbConnection) -> QueryResult<Vec<(BetStatus, i64)>> {
    bets::table
        .group_by(bets::status)
        .select((bets::status, sql::<BigInt>("CAST(COUNT(*) AS BIGINT)")))
        .load(conn)
}

/// A bet as the portfolio export names it.
#[derive(Debug, Clone, Queryable)]
pub struct PortfolioBet {
    pub bet_id: i64,
    pub slug: String,
    pub title: String,
    pub team_id: i64,
    pub team: String,
    pub arena: String,
    pub status: BetStatus,
    pub stage: Stage,
    pub metric: String,
    pub unit: String,
    pub direction: Direction,
    pub baseline: f64,
}

/// A bet with its names, its latest committed result and its total funding.
pub struct PortfolioLine {
    pub bet: PortfolioBet,
    pub latest: Option<super::rounds::RoundResultRow>,
    pub total_granted: i64,
}

/// Every bet with its latest committed result and total funding, in id order.
pub fn portfolio_lines(conn: &mut DbConnection) -> QueryResult<Vec<PortfolioLine>> {
    use super::rounds::RoundResultRow;
    let bets: Vec<PortfolioBet> = bets::table
        .inner_join(teams::table)
        .inner_join(arenas::table)
        .select((
            bets::id,
            bets::slug,
            bets::title,
            bets::team_id,
            teams::name,
            arenas::name,
            bets::status,
            bets::stage,
            bets::metric_name,
            bets::metric_unit,
            bets::direction,
            bets::baseline,
        ))
        .order(bets::id)
        .load(conn)?;
    let results: Vec<RoundResultRow> = round_results::table
        .inner_join(rounds::table)
        .filter(rounds::status.eq(RoundStatus::Committed))
        .select(RoundResultRow::as_select())
        .order((round_results::bet_id, rounds::as_of))
        .load(conn)?;
    let mut by_bet: std::collections::BTreeMap<i64, (Option<RoundResultRow>, i64)> =
        std::collections::BTreeMap::new();
    for r in results {
        let entry = by_bet.entry(r.bet_id).or_insert((None, 0));
        entry.1 += r.granted;
        entry.0 = Some(r);
    }
    Ok(bets
        .into_iter()
        .map(|bet| {
            let (latest, total_granted) = by_bet.remove(&bet.bet_id).unwrap_or((None, 0));
            PortfolioLine {
                bet,
                latest,
                total_granted,
            }
        })
        .collect())
}
