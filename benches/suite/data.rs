//! Fixtures: a fresh database (a SQLite file, or a PostgreSQL database made for the run) and a
//! portfolio of any size, written with multi-row inserts so that building a million reports
//! takes seconds. The numbers come from a fixed seed.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::RunQueryDsl;
use horserace::db::bets::{NewBet, NewThreshold};
use horserace::db::reports::NewReport;
use horserace::db::schema::{bets, ledger_entries, reports, round_results, rounds, thresholds};
use horserace::db::scratch::ScratchDatabase;
use horserace::db::{DatabaseUrl, DbConnection, Pool};
use horserace::domain::{Actor, ApiToken, Currency, Description, Name, Role, TeamKind};
use horserace::services::directory;
use horserace::services::users::{UserForm, bootstrap, create_user};

pub const ADMIN: &str = "bench-admin-token-0123456789";

/// SplitMix64: the same data every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "53 random bits fit an f64 exactly"
    )]
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An index below `len` (len > 0): `next() % len`.
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(len).unwrap()).unwrap()
    }
}

/// A database that lives as long as the value: a SQLite file in a temporary directory, or a
/// scratch database on the PostgreSQL server (`horserace::db::scratch`).
pub struct Database {
    pub url: DatabaseUrl,
    pub text: String,
    _dir: Option<tempfile::TempDir>,
    _postgres: Option<ScratchDatabase>,
}

pub fn database(postgres: Option<&str>, label: &str) -> Database {
    match postgres {
        Some(server) => {
            let scratch = ScratchDatabase::create(server, &format!("bench_{label}"))
                .expect("the PostgreSQL server answers and makes the bench database");
            let text = scratch.url().to_owned();
            Database {
                url: DatabaseUrl::parse(&text).unwrap(),
                text,
                _dir: None,
                _postgres: Some(scratch),
            }
        }
        None => {
            let dir = tempfile::tempdir().unwrap();
            let text = dir
                .path()
                .join(format!("{label}.db"))
                .to_str()
                .unwrap()
                .to_owned();
            Database {
                url: DatabaseUrl::parse(&text).unwrap(),
                text,
                _dir: Some(dir),
                _postgres: None,
            }
        }
    }
}

/// What a built portfolio holds.
pub struct Portfolio {
    pub bets: Vec<i64>,
    pub bet_team: Vec<i64>,
    pub start: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

fn exec_batch<T>(
    conn: &mut DbConnection,
    rows: &[T],
    insert: impl Fn(&mut DbConnection, &[T]) -> diesel::QueryResult<usize>,
) {
    for chunk in rows.chunks(1_000) {
        insert(conn, chunk).expect("fixture insert");
    }
}

macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        exec_batch($conn, $rows, |conn, chunk| match conn {
            DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c),
            DbConnection::Postgresql(c) => diesel::insert_into($table).values(chunk).execute(c),
        })
    };
}

/// `bets` active bets over `teams` teams, each with `reports_per_bet` reports in the last 90
/// days (higher is better, baseline 100, threshold 120, trends that beat, miss or wander).
pub fn portfolio(pool: &Pool, bets_n: usize, reports_per_bet: usize, teams_n: usize) -> Portfolio {
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let now = horserace::domain::time::now();
    let start = now - TimeDelta::days(90);
    let (arena, members) = seed_directory(conn, teams_n, now);
    let ids = insert_bets(conn, arena, &members, bets_n, start, now);
    insert_reports(conn, &ids, reports_per_bet, start, now);
    let bet_team = ids
        .iter()
        .map(|i| members[usize::try_from(*i - 1).unwrap() % teams_n].0)
        .collect();
    settle(conn);
    Portfolio {
        bets: ids,
        bet_team,
        start,
        now,
    }
}

/// The committee (with the bench's token), the arena, and `teams_n` teams with a member each:
/// the arena's id and each team's (id, member token).
fn seed_directory(
    conn: &mut DbConnection,
    teams_n: usize,
    now: DateTime<Utc>,
) -> (i64, Vec<(i64, String)>) {
    bootstrap(
        conn,
        &Currency::usd(),
        Some(ApiToken::parse("t", ADMIN).unwrap()),
        now,
    )
    .unwrap();
    let admin = Actor {
        user_id: 1,
        name: "admin".into(),
        role: Role::Committee,
        team_id: None,
    };
    let arena = directory::create_arena(
        conn,
        &admin,
        &Name::parse("n", "Bench arena").unwrap(),
        &Description::parse("d", "").unwrap(),
        now,
    )
    .unwrap();
    let mut members = Vec::new();
    for t in 0..teams_n {
        let team = directory::create_team(
            conn,
            &admin,
            &Name::parse("n", &format!("Team {t}")).unwrap(),
            TeamKind::Internal,
            10,
            now,
        )
        .unwrap();
        let (_, issued) = create_user(
            conn,
            &admin,
            UserForm {
                name: Name::parse("n", &format!("member{t}")).unwrap(),
                role: Role::Member,
                team_id: Some(team.id),
            },
            now,
        )
        .unwrap();
        members.push((team.id, issued.secret.expose().to_owned()));
    }
    (arena.id, members)
}

/// `bets_n` active bets spread over the teams, each with a threshold of 120 in force since the
/// day before `start`; their ids, 1 to `bets_n`.
fn insert_bets(
    conn: &mut DbConnection,
    arena: i64,
    members: &[(i64, String)],
    bets_n: usize,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<i64> {
    let teams_n = members.len();
    let forms: Vec<NewBet> = (0..bets_n)
        .map(|i| NewBet {
            slug: format!("bet-{i}"),
            arena_id: arena,
            team_id: members[i % teams_n].0,
            title: "A bench bet",
            thesis: "",
            metric_name: "users",
            metric_unit: "users",
            direction: "higher_is_better",
            baseline: 100.0,
            seed_request: None,
            stage: horserace::domain::Stage::Explore,
            status: horserace::domain::BetStatus::Active,
            created_by: 1,
            created_at: now.naive_utc(),
        })
        .collect();
    insert_all!(conn, bets::table, &forms);
    let ids: Vec<i64> = (1..=i64::try_from(bets_n).unwrap()).collect();
    let thresholds_rows: Vec<NewThreshold> = ids
        .iter()
        .map(|&bet_id| NewThreshold {
            bet_id,
            target: 120.0,
            effective_from: (start - TimeDelta::days(1)).naive_utc(),
            created_by: 1,
            created_at: now.naive_utc(),
        })
        .collect();
    insert_all!(conn, thresholds::table, &thresholds_rows);
    ids
}

/// `reports_per_bet` reports for each bet, evenly spaced over the 90 days from `start`, on a
/// trend of the bet's own (a seeded slope and noise), written 100,000 a transaction.
fn insert_reports(
    conn: &mut DbConnection,
    ids: &[i64],
    reports_per_bet: usize,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let mut rng = Rng(0x5EED_BE4C);
    let mut batch = Vec::with_capacity(100_000);
    for (i, &bet_id) in ids.iter().enumerate() {
        let slope = (rng.unit() - 0.3) * 0.6;
        let noise = 1.0 + rng.unit() * 5.0;
        for k in 0..reports_per_bet {
            let at = start
                + TimeDelta::seconds(
                    (90 * 86_400 - 3_600) * i64::try_from(k + 1).unwrap()
                        / i64::try_from(reports_per_bet).unwrap(),
                );
            let days = f64::from(i32::try_from((at - start).num_seconds()).unwrap()) / 86_400.0;
            batch.push(NewReport {
                bet_id,
                value: 100.0 + slope * days + noise * (rng.unit() - 0.5),
                observed_at: at.naive_utc().into(),
                reported_by: 1,
                received_at: now.naive_utc().into(),
                source: None,
                idempotency_key: None,
                request_digest: None,
                supersedes: None,
            });
        }
        if batch.len() >= 100_000 || i + 1 == ids.len() {
            horserace::db::write_transaction(conn, |c| {
                insert_all!(c, reports::table, &batch);
                Ok::<_, diesel::result::Error>(())
            })
            .unwrap();
            batch.clear();
        }
    }
}

/// `count` committed rounds of history over every bet: results and ledger entries, written
/// directly (the portfolio page reads them; it does not recompute them).
pub fn round_history(pool: &Pool, portfolio: &Portfolio, count: usize) {
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let mut rng = Rng(0x5EED_4157);
    let accounts = horserace::db::ledger::Account::list(conn).unwrap();
    let portfolio_account = accounts
        .iter()
        .find(|a| a.kind == horserace::domain::AccountKind::Portfolio)
        .unwrap()
        .id;
    let team_account = |team: i64| {
        accounts
            .iter()
            .find(|a| a.team_id == Some(team) && a.kind == horserace::domain::AccountKind::Team)
            .unwrap()
            .id
    };
    let policy = serde_json::to_string(&horserace::engine::Policy::default()).unwrap();
    for r in 0..count {
        let round_id = i64::try_from(r + 1).unwrap();
        let as_of = portfolio.start - TimeDelta::days(7 * i64::try_from(count - r).unwrap());
        let budget = 1_000_000_000i64;
        let mut results = Vec::with_capacity(portfolio.bets.len());
        let mut entries = Vec::new();
        let mut granted_total = 0;
        for (i, &bet) in portfolio.bets.iter().enumerate() {
            let granted = if rng.unit() < 0.9 {
                random_grant(&mut rng)
            } else {
                0
            };
            granted_total += granted;
            results.push(horserace::db::rounds::NewRoundResult {
                round_id,
                bet_id: bet,
                team_id: portfolio.bet_team[i],
                n: 10,
                level: Some(110.0),
                se: Some(2.0),
                nu: Some(8),
                threshold: 120.0,
                p_beat: Some(rng.unit()),
                outcome: "uncertain",
                streak: 0,
                progress: Some(0.5),
                fitness: 0.5,
                weight: 1.0,
                prev_grant: 0,
                target: f64::from(i32::try_from(granted).unwrap()),
                granted,
                pinned: false,
                kill_waived: false,
                decision: if granted > 0 { "increase" } else { "cut" },
                reasons: "[]".into(),
                last_report_at: None,
                stale: false,
                outlier_report_ids: "[]".into(),
            });
            if granted > 0 {
                entries.push(
                    horserace::db::ledger::NewEntry::grant(
                        portfolio_account,
                        team_account(portfolio.bet_team[i]),
                        granted,
                        round_id,
                        bet,
                    )
                    .memo(format!("round {}", r + 1))
                    .at(as_of.naive_utc()),
                );
            }
        }
        horserace::db::write_transaction(conn, |c| {
            diesel::insert_into(rounds::table)
                .values((
                    rounds::id.eq(round_id),
                    rounds::budget.eq(budget),
                    rounds::currency.eq("USD"),
                    rounds::as_of.eq(as_of.naive_utc()),
                    rounds::policy.eq(&policy),
                    rounds::status.eq("committed"),
                    rounds::created_by.eq(1),
                    rounds::created_at.eq(as_of.naive_utc()),
                    rounds::committed_by.eq(1),
                    rounds::committed_at.eq(as_of.naive_utc()),
                    rounds::reserve.eq(budget - granted_total),
                ))
                .execute(c)?;
            insert_all!(c, round_results::table, &results);
            insert_all!(c, ledger_entries::table, &entries);
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    }
    settle(conn);
}

/// A grant of history: up to 150,000 minor units, uniform.
#[expect(
    clippy::cast_possible_truncation,
    reason = "a random whole amount: unit() * 150,000 (in 0..150,000) truncated to minor units"
)]
fn random_grant(rng: &mut Rng) -> i64 {
    (rng.unit() * 150_000.0) as i64
}

/// PostgreSQL plans from statistics its autovacuum gathers a minute or so after a bulk load; a
/// portfolio with months of reports and rounds has long had them. Gather them right after
/// loading, as the paths would meet them, instead of measuring plans made for empty tables
/// (a round's "which reports were corrected" read all 1,000,000 reports on such a plan).
pub fn settle(conn: &mut DbConnection) {
    if let DbConnection::Postgresql(c) = conn {
        use diesel::connection::SimpleConnection;
        c.batch_execute("VACUUM ANALYZE").unwrap();
    }
}

use diesel::ExpressionMethods;
