//! The market's books: a billing run is committed whole or not at all and posts each paid
//! charge exactly once; a request's money moved exactly as its status says; each hold account
//! holds exactly the offers of its team's accepted requests; and no team is overdrawn beyond
//! its limit.

use std::collections::BTreeMap;

use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::ledger::{Account, Entry};
use horserace::db::market::billing::{BillingRun, UnpaidCharge};
use horserace::db::market::requests::Request;
use horserace::db::market::services::Service;
use horserace::db::market::subscriptions::{Subscription, SubscriptionFilter};
use horserace::db::schema::{audit_log, billing_runs, ledger_entries, requests};
use horserace::domain::{AccountKind, BillingRunStatus, EntryKind, RequestStatus};
use serde_json::Value;

/// Each team's two accounts: (its own, its hold account).
pub(super) fn team_accounts(conn: &mut DbConnection) -> BTreeMap<i64, (i64, i64)> {
    let all = Account::list(conn).expect("accounts");
    let of = |team: i64, kind: AccountKind| {
        all.iter()
            .find(|a| a.team_id == Some(team) && a.kind == kind)
            .unwrap_or_else(|| panic!("team {team} has no {kind} account"))
            .id
    };
    all.iter()
        .filter(|a| a.kind == AccountKind::Team)
        .filter_map(|a| a.team_id)
        .map(|team| {
            (
                team,
                (of(team, AccountKind::Team), of(team, AccountKind::Hold)),
            )
        })
        .collect()
}

/// The market's part of the books: every billing run and every request, the hold accounts
/// and the overdraft limits. Adds what the market moved to `expected` (balances by account,
/// worked out from the runs' charges and the requests' offers); returns how many ledger
/// entries the market made.
pub(super) fn check_market(
    conn: &mut DbConnection,
    entries: &[Entry],
    balances: &BTreeMap<i64, i64>,
    expected: &mut BTreeMap<i64, i64>,
) -> usize {
    let accounts = team_accounts(conn);
    let runs: Vec<i64> = billing_runs::table
        .select(billing_runs::id)
        .order(billing_runs::id)
        .load(conn)
        .expect("billing runs");
    let mut made = 0;
    for run in runs {
        if billing_run_is_committed_whole_or_not_at_all(conn, run) {
            made += post_charges(conn, run, &accounts, expected);
        }
    }
    let all: Vec<Request> = requests::table
        .select(Request::as_select())
        .order(requests::id)
        .load(conn)
        .expect("requests");
    let providers: BTreeMap<i64, i64> = Service::list(conn, None)
        .expect("services")
        .iter()
        .map(|s| (s.id, s.provider_team_id))
        .collect();
    let mut held: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &all {
        let provider = accounts[&providers[&r.service_id]].0;
        made += request_money(r, entries, (&accounts, provider), expected);
        if r.status == RequestStatus::Accepted {
            *held.entry(r.team_id).or_default() += r.offer.unwrap_or(0);
        }
    }
    let limits: BTreeMap<i64, i64> = Account::list(conn)
        .expect("accounts")
        .iter()
        .map(|a| (a.id, a.overdraft_limit))
        .collect();
    for (team, (own, hold)) in &accounts {
        let on_hold = balances.get(hold).copied().unwrap_or(0);
        assert_eq!(
            on_hold,
            held.get(team).copied().unwrap_or(0),
            "team {team}: the hold account holds the offers of its accepted, undelivered requests"
        );
        // The sim never lowers a limit below what a team owes (the server allows that: it only
        // stops the next movement out), so every balance stays within its limit.
        let balance = balances.get(own).copied().unwrap_or(0);
        assert!(
            balance >= -limits[own],
            "team {team} is overdrawn to {balance}, beyond its limit of {}",
            limits[own]
        );
    }
    made
}

/// Whether a billing run ended committed: either it is committed whole (one ledger entry per
/// paid charge, one unpaid row per unpaid charge, its sums and its audit row) or it is still a
/// draft with nothing of a commit written. Anything in between fails.
pub fn billing_run_is_committed_whole_or_not_at_all(conn: &mut DbConnection, run_id: i64) -> bool {
    let run = BillingRun::find(conn, run_id)
        .expect("load the run")
        .expect("the run exists");
    let entries = run_entries(conn, run_id);
    let unpaid = UnpaidCharge::of_run(conn, run_id).expect("unpaid charges");
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("billing.commit"))
        .filter(audit_log::object_id.eq(run_id))
        .count()
        .get_result(conn)
        .expect("count audit rows");
    if run.status == BillingRunStatus::Draft {
        assert!(
            entries.is_empty() && unpaid.is_empty() && audited == 0,
            "draft run {run_id} has {} entries, {} unpaid rows and {audited} commit audit rows",
            entries.len(),
            unpaid.len()
        );
        assert!(
            run.committed_at.is_none()
                && run.committed_by.is_none()
                && run.charged.is_none()
                && run.unpaid.is_none(),
            "draft run {run_id} carries commit fields: {run:?}"
        );
        return false;
    }
    let billing = stored_billing(&run);
    let charges = billing["charges"].as_array().expect("charges");
    let paid: Vec<&Value> = charges
        .iter()
        .filter(|c| c["paid"] == true && c["amount"].as_i64() > Some(0))
        .collect();
    let owed: Vec<&Value> = charges.iter().filter(|c| c["paid"] == false).collect();
    assert_eq!(
        entries.len(),
        paid.len(),
        "run {run_id}: one entry per paid charge"
    );
    assert_eq!(
        unpaid.len(),
        owed.len(),
        "run {run_id}: one row per unpaid charge"
    );
    let sum = |cs: &[&Value]| {
        cs.iter()
            .map(|c| c["amount"].as_i64().unwrap())
            .sum::<i64>()
    };
    assert_eq!(
        Some(sum(&paid)),
        billing["charged"].as_i64(),
        "run {run_id}: charged"
    );
    assert_eq!(
        Some(sum(&owed)),
        billing["unpaid"].as_i64(),
        "run {run_id}: unpaid"
    );
    assert_eq!(
        run.charged,
        billing["charged"].as_i64(),
        "run {run_id}: charged column"
    );
    assert_eq!(
        run.unpaid,
        billing["unpaid"].as_i64(),
        "run {run_id}: unpaid column"
    );
    assert_eq!(
        entries.iter().map(|e| e.amount).sum::<i64>(),
        sum(&paid),
        "run {run_id}: the entries sum to what it charged"
    );
    for c in owed {
        let sub = c["subscription_id"].as_i64().unwrap();
        let row = unpaid
            .iter()
            .find(|u| u.subscription_id == sub)
            .unwrap_or_else(|| panic!("run {run_id}: no unpaid row for subscription {sub}"));
        assert_eq!(
            Some(row.amount),
            c["amount"].as_i64(),
            "run {run_id} sub {sub}"
        );
        assert!(
            row.shortfall > 0,
            "run {run_id} sub {sub}: unpaid without a shortfall"
        );
        assert!(
            entries.iter().all(|e| e.subscription_id != Some(sub)),
            "run {run_id}: subscription {sub} is unpaid but has an entry"
        );
    }
    assert_eq!(audited, 1, "run {run_id}: one commit audit row");
    true
}

fn run_entries(conn: &mut DbConnection, run_id: i64) -> Vec<Entry> {
    ledger_entries::table
        .filter(ledger_entries::billing_run_id.eq(run_id))
        .select(Entry::as_select())
        .order(ledger_entries::id)
        .load(conn)
        .expect("the run's entries")
}

fn stored_billing(run: &BillingRun) -> Value {
    let text = run
        .preview
        .as_deref()
        .unwrap_or_else(|| panic!("committed run {} keeps no billing", run.id));
    serde_json::from_str(text).expect("the billing is JSON")
}

/// A committed run's charges: one per subscription billable in its period, in ascending
/// subscription id, each paid charge posted once from the subscriber's account to the
/// provider's. Adds the charges to `expected`; returns the number of entries.
fn post_charges(
    conn: &mut DbConnection,
    run_id: i64,
    accounts: &BTreeMap<i64, (i64, i64)>,
    expected: &mut BTreeMap<i64, i64>,
) -> usize {
    let run = BillingRun::find(conn, run_id).unwrap().unwrap();
    let billing = stored_billing(&run);
    let entries = run_entries(conn, run_id);
    let charges = billing["charges"].as_array().unwrap();
    let charged: Vec<i64> = charges
        .iter()
        .map(|c| c["subscription_id"].as_i64().unwrap())
        .collect();
    // Derived here from every subscription, not by the query the run itself uses.
    let start = run.period_start;
    let billable: Vec<i64> = Subscription::list(conn, &SubscriptionFilter::default())
        .expect("subscriptions")
        .iter()
        .filter(|s| s.starts_at <= start && s.ends_at.is_none_or(|e| e > start))
        .map(|s| s.id)
        .collect();
    assert_eq!(
        charged, billable,
        "run {run_id}: every subscription billable in its period is charged once, in order"
    );
    for c in charges {
        let (sub, amount) = (c["subscription_id"].as_i64(), c["amount"].as_i64().unwrap());
        assert_eq!(
            Some(amount),
            c["units"]
                .as_i64()
                .zip(c["unit_price"].as_i64())
                .map(|(u, p)| u * p),
            "run {run_id}: units * unit price"
        );
        if c["paid"] != true || amount == 0 {
            continue;
        }
        let (payer, provider) = (
            c["team_id"].as_i64().unwrap(),
            c["provider_team_id"].as_i64().unwrap(),
        );
        let posted: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.subscription_id == sub)
            .collect();
        assert_eq!(
            posted.len(),
            1,
            "run {run_id}: subscription {sub:?} is posted once"
        );
        let e = posted[0];
        assert_eq!(
            (
                e.kind,
                e.amount,
                e.from_account,
                e.to_account,
                e.service_id,
                e.bet_id
            ),
            (
                EntryKind::Charge,
                amount,
                accounts[&payer].0,
                accounts[&provider].0,
                c["service_id"].as_i64(),
                c["bet_id"].as_i64()
            ),
            "run {run_id}: the entry of subscription {sub:?}"
        );
        *expected.entry(accounts[&payer].0).or_default() -= amount;
        *expected.entry(accounts[&provider].0).or_default() += amount;
    }
    entries.len()
}

/// A request's money: nothing before acceptance; then its offer held once (a raise holds the
/// difference); on delivery the offer paid once to the provider, on cancellation released
/// once. `provider` is the provider's own account. Adds what it moved to `expected`; returns
/// its number of entries.
fn request_money(
    r: &Request,
    entries: &[Entry],
    (accounts, provider): (&BTreeMap<i64, (i64, i64)>, i64),
    expected: &mut BTreeMap<i64, i64>,
) -> usize {
    let id = r.id;
    let mine: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.request_id == Some(id))
        .collect();
    let (own, hold) = accounts[&r.team_id];
    let sum = |kind: EntryKind| -> (usize, i64) {
        let of: Vec<&&Entry> = mine.iter().filter(|e| e.kind == kind).collect();
        (of.len(), of.iter().map(|e| e.amount).sum())
    };
    for e in &mine {
        assert_eq!(
            e.service_id,
            Some(r.service_id),
            "request {id}: entry {}",
            e.id
        );
        let route = match e.kind {
            EntryKind::Hold => (own, hold),
            EntryKind::Release => (hold, own),
            EntryKind::Payment => (hold, provider),
            other => panic!("request {id} has a {other} entry"),
        };
        assert_eq!(
            (e.from_account, e.to_account),
            route,
            "request {id}: where its {} entry {} moves money",
            e.kind,
            e.id
        );
    }
    let offer = r.offer.unwrap_or(0);
    let ((_, held), (releases, released), (payments, paid)) = (
        sum(EntryKind::Hold),
        sum(EntryKind::Release),
        sum(EntryKind::Payment),
    );
    let once = usize::from(offer > 0);
    let was_accepted = r.accepted_at.is_some();
    let (want_held, want_releases, want_payments) = match r.status {
        RequestStatus::Accepted => (offer, 0, 0),
        RequestStatus::Delivered => (offer, 0, once),
        RequestStatus::Cancelled if was_accepted => (offer, once, 0),
        _ => (0, 0, 0),
    };
    assert_eq!(
        (held, releases, payments),
        (want_held, want_releases, want_payments),
        "request {id} ({}, offer {offer}): held, releases and payments",
        r.status
    );
    assert_eq!(
        released,
        if releases > 0 { offer } else { 0 },
        "request {id} released"
    );
    assert_eq!(
        paid,
        if payments > 0 { offer } else { 0 },
        "request {id} paid"
    );
    *expected.entry(provider).or_default() += paid;
    *expected.entry(own).or_default() -= held - released;
    *expected.entry(hold).or_default() += held - released - paid;
    mine.len()
}
