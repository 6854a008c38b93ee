//! A fingerprint of everything stored, to prove that a refused request wrote nothing.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use horserace::db::DbConnection;

/// Everything stored, reduced to what a refused request must leave unchanged: the row count
/// of every table, the status of every bet, round and token, and the state of the market's
/// objects that a transition changes without adding a row (a request's status and amounts, a
/// subscription's end, a billing run's status, a plan replaced, an overdraft limit, the
/// billing period).
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
    count!(services);
    count!(service_plans);
    count!(request_types);
    count!(subscriptions);
    count!(requests);
    count!(billing_runs);
    count!(unpaid_charges);
    count!(idempotency_keys);
    count!(races);
    count!(race_racers);
    count!(policy_adoptions);
    races_and_people(conn, &mut print);
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
    market(conn, &mut print);
    print
}

/// The market's state beyond its row counts.
fn market(conn: &mut DbConnection, print: &mut BTreeMap<String, String>) {
    use horserace::db::schema::*;
    type RequestState = (i64, String, Option<i64>, i64, Option<i64>);
    let requests: Vec<RequestState> = requests::table
        .select((
            requests::id,
            requests::status,
            requests::offer,
            requests::max_total,
            requests::quote_total,
        ))
        .order(requests::id)
        .load(conn)
        .expect("request states");
    print.insert("request states".into(), format!("{requests:?}"));
    let subscriptions: Vec<(i64, Option<NaiveDateTime>)> = subscriptions::table
        .select((subscriptions::id, subscriptions::ends_at))
        .order(subscriptions::id)
        .load(conn)
        .expect("subscription ends");
    print.insert("subscription ends".into(), format!("{subscriptions:?}"));
    let runs: Vec<(i64, String, Option<NaiveDateTime>)> = billing_runs::table
        .select((
            billing_runs::id,
            billing_runs::status,
            billing_runs::previewed_at,
        ))
        .order(billing_runs::id)
        .load(conn)
        .expect("billing run statuses");
    print.insert("billing run statuses".into(), format!("{runs:?}"));
    // A plan set for a period not begun replaces the pending one: the count stays, the id not.
    let plans: Vec<(i64, i64)> = service_plans::table
        .select((service_plans::id, service_plans::price))
        .order(service_plans::id)
        .load(conn)
        .expect("plans");
    print.insert("plans".into(), format!("{plans:?}"));
    let limits: Vec<(i64, i64)> = accounts::table
        .select((accounts::id, accounts::overdraft_limit))
        .order(accounts::id)
        .load(conn)
        .expect("overdraft limits");
    print.insert("overdraft limits".into(), format!("{limits:?}"));
    let months: Vec<i32> = portfolio::table
        .select(portfolio::billing_period_months)
        .load(conn)
        .expect("billing period");
    print.insert("billing period months".into(), format!("{months:?}"));
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

/// A race's state, as the fingerprint keeps it: id, status, finish, winner, prize round.
type RaceState = (i64, String, NaiveDateTime, Option<i64>, Option<i64>);

/// What a race's declaration or decision changes without always adding a row: a race's state,
/// its racers', the people's teams (a merge), the teams' caps and the bets' stages.
fn races_and_people(conn: &mut DbConnection, print: &mut BTreeMap<String, String>) {
    use horserace::db::schema::*;
    let races: Vec<RaceState> = races::table
        .select((
            races::id,
            races::status,
            races::finish_at,
            races::winner_bet_id,
            races::prize_round_id,
        ))
        .order(races::id)
        .load(conn)
        .expect("races");
    print.insert("races".into(), format!("{races:?}"));
    let racers: Vec<(i64, i64, bool, Option<String>)> = race_racers::table
        .select((
            race_racers::race_id,
            race_racers::bet_id,
            race_racers::racing,
            race_racers::fate,
        ))
        .order((race_racers::race_id, race_racers::bet_id))
        .load(conn)
        .expect("racers");
    print.insert("racers".into(), format!("{racers:?}"));
    let caps: Vec<(i64, i32)> = teams::table
        .select((teams::id, teams::max_members))
        .order(teams::id)
        .load(conn)
        .expect("caps");
    print.insert("team caps".into(), format!("{caps:?}"));
    let people: Vec<(i64, Option<i64>)> = users::table
        .select((users::id, users::team_id))
        .order(users::id)
        .load(conn)
        .expect("people");
    print.insert("people".into(), format!("{people:?}"));
    let stages: Vec<(i64, String)> = bets::table
        .select((bets::id, bets::stage))
        .order(bets::id)
        .load(conn)
        .expect("stages");
    print.insert("bet stages".into(), format!("{stages:?}"));
}
