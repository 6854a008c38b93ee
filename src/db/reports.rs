//! Reports: observations of a bet's metric. Only ever inserted; a correction is a new row
//! whose `supersedes` names the report it replaces.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::instant::StoredInstant;
use super::prepared_insert::{InsertRun, insert_in_runs};
use super::schema::reports;

diesel::alias!(reports as corrections: CorrectionsAlias);

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i64,
    pub bet_id: i64,
    pub value: f64,
    pub observed_at: NaiveDateTime,
    pub reported_by: i64,
    pub received_at: NaiveDateTime,
    pub source: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_digest: Option<String>,
    pub supersedes: Option<i64>,
}

/// `None` is inserted as NULL, not DEFAULT, so many rows go in one multi-row INSERT on SQLite.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reports, treat_none_as_default_value = false)]
pub struct NewReport {
    pub bet_id: i64,
    pub value: f64,
    pub observed_at: StoredInstant,
    pub reported_by: i64,
    pub received_at: StoredInstant,
    pub source: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_digest: Option<String>,
    pub supersedes: Option<i64>,
}

impl InsertRun<NewReport> for Report {
    type Out = Vec<Report>;

    fn insert<const N: usize>(
        conn: &mut DbConnection,
        rows: &[NewReport; N],
    ) -> QueryResult<Vec<Report>> {
        // The multi-backend connection cannot express a multi-row INSERT; each backend can.
        match conn {
            // SQLite keeps exactly the values bound (timestamps as the text `StoredInstant`
            // wrote), so a stored row is its form plus its id; reading the rows back cost the
            // report writer more than inserting them.
            DbConnection::Sqlite(c) => {
                let mut ids: Vec<i64> = diesel::insert_into(reports::table)
                    .values(rows)
                    .returning(reports::id)
                    .get_results(c)?;
                // RETURNING order is not promised by either backend; ids ascend in insert order.
                ids.sort_unstable();
                Ok(ids
                    .into_iter()
                    .zip(rows)
                    .map(|(id, row)| Report::stored_as(id, row.clone()))
                    .collect())
            }
            // PostgreSQL rounds timestamps to microseconds: it answers with what it kept.
            DbConnection::Postgresql(c) => {
                let mut stored: Vec<Report> = diesel::insert_into(reports::table)
                    .values(rows)
                    .returning(reports::all_columns)
                    .get_results(c)?;
                stored.sort_by_key(|r| r.id);
                Ok(stored)
            }
        }
    }
}

/// A report and the id of the correction that replaced it, if any.
pub type ReportWithCorrection = (Report, Option<i64>);

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

/// The stored reports of a list of (bet, key) pairs, on PostgreSQL. Each pair probes the
/// idempotency index through a `LATERAL` subquery: a plain join left the choice to the planner,
/// and with statistics gathered before any keyed report (a new portfolio's first import, one
/// transaction adding a million keyed rows) it merge-joined against the whole index for every
/// 1,000 keys, which made an import quadratic.
/// Its columns are named in the order of [`Report`]'s fields, which read them by position.
const KEYS_AT_ONCE: [&str; 3] = [
    "SELECT r.id, r.bet_id, r.value, r.observed_at, r.reported_by, r.received_at, r.source, \
     r.idempotency_key, r.request_digest, r.supersedes FROM unnest(",
    "::bigint[], ",
    "::text[]) AS k (bet_id, idempotency_key) CROSS JOIN LATERAL (SELECT * FROM reports \
     WHERE reports.idempotency_key = k.idempotency_key AND reports.bet_id = k.bet_id LIMIT 1) AS r",
];

/// [`KEYS_AT_ONCE`] with its two arrays bound, as a query type of its own: diesel keeps it
/// prepared, where an `sql_query` is parsed and planned by the server on every call (once per
/// group commit of single reports).
struct KeysAtOnce<'a> {
    bets: Vec<i64>,
    names: Vec<&'a str>,
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for KeysAtOnce<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Text};
        let [head, between, tail] = KEYS_AT_ONCE;
        out.push_sql(head);
        out.push_bind_param::<Array<BigInt>, _>(&self.bets)?;
        out.push_sql(between);
        out.push_bind_param::<Array<Text>, _>(&self.names)?;
        out.push_sql(tail);
        Ok(())
    }
}

/// One statement whatever the arrays hold, so one cached statement.
impl diesel::query_builder::QueryId for KeysAtOnce<'_> {
    type QueryId = KeysAtOnce<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for KeysAtOnce<'_> {
    type SqlType = diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<Report, diesel::pg::Pg>>;
}

impl RunQueryDsl<diesel::PgConnection> for KeysAtOnce<'_> {}

/// PostgreSQL takes the pairs as a table of its own and probes the idempotency index for each:
/// one round trip for a whole batch, where one statement per key cost a round trip per report.
fn find_by_keys_at_once(
    c: &mut diesel::PgConnection,
    keys: &[(i64, &str)],
) -> QueryResult<Vec<Report>> {
    let mut found = Vec::new();
    for chunk in keys.chunks(10_000) {
        let (bets, names) = chunk.iter().copied().unzip();
        found.extend(KeysAtOnce { bets, names }.load::<Report>(c)?);
    }
    Ok(found)
}

/// The reports of a bet stored under one idempotency key (at most one).
type ByKey<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<reports::table, diesel::dsl::Eq<reports::bet_id, i64>>,
    diesel::dsl::Eq<reports::idempotency_key, &'a str>,
>;

/// Up to this many keys of one bet are looked up one by one with a prepared statement.
const FEW_KEYS: usize = 8;

impl Report {
    /// The row that storing `form` under `id` made.
    fn stored_as(id: i64, form: NewReport) -> Report {
        let NewReport {
            bet_id,
            value,
            observed_at,
            reported_by,
            received_at,
            source,
            idempotency_key,
            request_digest,
            supersedes,
        } = form;
        Report {
            id,
            bet_id,
            value,
            observed_at: observed_at.0,
            reported_by,
            received_at: received_at.0,
            source,
            idempotency_key,
            request_digest,
            supersedes,
        }
    }

    pub fn insert(conn: &mut DbConnection, form: &NewReport) -> QueryResult<Report> {
        diesel::insert_into(reports::table)
            .values(form)
            .returning(reports::all_columns)
            .get_result(conn)
    }

    /// Inserts many reports with multi-row INSERTs kept prepared; returns them in the order
    /// given.
    pub fn insert_many(conn: &mut DbConnection, forms: &[NewReport]) -> QueryResult<Vec<Report>> {
        let runs = insert_in_runs::<NewReport, Report>(conn, forms)?;
        Ok(runs.into_iter().flatten().collect())
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Report>> {
        reports::table
            .find(id)
            .select(Report::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_key(
        conn: &mut DbConnection,
        bet_id: i64,
        key: &str,
    ) -> QueryResult<Option<Report>> {
        // On the concrete connection: the group commit asks this for every keyed report.
        let query = Report::by_key(bet_id, key);
        on_each_backend!(conn, |c| query
            .select(Report::as_select())
            .first(c)
            .optional())
    }

    /// The report stored under a (bet, idempotency key) pair; the partial unique index
    /// `reports_idempotency_key` answers it (a test checks SQLite's plan).
    fn by_key(bet_id: i64, key: &str) -> ByKey<'_> {
        reports::table
            .filter(reports::bet_id.eq(bet_id))
            .filter(reports::idempotency_key.eq(key))
    }

    /// Stored reports with these (bet, idempotency key) pairs. On SQLite, bet by bet so that the
    /// idempotency index answers; on PostgreSQL, where every statement is a round trip, at once.
    pub fn find_by_keys(conn: &mut DbConnection, keys: &[(i64, &str)]) -> QueryResult<Vec<Report>> {
        if let DbConnection::Postgresql(c) = conn {
            return find_by_keys_at_once(c, keys);
        }
        let mut by_bet: std::collections::BTreeMap<i64, Vec<&str>> =
            std::collections::BTreeMap::new();
        for (bet, key) in keys {
            by_bet.entry(*bet).or_default().push(key);
        }
        let mut found = Vec::new();
        for (bet, keys) in by_bet {
            // A few keys of a bet (single reports from many teams in one group commit) take
            // the statement diesel keeps prepared; an IN list is compiled afresh every time,
            // which pays only for the many keys of a batch.
            if keys.len() <= FEW_KEYS {
                for key in keys {
                    found.extend(Report::find_by_key(conn, bet, key)?);
                }
                continue;
            }
            for chunk in keys.chunks(500) {
                found.extend(
                    reports::table
                        .filter(reports::bet_id.eq(bet))
                        .filter(reports::idempotency_key.eq_any(chunk))
                        .select(Report::as_select())
                        .load(conn)?,
                );
            }
        }
        Ok(found)
    }

    /// The id of the correction that replaced this report, if any.
    pub fn superseded_by(conn: &mut DbConnection, id: i64) -> QueryResult<Option<i64>> {
        reports::table
            .filter(reports::supersedes.eq(id))
            .select(reports::id)
            .first(conn)
            .optional()
    }

    /// A page of the bet's reports, newest observation first, each with the id of the
    /// correction that replaced it; and the total.
    pub fn page_for_bet(
        conn: &mut DbConnection,
        bet_id: i64,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<ReportWithCorrection>, i64)> {
        let total = reports::table
            .filter(reports::bet_id.eq(bet_id))
            .count()
            .get_result(conn)?;
        let rows = reports::table
            .left_join(
                corrections.on(corrections
                    .field(reports::supersedes)
                    .eq(reports::id.nullable())),
            )
            .filter(reports::bet_id.eq(bet_id))
            .select((
                Report::as_select(),
                corrections.field(reports::id).nullable(),
            ))
            .order((reports::observed_at.desc(), reports::id.desc()))
            .offset(offset)
            .limit(limit)
            .load(conn)?;
        Ok((rows, total))
    }

    pub fn count_for_bet(conn: &mut DbConnection, bet_id: i64) -> QueryResult<i64> {
        reports::table
            .filter(reports::bet_id.eq(bet_id))
            .count()
            .get_result(conn)
    }
}

/// A report as a round reads it: the fields the engine needs and its id.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName)]
pub struct EvidencePoint {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub bet_id: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub value: f64,
    #[diesel(sql_type = diesel::sql_types::Timestamp, deserialize_as = super::instant::StoredInstant)]
    pub observed_at: NaiveDateTime,
}

impl From<super::instant::StoredInstant> for NaiveDateTime {
    fn from(at: super::instant::StoredInstant) -> Self {
        at.0
    }
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
    use diesel::pg::PgConnection;
    use diesel::prelude::*;
    use diesel::sqlite::{Sqlite, SqliteConnection};

    use super::Report;
    use crate::db::DbConnection;
    use crate::db::connection::run_migrations;

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    /// SQLite's plan for `sql` over a freshly migrated database, one step a line.
    fn sqlite_plan(sql: &str) -> Vec<String> {
        let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        run_migrations(&mut conn).unwrap();
        let DbConnection::Sqlite(c) = &mut conn else {
            unreachable!("opened as SQLite")
        };
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<PlanStep>(c)
            .unwrap()
            .into_iter()
            .map(|step| step.detail)
            .collect()
    }

    /// A partial index answers only queries that imply its condition; if the planner stopped
    /// using it, every keyed report would scan its bet's reports and no test would notice.
    #[test]
    fn a_key_lookup_uses_the_idempotency_index() {
        let query = Report::by_key(7, "k").select(Report::as_select()).limit(1);
        let sql = diesel::debug_query::<Sqlite, _>(&query).to_string();
        let sql = sql.split(" -- binds:").next().unwrap();
        let plan = sqlite_plan(sql);
        assert!(
            plan.iter()
                .any(|d| d.contains("INDEX reports_idempotency_key")),
            "{sql}\n{plan:?}"
        );
    }

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

    /// The statistics a new portfolio's first import meets: gathered while no report had a key,
    /// then 300,000 keyed reports added in one transaction. The batch lookup must still probe
    /// the index key by key (a merge join read the whole index for every 1,000 keys). Runs on
    /// the PostgreSQL server `HORSERACE_TEST_POSTGRES` names, if any.
    #[test]
    fn a_batch_key_lookup_probes_the_index_whatever_the_statistics() {
        let Some(server) = postgres_server() else {
            return;
        };
        let db = ScratchPostgres::create(&server, "keys");
        let mut conn = DbConnection::Postgresql(PgConnection::establish(&db.url).unwrap());
        run_migrations(&mut conn).unwrap();
        let DbConnection::Postgresql(c) = &mut conn else {
            unreachable!("opened as PostgreSQL")
        };
        // Reports for bets that do not exist: the foreign keys are not what is tested here.
        let insert = |keyed: &str, n: i32| {
            format!(
                "INSERT INTO reports (bet_id, value, observed_at, reported_by, received_at, \
                 idempotency_key) SELECT g % 1000, 1.0, now(), 1, now(), {keyed} \
                 FROM generate_series(1, {n}) g"
            )
        };
        c.batch_execute(&format!(
            "SET session_replication_role = replica; {}; ANALYZE reports;",
            insert("NULL", 2_000)
        ))
        .unwrap();
        c.batch_execute(&format!("BEGIN; {};", insert("'import-' || g", 300_000)))
            .unwrap();
        let bets: Vec<String> = (0..1_000).map(|g| g.to_string()).collect();
        let keys: Vec<String> = (0..1_000).map(|g| format!("import-{}", g * 7)).collect();
        let [head, between, tail] = super::KEYS_AT_ONCE;
        let sql = format!(
            "{head}'{{{}}}'{between}'{{{}}}'{tail}",
            bets.join(","),
            keys.join(",")
        );
        let plan: Vec<String> = diesel::sql_query(format!("EXPLAIN {sql}"))
            .load::<PgPlanLine>(c)
            .unwrap()
            .into_iter()
            .map(|line| line.plan)
            .collect();
        c.batch_execute("ROLLBACK").unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("Nested Loop"), "{plan}");
        assert!(
            plan.contains("Index Scan using reports_idempotency_key"),
            "{plan}"
        );
        assert!(
            !plan.contains("Merge Join") && !plan.contains("Hash Join"),
            "{plan}"
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
        if let Some(server) = postgres_server() {
            let db = ScratchPostgres::create(&server, "history");
            let mut pg = DbConnection::Postgresql(PgConnection::establish(&db.url).unwrap());
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

    fn postgres_server() -> Option<String> {
        std::env::var("HORSERACE_TEST_POSTGRES")
            .ok()
            .filter(|url| !url.is_empty())
    }

    #[derive(QueryableByName)]
    struct PgPlanLine {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        plan: String,
    }

    /// A database of its own on a PostgreSQL server, dropped with the test.
    struct ScratchPostgres {
        server: String,
        name: String,
        url: String,
    }

    impl ScratchPostgres {
        fn create(server_url: &str, label: &str) -> ScratchPostgres {
            let after = server_url.find("://").map_or(0, |i| i + 3);
            let server = match server_url[after..].find('/') {
                Some(slash) => server_url[..after + slash].to_owned(),
                None => server_url.trim_end_matches('/').to_owned(),
            };
            let name = format!("hr_unit_{label}_{}", std::process::id());
            let mut admin = PgConnection::establish(&format!("{server}/postgres")).unwrap();
            for statement in [
                format!("DROP DATABASE IF EXISTS {name}"),
                format!("CREATE DATABASE {name}"),
            ] {
                admin.batch_execute(&statement).unwrap();
            }
            let url = format!("{server}/{name}");
            ScratchPostgres { server, name, url }
        }
    }

    impl Drop for ScratchPostgres {
        fn drop(&mut self) {
            if let Ok(mut admin) = PgConnection::establish(&format!("{}/postgres", self.server)) {
                let _ = admin.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        }
    }
}
