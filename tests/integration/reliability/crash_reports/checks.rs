//! What must hold after the crash and after the retries.

use super::traffic::Outcome;
use super::traffic::Row;
use super::traffic::Sent;
use crate::harness::{Api, at, count};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::reports::Report;
use horserace::db::schema::reports;
use reqwest::Method;
use std::collections::{BTreeMap, BTreeSet};

/// The stored reports whose key starts with `prefix`, by (bet, key).
pub(super) fn stored(
    conn: &mut DbConnection,
    prefix: &str,
) -> BTreeMap<(i64, String), Vec<Report>> {
    let rows: Vec<Report> = reports::table
        .filter(reports::idempotency_key.like(format!("{prefix}%")))
        .select(Report::as_select())
        .load(conn)
        .expect("load reports");
    let mut by_key: BTreeMap<(i64, String), Vec<Report>> = BTreeMap::new();
    for r in rows {
        let key = r.idempotency_key.clone().expect("a key");
        by_key.entry((r.bet_id, key)).or_default().push(r);
    }
    by_key
}

pub(super) fn matches_row(stored: &Report, row: &Row) -> bool {
    stored.value == row.value && at(stored.observed_at.and_utc()) == row.observed_at
}

/// What the database holds must be exactly what was acknowledged, plus whole unacknowledged
/// requests, and nothing else.
pub(super) fn check_after_crash(conn: &mut DbConnection, prefix: &str, sent: &[Sent]) {
    let stored = stored(conn, prefix);
    let mut expected: BTreeMap<(i64, String), &Row> = BTreeMap::new();
    for s in sent {
        for row in &s.request.rows {
            expected.insert((row.bet, row.key.clone()), row);
        }
    }
    for ((bet, key), rows) in &stored {
        assert_eq!(
            rows.len(),
            1,
            "bet {bet} key {key} is stored {} times",
            rows.len()
        );
        let row = expected
            .get(&(*bet, key.clone()))
            .unwrap_or_else(|| panic!("bet {bet} key {key} is stored but was never sent"));
        assert!(
            matches_row(&rows[0], row),
            "bet {bet} key {key}: stored {:?}, sent {row:?}",
            rows[0]
        );
    }
    for s in sent {
        let present: Vec<bool> = s
            .request
            .rows
            .iter()
            .map(|r| stored.contains_key(&(r.bet, r.key.clone())))
            .collect();
        match &s.outcome {
            Outcome::Acknowledged(ids) => {
                for (row, id) in s.request.rows.iter().zip(ids) {
                    let found = stored.get(&(row.bet, row.key.clone())).unwrap_or_else(|| {
                        panic!(
                            "acknowledged report {id} (bet {} key {}) was lost",
                            row.bet, row.key
                        )
                    });
                    assert_eq!(
                        found[0].id, *id,
                        "key {} is stored under another id",
                        row.key
                    );
                }
            }
            Outcome::Refused(status, body) => {
                assert_eq!(*status, 503, "a valid report was refused: {body}");
                assert!(
                    present.iter().all(|p| !p),
                    "a refused request was stored: {body}"
                );
            }
            Outcome::NoAnswer => assert!(
                present.iter().all(|p| *p) || present.iter().all(|p| !p),
                "an unacknowledged batch was stored in part: {present:?}"
            ),
        }
    }
}

/// Sends every unacknowledged request again and checks it is stored exactly once: replayed if
/// it had been stored before the crash, stored now if not.
pub(super) async fn retry_unacknowledged(
    api: &Api,
    conn: &mut DbConnection,
    prefix: &str,
    sent: &[Sent],
) -> usize {
    let before = stored(conn, prefix);
    let mut replayed_rows = 0;
    for s in sent
        .iter()
        .filter(|s| !matches!(s.outcome, Outcome::Acknowledged(_)))
    {
        let was_stored =
            before.contains_key(&(s.request.rows[0].bet, s.request.rows[0].key.clone()));
        let reply = api
            .call(
                Method::POST,
                &s.request.path(),
                Some(&s.request.token),
                Some(&s.request.body()),
            )
            .await
            .expect(201);
        if s.request.single {
            assert_eq!(
                reply.headers.get("idempotent-replayed").is_some(),
                was_stored,
                "a retry replays exactly when the first attempt was stored"
            );
            if was_stored {
                let row = &s.request.rows[0];
                assert_eq!(reply.id(), before[&(row.bet, row.key.clone())][0].id);
            }
        } else {
            let n = count(s.request.rows.len());
            let (stored_now, replayed) = if was_stored { (0, n) } else { (n, 0) };
            assert_eq!(reply.body["stored"], stored_now, "{}", reply.body);
            assert_eq!(reply.body["replayed"], replayed, "{}", reply.body);
        }
        if was_stored {
            replayed_rows += s.request.rows.len();
        }
    }
    replayed_rows
}

/// After the retries every row sent is stored exactly once, and the API shows the same.
pub(super) async fn check_all_stored_once(
    api: &Api,
    admin: &str,
    conn: &mut DbConnection,
    prefix: &str,
    sent: &[Sent],
    bets: &[i64],
) {
    let stored = stored(conn, prefix);
    let sent_keys: BTreeSet<(i64, String)> = sent
        .iter()
        .flat_map(|s| s.request.rows.iter().map(|r| (r.bet, r.key.clone())))
        .collect();
    let stored_keys: BTreeSet<(i64, String)> = stored.keys().cloned().collect();
    assert_eq!(
        stored_keys, sent_keys,
        "after the retries, every report sent is stored"
    );
    assert!(stored.values().all(|rows| rows.len() == 1));

    // The API's view: page through each bet's history.
    for &bet in bets {
        let mut seen = BTreeSet::new();
        let mut page = 1;
        loop {
            let reply = api
                .get(
                    &format!("/api/v1/bets/{bet}/reports?per_page=500&page={page}"),
                    admin,
                )
                .await
                .expect(200);
            let items = reply.body["items"].as_array().unwrap().clone();
            for item in &items {
                if let Some(key) = item["idempotency_key"]
                    .as_str()
                    .filter(|k| k.starts_with(prefix))
                {
                    assert!(seen.insert(key.to_owned()), "the API lists key {key} twice");
                }
            }
            if items.len() < 500 {
                break;
            }
            page += 1;
        }
        let expected: BTreeSet<String> = sent_keys
            .iter()
            .filter(|(b, _)| *b == bet)
            .map(|(_, k)| k.clone())
            .collect();
        assert_eq!(
            seen, expected,
            "the API shows bet {bet}'s reports exactly once each"
        );
    }
}
