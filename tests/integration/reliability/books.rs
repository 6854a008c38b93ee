//! The bank's checks, shared by the crash and simulation tests: a round is committed whole or
//! not at all, and the books always balance, rounds and market together. The market's part
//! (billing runs, requests and their holds, overdraft limits) is in [`market`], the teams'
//! statements in [`statements`].

mod market;
mod statements;

pub use market::billing_run_is_committed_whole_or_not_at_all;

use std::collections::BTreeMap;

use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::ledger::{Account, Entry};
use horserace::db::rounds::{Round, RoundResultRow};
use horserace::db::schema::{audit_log, bets, ledger_entries, rounds};
use serde_json::Value;

use crate::harness::{Api, exact_f64, whole_i64};

/// Every bet's status, by id.
pub fn bet_statuses(conn: &mut DbConnection) -> BTreeMap<i64, String> {
    bets::table
        .select((bets::id, bets::status))
        .load::<(i64, String)>(conn)
        .expect("bet statuses")
        .into_iter()
        .collect()
}

fn commits_audited(conn: &mut DbConnection, round_id: i64) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq("round.commit"))
        .filter(audit_log::object_id.eq(round_id))
        .count()
        .get_result(conn)
        .expect("count audit rows")
}

/// The accounts: the portfolio's id, and each team's account id.
fn accounts(conn: &mut DbConnection) -> (i64, BTreeMap<i64, i64>) {
    let all = Account::list(conn).expect("accounts");
    let portfolio = all
        .iter()
        .find(|a| a.kind == horserace::domain::AccountKind::Portfolio)
        .expect("a portfolio account")
        .id;
    let teams = all
        .iter()
        .filter(|a| a.kind == horserace::domain::AccountKind::Team)
        .filter_map(|a| Some((a.team_id?, a.id)))
        .collect();
    (portfolio, teams)
}

/// Whether a round ended committed: checks that it is either fully committed (its results, its
/// ledger entries, its killed bets, its audit row, all matching what it decided) or still a
/// draft with nothing of a commit written. `before` is every bet's status before the commit.
pub fn round_is_committed_whole_or_not_at_all(
    conn: &mut DbConnection,
    round_id: i64,
    before: &BTreeMap<i64, String>,
) -> bool {
    let round = Round::find(conn, round_id)
        .expect("load the round")
        .expect("the round exists");
    let results = RoundResultRow::for_round(conn, round_id).expect("results");
    let entries = Entry::for_round(conn, round_id).expect("entries");
    let audited = commits_audited(conn, round_id);
    let after = bet_statuses(conn);
    match round.status.as_str() {
        "draft" => {
            nothing_of_a_commit_is_written(&round, &results, &entries, audited, before, &after);
            false
        }
        "committed" => {
            the_commit_is_written_whole(conn, &round, &results, &entries, audited, before, &after);
            true
        }
        other => panic!("round {round_id} has status {other}"),
    }
}

/// A draft round: no results, ledger entries, commit audit row or commit fields, and no bet's
/// status changed.
fn nothing_of_a_commit_is_written(
    round: &Round,
    results: &[RoundResultRow],
    entries: &[Entry],
    audited: i64,
    before: &BTreeMap<i64, String>,
    after: &BTreeMap<i64, String>,
) {
    let round_id = round.id;
    assert!(
        results.is_empty(),
        "draft round {round_id} has {} results",
        results.len()
    );
    assert!(
        entries.is_empty(),
        "draft round {round_id} has {} ledger entries",
        entries.len()
    );
    assert_eq!(audited, 0, "draft round {round_id} has a commit audit row");
    assert!(
        round.committed_at.is_none()
            && round.committed_by.is_none()
            && round.reserve.is_none()
            && round.engine_input.is_none()
            && round.report_ids.is_none(),
        "draft round {round_id} carries commit fields: {round:?}"
    );
    assert_eq!(
        after, before,
        "a round that did not commit changed bet statuses"
    );
}

/// A committed round: one result row per bet evaluated, each grant paid once to the bet's team
/// from the portfolio, grants plus reserve equal to the budget, only the bets it killed changed,
/// one commit audit row, and its evidence kept.
fn the_commit_is_written_whole(
    conn: &mut DbConnection,
    round: &Round,
    results: &[RoundResultRow],
    entries: &[Entry],
    audited: i64,
    before: &BTreeMap<i64, String>,
    after: &BTreeMap<i64, String>,
) {
    let round_id = round.id;
    let evaluation: Value = serde_json::from_str(
        round
            .preview
            .as_deref()
            .expect("a committed round keeps its evaluation"),
    )
    .expect("the evaluation is JSON");
    let lines = evaluation["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        lines.len(),
        "round {round_id}: one result row per bet evaluated"
    );
    let by_bet: BTreeMap<i64, &RoundResultRow> = results.iter().map(|r| (r.bet_id, r)).collect();
    let (portfolio, team_accounts) = accounts(conn);
    let mut granted = 0;
    for line in lines {
        let bet = line["bet_id"].as_i64().unwrap();
        let grant = line["grant"].as_i64().unwrap();
        let row = by_bet
            .get(&bet)
            .unwrap_or_else(|| panic!("round {round_id}: no result row for bet {bet}"));
        assert_eq!(row.granted, grant, "round {round_id} bet {bet}");
        granted += grant;
        let paid: Vec<&Entry> = entries.iter().filter(|e| e.bet_id == Some(bet)).collect();
        if grant > 0 {
            assert_eq!(
                paid.len(),
                1,
                "round {round_id} bet {bet}: one ledger entry"
            );
            assert_eq!(paid[0].amount, grant);
            assert_eq!(paid[0].from_account, portfolio);
            assert_eq!(Some(&paid[0].to_account), team_accounts.get(&row.team_id));
        } else {
            assert!(
                paid.is_empty(),
                "round {round_id} bet {bet}: paid without a grant"
            );
        }
        let decision = line["decision"].as_str().unwrap();
        if decision == "killed" {
            assert_eq!(after[&bet], "killed", "round {round_id} killed bet {bet}");
            assert_eq!(before[&bet], "active");
        }
    }
    assert_eq!(
        entries.len(),
        lines
            .iter()
            .filter(|l| l["grant"].as_i64() > Some(0))
            .count()
    );
    assert_eq!(
        round.reserve,
        Some(round.budget - granted),
        "round {round_id}: grants + reserve == budget"
    );
    for (bet, status) in after {
        let killed_here = lines
            .iter()
            .any(|l| l["bet_id"] == *bet && l["decision"] == "killed");
        if !killed_here {
            assert_eq!(
                before.get(bet),
                Some(status),
                "round {round_id} changed bet {bet}"
            );
        }
    }
    assert_eq!(audited, 1, "round {round_id}: one commit audit row");
    assert!(round.engine_input.is_some() && round.report_ids.is_some() && round.preview.is_some());
}

/// The whole bank: the ledger sums to zero over every account (portfolio, team and hold
/// accounts) and each balance is what the entries say; every entry comes from exactly one
/// committed round, committed billing run or request; the rounds hold ([`check_rounds`]), the
/// market holds ([`market::check_market`]), every account's balance is what the rounds granted
/// and the market moved, worked out from the rounds' results, the runs' charges and the
/// requests' offers rather than from the entries; and every team's statement reconciles.
pub async fn check_books(api: &Api, admin: &str, conn: &mut DbConnection) {
    let ledger = api
        .get("/api/v1/ledger?per_page=1", admin)
        .await
        .expect(200);
    assert_eq!(ledger.body["sum_of_balances"], 0, "{}", ledger.body);
    let balances: BTreeMap<i64, i64> = ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), a["balance"].as_i64().unwrap()))
        .collect();
    assert_eq!(balances.values().sum::<i64>(), 0);
    let entries = all_entries(conn);
    let mut summed: BTreeMap<i64, i64> = balances.keys().map(|a| (*a, 0)).collect();
    for e in &entries {
        *summed.entry(e.to_account).or_default() += e.amount;
        *summed.entry(e.from_account).or_default() -= e.amount;
    }
    assert_eq!(summed, balances, "the balances are the sums of the entries");
    for e in &entries {
        entry_has_one_origin(e);
    }

    let mut expected: BTreeMap<i64, i64> = BTreeMap::new();
    let round_entries = check_rounds(api, admin, conn, &mut expected).await;
    let market_entries = market::check_market(conn, &entries, &balances, &mut expected);
    assert_eq!(
        ledger.body["entries"]["total"].as_u64(),
        Some((round_entries + market_entries) as u64),
        "every ledger entry belongs to a committed round, a committed billing run or a request"
    );
    assert_eq!(entries.len(), round_entries + market_entries);
    for (account, balance) in &balances {
        assert_eq!(
            expected.get(account).copied().unwrap_or(0),
            *balance,
            "account {account}'s balance is what the rounds granted and the market moved"
        );
    }
    statements::check_statements(api, admin, conn, &entries, &balances).await;
}

/// Every ledger entry, in id order.
fn all_entries(conn: &mut DbConnection) -> Vec<Entry> {
    ledger_entries::table
        .select(Entry::as_select())
        .order(ledger_entries::id)
        .load(conn)
        .expect("ledger entries")
}

/// An entry names what moved it, and only that: a grant its round and bet, a charge its
/// billing run and subscription, a hold, release or payment its request.
fn entry_has_one_origin(e: &Entry) {
    use horserace::domain::EntryKind;
    let origin = (
        e.round_id.is_some(),
        e.billing_run_id.is_some(),
        e.request_id.is_some(),
    );
    let expected = match e.kind {
        EntryKind::Grant => (true, false, false),
        EntryKind::Charge => (false, true, false),
        EntryKind::Hold | EntryKind::Release | EntryKind::Payment => (false, false, true),
    };
    assert_eq!(
        origin, expected,
        "entry {} has the wrong origin: {e:?}",
        e.id
    );
    assert!(e.amount > 0, "entry {} moves {}", e.id, e.amount);
    assert_ne!(e.from_account, e.to_account, "entry {} goes nowhere", e.id);
    if e.kind == EntryKind::Charge {
        assert!(
            e.subscription_id.is_some(),
            "charge {} names no subscription",
            e.id
        );
    }
}

/// The rounds: each committed round's grants plus reserve equal its budget, no grant is
/// negative and none above the cap unless pinned, the ledger pays each grant once, and the
/// server's own verification passes. Adds the grants to `expected` (balances by account);
/// returns the number of the rounds' entries.
async fn check_rounds(
    api: &Api,
    admin: &str,
    conn: &mut DbConnection,
    expected: &mut BTreeMap<i64, i64>,
) -> usize {
    let (portfolio, team_accounts) = accounts(conn);
    let committed: Vec<Round> = rounds::table
        .filter(rounds::status.eq("committed"))
        .order(rounds::as_of)
        .select(Round::as_select())
        .load(conn)
        .expect("committed rounds");
    let mut entries_total = 0;
    for round in &committed {
        let id = round.id;
        let results = RoundResultRow::for_round(conn, id).expect("results");
        let entries = Entry::for_round(conn, id).expect("entries");
        let policy: Value = serde_json::from_str(&round.policy).expect("a policy");
        let share = policy["max_share"].as_f64().unwrap_or(0.4);
        let cap = whole_i64((share * exact_f64(round.budget)).floor());
        let mut granted = 0;
        for r in &results {
            assert!(
                r.granted >= 0,
                "round {id} bet {}: negative grant {}",
                r.bet_id,
                r.granted
            );
            assert!(
                r.pinned || r.granted <= cap,
                "round {id} bet {}: {} is over the cap {cap}",
                r.bet_id,
                r.granted
            );
            granted += r.granted;
            if r.granted > 0 {
                *expected.entry(team_accounts[&r.team_id]).or_default() += r.granted;
                *expected.entry(portfolio).or_default() -= r.granted;
            }
        }
        assert_eq!(
            Some(granted + round.reserve.expect("a reserve")),
            Some(round.budget),
            "round {id}: grants + reserve == budget"
        );
        let paid: i64 = entries.iter().map(|e| e.amount).sum();
        assert_eq!(
            paid, granted,
            "round {id}: the ledger pays exactly the grants"
        );
        assert_eq!(
            entries.len(),
            results.iter().filter(|r| r.granted > 0).count()
        );
        entries_total += entries.len();
        let verdict = api
            .get(&format!("/api/v1/rounds/{id}/verification"), admin)
            .await
            .expect(200);
        assert_eq!(
            verdict.body["matches"], true,
            "round {id}: {}",
            verdict.body
        );
    }
    entries_total
}
