//! A busy team's statement over a year of market entries: the server's own time for
//! `GET /api/v1/teams/{id}/statement`, beside the bare grouped sums of the same team's entries.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use horserace::db::connection::{POOL_WAIT, connect};
use horserace::db::ledger::{Entry, NewEntry};
use horserace::db::market::billing::{BillingRun, NewBillingRun, UnpaidCharge};
use horserace::db::schema::ledger_entries;
use horserace::db::{DbConnection, write_transaction};
use horserace::domain::{BillingPeriod, BillingRunStatus, EntryKind, PeriodLength};
use horserace::services::market::billing::Charge;

use crate::data::{self, ADMIN};
use crate::market::{self, Offer, Sub, Teams};
use crate::measure::{Samples, millis};
use crate::{Line, Scale};

use super::serve;

const SERVICES: usize = 20;
/// The busy team's share of the subscriptions and requests (a hundred teams share the rest).
const BUSY: f64 = 0.1;

pub(super) async fn statement(scale: Scale, postgres: Option<&str>) -> Line {
    let db = data::database(postgres, "statement");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    eprintln!(
        "building {} market entries over a year",
        scale.market_entries
    );
    let p = data::portfolio(&pool, 1_000.min(scale.bets), 1, 100.min(scale.bets));
    data::round_history(&pool, &p, scale.rounds);
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let teams = Teams::of(conn, &p);
    // The twelve whole months before the current one.
    let current = BillingPeriod::containing(p.now, PeriodLength::MONTH);
    let first = (0..12).fold(current, |period, _| period.previous());
    let (from, to) = (first.start(), current.start());
    let offers = market::offers(conn, &teams, SERVICES, first.previous().start().naive_utc());
    year_of_entries(conn, &teams, &offers, first, scale.market_entries);
    data::settle(conn);
    let busy = teams.accounts[&teams.ids[0]];
    let touched = entries_of(conn, [busy.own, busy.hold], (from, to));
    let base = serve(&db).await;
    let client = reqwest::Client::new();
    let url = format!(
        "{base}/api/v1/teams/{}/statement?from={}&to={}",
        teams.ids[0],
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let get = || async {
        let r = client.get(&url).bearer_auth(ADMIN).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let timing = r.headers()["server-timing"].to_str().unwrap().to_owned();
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["reconciles"], true);
        assert_eq!(body["periods"].as_array().unwrap().len(), 12);
        let server: f64 = timing.strip_prefix("app;dur=").unwrap().parse().unwrap();
        server
    };
    for _ in 0..3 {
        get().await;
    }
    // The statement and its ceiling alternate, so that a slow moment of the machine hits both.
    let (mut times, mut sums) = (Vec::new(), Vec::new());
    for _ in 0..scale.page_requests {
        times.push(get().await);
        sums.push(millis(|| {
            bare_sums(conn, [busy.own, busy.hold], (from, to))
        }));
    }
    let (times, sums) = (Samples(times), Samples(sums));
    let p95 = times.quantile(0.95);
    Line {
        path: "team statement over a year",
        ratio: Some(times.median() / sums.median()),
        met: p95 < 100.0,
        note: format!(
            "server time p95 {p95:.1} ms over {} requests (the sums p95 {:.1} ms); the busy \
             team's two accounts take part in {touched} of the year's {} market entries (and \
             the grants of {} rounds), 12 monthly periods",
            scale.page_requests,
            sums.quantile(0.95),
            scale.market_entries,
            scale.rounds,
        ),
        measured: times,
        unit: "ms",
        ceiling_name: "bare SQL sums of the team's entries in the year, by kind",
        ceiling: Some(sums),
        target: "p95 < 100 ms",
    }
}

/// A year of market entries, `n` in all (n / 20 subscriptions charged in each of 12 monthly
/// runs, and n / 5 requests, each a hold and then a payment or a release), plus one
/// subscription in a hundred that goes unpaid every month. Stored in time order, as they would
/// have been written.
fn year_of_entries(
    conn: &mut DbConnection,
    teams: &Teams,
    offers: &[Offer],
    first: BillingPeriod,
    n: usize,
) {
    let mut rng = data::Rng(0x57A7_E3E7);
    let start = first.start().naive_utc();
    let paying = n / 20;
    let subs = market::subscriptions(
        conn,
        teams,
        offers,
        (paying + paying / 100, BUSY),
        start,
        &mut rng,
    );
    let filed = market::requests(conn, teams, offers, (n / 5, BUSY), start, &mut rng);
    let mut entries: Vec<NewEntry> = Vec::with_capacity(n);
    let mut unpaid = Vec::new();
    let mut period = first;
    for _ in 0..12 {
        let run = committed_run(conn, period);
        let at = (period.start() + TimeDelta::days(1)).naive_utc();
        for (k, s) in subs.iter().enumerate() {
            let c = charge(s, offers, k < paying);
            if c.paid {
                entries.push(market::charge_entry(run, &period.label(), &c, teams, at));
            } else {
                unpaid.push(UnpaidCharge {
                    billing_run_id: run,
                    subscription_id: c.subscription_id,
                    service_id: c.service_id,
                    team_id: c.team_id,
                    provider_team_id: c.provider_team_id,
                    bet_id: c.bet_id,
                    amount: c.amount,
                    shortfall: c.amount,
                });
            }
        }
        period = period.next();
    }
    // Accepted anywhere in the year but its last fortnight, closed 1 to 14 days later.
    let seconds = (period.start() - first.start()).num_seconds() - 15 * 86_400;
    for r in &filed {
        let offset = i64::try_from(rng.next() % u64::try_from(seconds).unwrap()).unwrap();
        let at = start + TimeDelta::seconds(offset);
        let days = 1 + i64::try_from(rng.index(14)).unwrap();
        entries.extend(market::request_entries(r, offers, teams, at, days));
    }
    assert_eq!(entries.len(), n);
    entries.sort_by_key(|e| e.created_at);
    write_transaction(conn, |c| {
        Entry::insert_many(c, &entries)?;
        UnpaidCharge::insert_many(c, &unpaid)
    })
    .unwrap();
}

/// A committed billing run of the period, as its commit left it (the figures aside).
fn committed_run(conn: &mut DbConnection, period: BillingPeriod) -> i64 {
    let at = (period.start() + TimeDelta::days(1)).naive_utc();
    BillingRun::create(
        conn,
        &NewBillingRun {
            period_start: period.start().naive_utc(),
            period_end: period.end().naive_utc(),
            status: BillingRunStatus::Committed,
            created_by: 1,
            created_at: at,
        },
    )
    .unwrap()
    .id
}

/// One period's charge of a subscription.
fn charge(s: &Sub, offers: &[Offer], paid: bool) -> Charge {
    let o = &offers[s.offer];
    Charge {
        subscription_id: s.id,
        service_id: o.service,
        team_id: s.team,
        provider_team_id: o.provider,
        bet_id: s.bet,
        units: if o.per_seat { s.quantity } else { 1 },
        unit_price: o.price,
        amount: s.amount(offers),
        paid,
        shortfall: if paid { 0 } else { s.amount(offers) },
    }
}

/// The ceiling: what came into and went out of the two accounts in the range, summed by kind,
/// in two grouped queries over the same indexes the statement reads.
fn bare_sums(
    conn: &mut DbConnection,
    accounts: [i64; 2],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) {
    let (from, to) = (from.naive_utc(), to.naive_utc());
    let by_kind = |conn: &mut DbConnection, incoming: bool| {
        let q = ledger_entries::table
            .filter(ledger_entries::created_at.ge(from))
            .filter(ledger_entries::created_at.lt(to))
            .group_by(ledger_entries::kind)
            .select((
                ledger_entries::kind,
                sql::<BigInt>("CAST(SUM(amount) AS BIGINT)"),
            ))
            .into_boxed();
        let q = if incoming {
            q.filter(ledger_entries::to_account.eq_any(accounts))
        } else {
            q.filter(ledger_entries::from_account.eq_any(accounts))
        };
        q.load::<(EntryKind, i64)>(conn).unwrap()
    };
    let (incoming, outgoing) = (by_kind(conn, true), by_kind(conn, false));
    assert!(!incoming.is_empty() && !outgoing.is_empty());
}

/// How many entries of the range move money into or out of the accounts.
fn entries_of(
    conn: &mut DbConnection,
    accounts: [i64; 2],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> i64 {
    let range = |at: NaiveDateTime| at >= from.naive_utc() && at < to.naive_utc();
    ledger_entries::table
        .filter(ledger_entries::kind.ne(EntryKind::Grant))
        .filter(
            ledger_entries::from_account
                .eq_any(accounts)
                .or(ledger_entries::to_account.eq_any(accounts)),
        )
        .select(ledger_entries::created_at)
        .load::<NaiveDateTime>(conn)
        .unwrap()
        .into_iter()
        .filter(|at| range(*at))
        .count()
        .try_into()
        .unwrap()
}
