//! A fingerprint of everything stored, to prove that a refused request wrote nothing.

use std::collections::BTreeMap;

use diesel::prelude::*;
use horserace::db::DbConnection;

/// Everything stored, reduced to what a refused request must leave unchanged: the row count
/// of every table, and the status of every bet, round and token.
pub fn fingerprint(conn: &mut DbConnection) -> BTreeMap<String, String> {
    use horserace::db::schema::*;
    let mut print = BTreeMap::new();
    macro_rules! count {
        ($table:ident) => {
            let n: i64 = $table::table
                .count()
                .get_result(conn)
                .expect(concat!("count ", stringify!($table)));
            print.insert(stringify!($table).to_owned(), n.to_string());
        };
    }
    count!(portfolio);
    count!(teams);
    count!(users);
    count!(tokens);
    count!(arenas);
    count!(bets);
    count!(thresholds);
    count!(reports);
    count!(rounds);
    count!(round_pins);
    count!(round_results);
    count!(accounts);
    count!(ledger_entries);
    count!(audit_log);
    let bets: Vec<(i64, String)> = bets::table
        .select((bets::id, bets::status))
        .order(bets::id)
        .load(conn)
        .expect("bet statuses");
    print.insert("bet statuses".into(), format!("{bets:?}"));
    let rounds: Vec<(i64, String, Option<i64>)> = rounds::table
        .select((rounds::id, rounds::status, rounds::reserve))
        .order(rounds::id)
        .load(conn)
        .expect("round statuses");
    print.insert("round statuses".into(), format!("{rounds:?}"));
    let pins: Vec<(i64, i64, Option<i64>, bool)> = round_pins::table
        .select((
            round_pins::round_id,
            round_pins::bet_id,
            round_pins::pinned_grant,
            round_pins::waive_kill,
        ))
        .order((round_pins::round_id, round_pins::bet_id))
        .load(conn)
        .expect("pins");
    print.insert("pins".into(), format!("{pins:?}"));
    let revoked: i64 = tokens::table
        .filter(tokens::revoked_at.is_not_null())
        .count()
        .get_result(conn)
        .expect("revoked tokens");
    print.insert("revoked tokens".into(), revoked.to_string());
    print
}

/// The lines of two fingerprints that differ, for a failure message.
pub fn fingerprint_diff(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<String> {
    before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: {v} -> {}", after.get(k).map_or("?", String::as_str)))
        .collect()
}
