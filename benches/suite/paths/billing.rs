//! A billing run (open, preview, commit) over every active subscription, beside the bare insert
//! of the ledger entries it posts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use horserace::db::connection::{POOL_WAIT, connect};
use horserace::db::ledger::{Account, Entry, NewEntry};
use horserace::db::schema::ledger_entries;
use horserace::db::{DbConnection, write_transaction};
use horserace::domain::{BillingPeriod, EntryKind, PeriodLength};
use horserace::services::market::billing::{self, Billing};

use crate::data;
use crate::market::{self, Teams};
use crate::measure::{Samples, millis};
use crate::{Line, Scale};

use super::admin;

/// The services of the fixture, each provided by a team of its own.
const SERVICES: usize = 20;

pub(super) fn billing_run(scale: Scale, postgres: Option<&str>) -> Line {
    let db = data::database(postgres, "billing");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    eprintln!("building {} subscriptions", scale.subscriptions);
    let p = data::portfolio(&pool, 1_000.min(scale.bets), 1, 100.min(scale.bets));
    // Grants of past rounds, so the teams pay from money they were given and a balance sums a
    // ledger with history; an overdraft limit besides, so that every charge is paid and the
    // run posts one entry a subscription (the ceiling inserts as many).
    data::round_history(&pool, &p, scale.rounds);
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let teams = Teams::of(conn, &p);
    for a in teams.accounts.values() {
        Account::set_overdraft_limit(conn, a.own, 1_000_000_000_000).unwrap();
    }
    // One run a month, for the `runs` months before the current one, oldest first.
    let current = BillingPeriod::containing(p.now, PeriodLength::MONTH);
    let first = (0..scale.runs).fold(current, |period, _| period.previous());
    let since = first.previous().start().naive_utc();
    let offers = market::offers(conn, &teams, SERVICES, since);
    let mut rng = data::Rng(0xB111_1A6E);
    market::subscriptions(
        conn,
        &teams,
        &offers,
        (scale.subscriptions, 0.0),
        since,
        &mut rng,
    );
    data::settle(conn);
    let (mut runs, mut previews, mut commits, mut ceiling) = (vec![], vec![], vec![], vec![]);
    let mut period = first;
    for _ in 0..scale.runs {
        // The run and its ceiling alternate, so that a slow moment of the machine hits both.
        let (times, billing, run_id) = run_once(conn, period, p.now.naive_utc());
        assert_eq!(billing.charges.len(), scale.subscriptions);
        assert_eq!(billing.unpaid, 0, "every charge is paid");
        runs.push(times.iter().sum());
        previews.push(times[1]);
        commits.push(times[2]);
        let rows: Vec<NewEntry> = billing
            .charges
            .iter()
            .map(|c| market::charge_entry(run_id, &billing.period, c, &teams, p.now.naive_utc()))
            .collect();
        ceiling.push(bare_insert(conn, &rows));
        period = period.next();
    }
    let (runs, ceiling) = (Samples(runs), Samples(ceiling));
    let ratio = runs.median() / ceiling.median();
    Line {
        path: "billing run (open, preview, commit)",
        ratio: Some(ratio),
        met: ratio <= 1.5,
        measured: runs,
        unit: "ms",
        ceiling_name: "bare insert of the same ledger entries, one transaction",
        ceiling: Some(ceiling),
        target: "<= 1.5 x the insert",
        note: format!(
            "{} subscriptions over {} teams and {SERVICES} services, each run posting one entry \
             a subscription; preview {:.0} ms, commit {:.0} ms (medians); the ledger held {} \
             grants before the first run",
            scale.subscriptions,
            teams.ids.len(),
            Samples(previews).median(),
            Samples(commits).median(),
            grants(conn),
        ),
    }
}

/// One billing run through the service layer, as the committee's three requests make it:
/// the milliseconds of opening, previewing and committing it, what it charged, and its id.
fn run_once(
    conn: &mut DbConnection,
    period: BillingPeriod,
    now: NaiveDateTime,
) -> ([f64; 3], Billing, i64) {
    let now = now.and_utc();
    let mut id = 0;
    let open = millis(|| id = billing::create(conn, &admin(), period, now).unwrap().id);
    let preview = millis(|| {
        billing::preview(conn, &admin(), id, now).unwrap();
    });
    let mut committed = None;
    let commit = millis(|| committed = Some(billing::commit(conn, &admin(), id, now).unwrap()));
    ([open, preview, commit], committed.unwrap(), id)
}

/// The ceiling: the run's entries stored by the insert the run itself uses, in one
/// transaction of their own. They are removed again afterwards (untimed), so that the next run
/// meets the ledger the runs alone made.
fn bare_insert(conn: &mut DbConnection, rows: &[NewEntry]) -> f64 {
    let last: Option<i64> = ledger_entries::table
        .select(diesel::dsl::max(ledger_entries::id))
        .get_result(conn)
        .unwrap();
    let took = millis(|| {
        write_transaction(conn, |c| Entry::insert_many(c, rows)).unwrap();
    });
    write_transaction(conn, |c| {
        diesel::delete(ledger_entries::table.filter(ledger_entries::id.gt(last.unwrap_or(0))))
            .execute(c)
    })
    .unwrap();
    data::settle(conn);
    took
}

/// How many grants (the round history) the ledger holds.
fn grants(conn: &mut DbConnection) -> i64 {
    ledger_entries::table
        .filter(ledger_entries::kind.eq(EntryKind::Grant))
        .count()
        .get_result(conn)
        .unwrap()
}
