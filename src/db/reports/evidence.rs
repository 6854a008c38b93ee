//! The evidence a round reads: the reports of its window, the history before it that the outlier
//! check looks back on, and the corrected reports left out of both. Only rounds use these.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrections;
use crate::db::DbConnection;
use crate::db::schema::reports;

/// A report as a round reads it: the fields the engine needs and its id.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName)]
pub struct EvidencePoint {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub bet_id: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub value: f64,
    #[diesel(sql_type = diesel::sql_types::Timestamp, deserialize_as = crate::db::instant::StoredInstant)]
    pub observed_at: NaiveDateTime,
}

/// The columns an [`EvidencePoint`] reads.
const EVIDENCE_COLUMNS: (
    reports::id,
    reports::bet_id,
    reports::value,
    reports::observed_at,
) = (
    reports::id,
    reports::bet_id,
    reports::value,
    reports::observed_at,
);

/// [`EvidencePoint::history_before`] on SQLite, which has no LATERAL: a correlated subquery finds,
/// for each active bet, the time of its `?2`-th latest uncorrected report through the
/// (bet, observed_at) index, and that bounds the range read of the same index. A window
/// function numbering every earlier report read the whole history instead: 5 s for 1,200,000
/// earlier reports of 10,000 bets, against 0.6 s. The range also holds the corrected reports
/// among the latest and any tied with the bound; they are left out in memory, as is the order
/// (checking each row for a correction and sorting in SQL cost a third of the read). `only`
/// further restricts `b.id`.
fn sqlite_history(only: &str) -> String {
    format!(
        "SELECT r.id, r.bet_id, r.value, r.observed_at \
         FROM bets b JOIN reports r ON r.bet_id = b.id \
         WHERE b.status = 'active' {only} AND r.observed_at <= ?1 \
           AND r.observed_at >= COALESCE(( \
             SELECT p.observed_at FROM reports p \
             WHERE p.bet_id = b.id AND p.observed_at <= ?1 \
               AND NOT EXISTS (SELECT 1 FROM reports c WHERE c.supersedes = p.id) \
             ORDER BY p.observed_at DESC, p.id DESC LIMIT 1 OFFSET ?2 - 1), '')"
    )
}

/// [`EvidencePoint::history_before`] on PostgreSQL. Each active bet's (bet, observed_at) index
/// is walked backwards and left after `$2` rows (with whatever ties the last of them), plus one
/// row for each of the bet's corrected reports (`$3`, `$4`: bets and how many), so that leaving
/// the corrected ones out in memory still leaves `$2`. Checking every row for a correction in
/// SQL (an index probe a row) and sorting the result took about half of the read.
const POSTGRES_HISTORY: &str = "SELECT h.id, h.bet_id, h.value, h.observed_at FROM bets b \
     LEFT JOIN unnest($3::bigint[], $4::bigint[]) AS x (bet_id, corrected) ON x.bet_id = b.id \
     CROSS JOIN LATERAL (SELECT r.id, r.bet_id, r.value, r.observed_at FROM reports r \
       WHERE r.bet_id = b.id AND r.observed_at <= $1 ORDER BY r.observed_at DESC \
       FETCH FIRST ($2 + COALESCE(x.corrected, 0)) ROWS WITH TIES) h \
     WHERE b.status = 'active'";

/// The last `n` of each bet's rows, of rows in bet and time order.
fn last_of_each_bet(rows: Vec<EvidencePoint>, n: usize) -> Vec<EvidencePoint> {
    let mut kept = Vec::with_capacity(rows.len());
    for bet in rows.chunk_by(|a, b| a.bet_id == b.bet_id) {
        kept.extend_from_slice(&bet[bet.len().saturating_sub(n)..]);
    }
    kept
}

impl EvidencePoint {
    /// Every report observed in (after, until], or only those of the bets in `only`, in no
    /// particular order. For the whole portfolio this is one sequential scan of the table (the
    /// cheapest way to read a million rows); for a few bets it follows the (bet, time) index.
    /// The caller groups the rows by bet and leaves out corrected reports.
    pub fn in_window(
        conn: &mut DbConnection,
        after: Option<NaiveDateTime>,
        until: NaiveDateTime,
        only: Option<&[i64]>,
    ) -> QueryResult<Vec<EvidencePoint>> {
        let mut query = reports::table
            .filter(reports::observed_at.le(until))
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(reports::observed_at.gt(after));
        }
        if let Some(only) = only {
            query = query.filter(reports::bet_id.eq_any(only.to_vec()));
        }
        query.select(EVIDENCE_COLUMNS).load(conn)
    }

    /// For each active bet, its last `per_bet` uncorrected reports observed at or before
    /// `before`, in bet, time and id order: the history a round's outlier check looks back on.
    /// Reads about `per_bet` reports a bet (and its corrected ones) however long the history.
    pub fn history_before(
        conn: &mut DbConnection,
        before: NaiveDateTime,
        per_bet: usize,
        only: Option<&[i64]>,
    ) -> QueryResult<Vec<EvidencePoint>> {
        let rows_per_bet = i64::try_from(per_bet).unwrap_or(i64::MAX);
        // Ids are integers, so listing them in the SQL text is safe.
        let only_bets = only.map_or(String::new(), |ids| {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let list = if list.is_empty() {
                "NULL".to_owned()
            } else {
                list.join(",")
            };
            format!("AND b.id IN ({list})")
        });
        // Corrections are few: read whole, they are left out here rather than row by row in SQL.
        let corrected = Self::corrected_before(conn, before)?;
        use diesel::sql_types::{Array, BigInt, Timestamp};
        let mut rows: Vec<EvidencePoint> = match conn {
            DbConnection::Sqlite(c) => diesel::sql_query(sqlite_history(&only_bets))
                .bind::<Timestamp, _>(before)
                .bind::<BigInt, _>(rows_per_bet)
                .load(c)?,
            DbConnection::Postgresql(c) => {
                let mut extra: std::collections::BTreeMap<i64, i64> = Default::default();
                for report in &corrected {
                    *extra.entry(report.bet_id).or_default() += 1;
                }
                let (bets, counts): (Vec<i64>, Vec<i64>) = extra.into_iter().unzip();
                diesel::sql_query(format!("{POSTGRES_HISTORY} {only_bets}"))
                    .bind::<Timestamp, _>(before)
                    .bind::<BigInt, _>(rows_per_bet)
                    .bind::<Array<BigInt>, _>(bets)
                    .bind::<Array<BigInt>, _>(counts)
                    .load(c)?
            }
        };
        let corrected: std::collections::HashSet<i64> = corrected.iter().map(|r| r.id).collect();
        rows.retain(|p| !corrected.contains(&p.id));
        rows.sort_unstable_by_key(|p| (p.bet_id, p.observed_at, p.id));
        Ok(last_of_each_bet(rows, per_bet))
    }

    /// The reports observed at or before `before` that a correction replaced: few, so they are
    /// read whole and left out of a round's evidence in memory rather than row by row in SQL.
    pub fn corrected_before(
        conn: &mut DbConnection,
        before: NaiveDateTime,
    ) -> QueryResult<Vec<EvidencePoint>> {
        let replaced = corrections
            .filter(corrections.field(reports::supersedes).is_not_null())
            .select(corrections.field(reports::supersedes));
        reports::table
            .filter(reports::observed_at.le(before))
            .filter(reports::id.nullable().eq_any(replaced))
            .select(EVIDENCE_COLUMNS)
            .load(conn)
    }

    /// The reports of these bets observed in (after, until], corrected or not; a committed
    /// round's verification picks the ones it used by id.
    pub fn for_bets_in_window(
        conn: &mut DbConnection,
        bet_ids: &[i64],
        after: Option<NaiveDateTime>,
        until: NaiveDateTime,
    ) -> QueryResult<Vec<EvidencePoint>> {
        let mut found = Vec::new();
        for chunk in bet_ids.chunks(500) {
            let mut query = reports::table
                .filter(reports::bet_id.eq_any(chunk))
                .filter(reports::observed_at.le(until))
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(reports::observed_at.gt(after));
            }
            found.extend(query.select(EVIDENCE_COLUMNS).load::<EvidencePoint>(conn)?);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;

    use super::super::plans::{postgres_database, sqlite_plan};
    use crate::db::DbConnection;
    use crate::db::connection::run_migrations;

    /// The history before a round's window reads a bounded range of each bet's reports; if the
    /// plan lost its lower bound, every round would read all the history a portfolio keeps.
    #[test]
    fn the_history_read_is_bounded_per_bet() {
        let plan = sqlite_plan(&super::sqlite_history(""));
        assert!(
            plan.iter().any(|d| d.contains(
                "SEARCH r USING INDEX reports_bet_observed (bet_id=? AND observed_at>? AND observed_at<?)"
            )),
            "{plan:?}"
        );
    }

    /// Each bet's last 20 uncorrected reports before a window: corrected reports are left out
    /// without shortening it (PostgreSQL reads one more row a bet for each correction), a
    /// correction that was corrected in turn counts no more, reports after the bound and bets
    /// that are not active are not read, and rows come in bet, time and id order. Runs on
    /// SQLite, and on the PostgreSQL server `HORSERACE_TEST_POSTGRES` names, if any.
    #[test]
    fn the_history_leaves_out_corrected_reports_and_keeps_its_length() {
        let mut sqlite = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        history_of_corrected_bets(&mut sqlite, "PRAGMA foreign_keys = OFF");
        if let Some((_db, mut pg)) = postgres_database("history") {
            history_of_corrected_bets(&mut pg, "SET session_replication_role = replica");
        }
    }

    fn history_of_corrected_bets(conn: &mut DbConnection, without_foreign_keys: &str) {
        run_migrations(conn).unwrap();
        let day = |d: i64| format!("'2026-01-{d:02} 00:00:00'");
        let bets: Vec<String> = [(1, "active"), (2, "active"), (3, "killed")]
            .iter()
            .map(|(id, status)| {
                format!(
                    "({id}, 'b{id}', 1, 1, 'b', '', 'm', 'u', 'higher_is_better', 0, 'explore', \
                     '{status}', 1, {})",
                    day(1)
                )
            })
            .collect();
        // (id, bet, day, the report it corrects)
        let mut reports: Vec<(i64, i64, i64, Option<i64>)> =
            (1..=31).map(|d| (d, 1, d, None)).collect();
        reports.extend((1..=6).map(|k| (100 + k, 1, 24 + k, Some(24 + k))));
        reports.push((107, 1, 28, Some(104)));
        reports.extend((1..=3).map(|d| (200 + d, 2, d, None)));
        reports.extend((1..=5).map(|d| (300 + d, 3, d, None)));
        let reports: Vec<String> = reports
            .iter()
            .map(|(id, bet, d, corrects)| {
                let corrects = corrects.map_or("NULL".to_owned(), |c| c.to_string());
                format!(
                    "({id}, {bet}, 1.0, {}, 1, {}, {corrects})",
                    day(*d),
                    day(*d)
                )
            })
            .collect();
        conn.batch_execute(&format!(
            "{without_foreign_keys}; \
             INSERT INTO bets (id, slug, arena_id, team_id, title, thesis, metric_name, \
             metric_unit, direction, baseline, stage, status, created_by, created_at) VALUES {}; \
             INSERT INTO reports (id, bet_id, value, observed_at, reported_by, received_at, \
             supersedes) VALUES {};",
            bets.join(", "),
            reports.join(", ")
        ))
        .unwrap();
        let before = chrono::NaiveDate::from_ymd_opt(2026, 1, 30)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let ids = |points: Vec<super::EvidencePoint>| -> Vec<(i64, i64)> {
            points.iter().map(|p| (p.bet_id, p.id)).collect()
        };
        let mut expected: Vec<(i64, i64)> = (11..=24).map(|id| (1, id)).collect();
        expected.extend([101, 102, 103, 107, 105, 106].map(|id| (1, id)));
        expected.extend((201..=203).map(|id| (2, id)));
        let all = super::EvidencePoint::history_before(conn, before, 20, None).unwrap();
        assert_eq!(ids(all), expected);
        let only = super::EvidencePoint::history_before(conn, before, 20, Some(&[2, 3])).unwrap();
        assert_eq!(ids(only), vec![(2, 201), (2, 202), (2, 203)]);
    }
}
