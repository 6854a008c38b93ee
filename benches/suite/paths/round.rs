//! Rounds and the engine: a round's preview and commit beside a bare scan of the same reports,
//! and the engine alone.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::connection::{POOL_WAIT, connect};
use horserace::db::schema::reports;
use horserace::domain::Money;
use horserace::engine::{Policy, evaluate};
use horserace::services::rounds::evidence::{Terms, gather};
use horserace::services::rounds::{self, RoundForm, lifecycle};

use crate::data;
use crate::measure::{Samples, millis, repeat};
use crate::{Line, Scale};

use super::admin;

/// The bare scan a round cannot beat: the same reports' (bet id, value, observed_at), read
/// over the same connection.
fn scan(conn: &mut DbConnection, after: NaiveDateTime, until: NaiveDateTime) -> usize {
    reports::table
        .filter(reports::observed_at.gt(after))
        .filter(reports::observed_at.le(until))
        .select((reports::bet_id, reports::value, reports::observed_at))
        .load::<(i64, f64, NaiveDateTime)>(conn)
        .expect("scan")
        .len()
}

pub(super) fn round_and_engine(scale: Scale, postgres: Option<&str>) -> Vec<Line> {
    let db = data::database(postgres, "round");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    eprintln!(
        "building {} bets x {} reports",
        scale.bets, scale.reports_per_bet
    );
    let p = data::portfolio(
        &pool,
        scale.bets,
        scale.reports_per_bet,
        100.min(scale.bets),
    );
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let window_start = p.start - TimeDelta::seconds(1);
    let scans = repeat(scale.runs, || {
        millis(|| {
            let n = scan(conn, window_start.naive_utc(), p.now.naive_utc());
            assert_eq!(n, scale.bets * scale.reports_per_bet);
        })
    });
    let form = |minutes: i64| round_form(p.now - TimeDelta::minutes(minutes), window_start);
    let draft = lifecycle::create(conn, &admin(), form(30), p.now).unwrap();
    let previews = repeat(scale.runs, || {
        millis(|| {
            rounds::preview(conn, draft.id, p.now).unwrap();
        })
    });
    let engine = engine_alone(conn, draft.id);
    // Commits: each a new round over the same window, in as_of order.
    let mut commits = Vec::new();
    for k in 0..scale.runs {
        let id = if k == 0 {
            draft.id
        } else {
            lifecycle::create(
                conn,
                &admin(),
                form(30 - 5 * i64::try_from(k).unwrap()),
                p.now,
            )
            .unwrap()
            .id
        };
        commits.push(millis(|| {
            rounds::commit(conn, &admin(), id, p.now).unwrap();
        }));
    }
    let commits = Samples(commits);
    let (history_previews, history_scans) = preview_with_history(conn, scale, &p);
    let ratio = |s: &Samples| s.median() / scans.median();
    vec![
        Line {
            path: "round preview end to end",
            ratio: Some(ratio(&previews)),
            met: ratio(&previews) <= 1.5,
            measured: previews,
            unit: "ms",
            ceiling_name: "bare SQL scan of the same reports",
            ceiling: Some(scans.clone()),
            target: "<= 1.5 x the scan",
            note: format!(
                "{} bets, {} reports in the window",
                scale.bets,
                scale.bets * scale.reports_per_bet
            ),
        },
        Line {
            path: "round commit end to end",
            ratio: Some(ratio(&commits)),
            met: ratio(&commits) <= 1.5,
            measured: commits,
            unit: "ms",
            ceiling_name: "bare SQL scan of the same reports",
            ceiling: Some(scans),
            target: "<= 1.5 x the scan",
            note: String::new(),
        },
        history_line(scale, history_previews, history_scans),
        engine_line(engine),
    ]
}

/// The engine alone, on the evidence the round gathered.
fn engine_alone(conn: &mut DbConnection, draft: i64) -> Samples {
    let terms = Terms::of(
        &horserace::db::rounds::Round::find_listing(conn, draft)
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    let gathered = gather(conn, &terms, None).unwrap();
    repeat(5, || {
        millis(|| {
            evaluate(&gathered.input).unwrap();
        })
    })
}

/// The preview of a round whose window holds half the reports, beside the scan of that half.
fn history_line(scale: Scale, previews: Samples, scans: Samples) -> Line {
    let ratio = previews.median() / scans.median();
    Line {
        path: "round preview, history before the window",
        ratio: Some(ratio),
        met: ratio <= 1.5,
        measured: previews,
        unit: "ms",
        ceiling_name: "bare SQL scan of the reports in the window",
        ceiling: Some(scans),
        target: "<= 1.5 x the scan",
        note: format!(
            "the window holds the last half of every bet's reports ({} in it, as many before it, \
             which the outlier check looks back on)",
            scale.bets * (scale.reports_per_bet / 2)
        ),
    }
}

/// The engine's own time, against an absolute target.
fn engine_line(engine: Samples) -> Line {
    Line {
        path: "engine alone",
        ratio: None,
        met: engine.median() < 100.0,
        measured: engine,
        unit: "ms",
        ceiling_name: "(absolute, one core)",
        ceiling: None,
        target: "< 100 ms",
        note: String::new(),
    }
}

/// A round of the suite: a budget large enough for every bet, the default policy.
fn round_form(as_of: DateTime<Utc>, window_start: DateTime<Utc>) -> RoundForm {
    RoundForm {
        budget: Money::parse("b", 100_000_000_000).unwrap(),
        as_of,
        window_start: Some(window_start),
        policy: Policy::default(),
    }
}

/// A round whose window holds only the later half of every bet's reports: the earlier half is
/// history, which a round reads only to judge outliers at the start of its window. A portfolio
/// that has run for a while looks like this; the main round's window holds every report, so it
/// would not show what reading that history costs.
fn preview_with_history(
    conn: &mut DbConnection,
    scale: Scale,
    p: &data::Portfolio,
) -> (Samples, Samples) {
    let half = (p.now - p.start) / 2;
    let window_start = p.start + half;
    let in_window = scale.bets * (scale.reports_per_bet / 2);
    let scans = repeat(scale.runs, || {
        millis(|| {
            let n = scan(conn, window_start.naive_utc(), p.now.naive_utc());
            assert_eq!(n, in_window, "the later half of the reports");
        })
    });
    let form = round_form(p.now - TimeDelta::minutes(1), window_start);
    let draft = lifecycle::create(conn, &admin(), form, p.now).unwrap();
    let previews = repeat(scale.runs, || {
        millis(|| {
            rounds::preview(conn, draft.id, p.now).unwrap();
        })
    });
    (previews, scans)
}
