//! Every team's statement reconciles with the ledger: for the whole range and for each billing
//! period in it, opening + in - out = closing, where the openings, closings and flows are worked
//! out here from the entries themselves; and the closing is the team's balance now.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use horserace::db::DbConnection;
use horserace::db::ledger::Entry;
use horserace::domain::EntryKind;
use serde_json::Value;

use super::market::team_accounts;
use crate::harness::{Api, at};

/// A team's money as the test works it out: (own account, hold account, total).
type Money3 = (i64, i64, i64);

/// One team's two accounts and the ledger, to sum over.
struct Team<'a> {
    own: i64,
    hold: i64,
    entries: &'a [Entry],
}

impl Team<'_> {
    fn mine(&self, account: i64) -> bool {
        account == self.own || account == self.hold
    }

    /// The balances from every entry before `t`.
    fn before(&self, t: NaiveDateTime) -> Money3 {
        let (mut own, mut hold) = (0, 0);
        for e in self.entries.iter().filter(|e| e.created_at < t) {
            for (account, sign) in [(e.to_account, 1), (e.from_account, -1)] {
                if account == self.own {
                    own += sign * e.amount;
                } else if account == self.hold {
                    hold += sign * e.amount;
                }
            }
        }
        (own, hold, own + hold)
    }

    /// What came in, went out, was put on hold and was released in `[a, b)`.
    fn flows(&self, a: NaiveDateTime, b: NaiveDateTime) -> [i64; 4] {
        let mut f = [0; 4];
        for e in self
            .entries
            .iter()
            .filter(|e| e.created_at >= a && e.created_at < b)
        {
            match (self.mine(e.to_account), self.mine(e.from_account)) {
                (true, false) => f[0] += e.amount,
                (false, true) => f[1] += e.amount,
                (true, true) if e.kind == EntryKind::Hold => f[2] += e.amount,
                (true, true) if e.kind == EntryKind::Release => f[3] += e.amount,
                (true, true) => panic!("entry {} moves between a team's accounts", e.id),
                (false, false) => {}
            }
        }
        f
    }
}

fn instant(v: &Value) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(v.as_str().expect("an instant"))
        .expect("an RFC 3339 instant")
        .naive_utc()
}

fn balances(v: &Value) -> Money3 {
    let n = |k: &str| v[k].as_i64().unwrap_or_else(|| panic!("no {k} in {v}"));
    (n("available"), n("on_hold"), n("total"))
}

fn flows(v: &Value) -> [i64; 4] {
    let n = |k: &str| v[k].as_i64().unwrap_or_else(|| panic!("no {k} in {v}"));
    [
        n("total_in"),
        n("total_out"),
        n("holds_placed"),
        n("holds_released"),
    ]
}

/// Each team's statement from a third of the way through the ledger (so the opening is not
/// trivially zero and the range starts mid-period) to tomorrow (so its closing is now).
pub(super) async fn check_statements(
    api: &Api,
    admin: &str,
    conn: &mut DbConnection,
    entries: &[Entry],
    balances_now: &BTreeMap<i64, i64>,
) {
    let mut times: Vec<NaiveDateTime> = entries.iter().map(|e| e.created_at).collect();
    times.sort_unstable();
    let from = times
        .get(times.len() / 3)
        .map_or_else(|| Utc::now() - TimeDelta::days(40), |t| t.and_utc());
    let to = Utc::now() + TimeDelta::days(1);
    for (team_id, (own, hold)) in team_accounts(conn) {
        let team = Team { own, hold, entries };
        let path = format!(
            "/api/v1/teams/{team_id}/statement?from={}&to={}",
            at(from),
            at(to)
        );
        let s = api.get(&path, admin).await.expect(200).body;
        statement_reconciles(team_id, &team, &s);
        let closing = balances(&s["closing"]);
        let now = (
            balances_now.get(&own).copied().unwrap_or(0),
            balances_now.get(&hold).copied().unwrap_or(0),
        );
        assert_eq!(
            (closing.0, closing.1),
            now,
            "team {team_id}: the statement closes at the account's balance"
        );
    }
}

/// The whole statement and each of its periods: opening + in - out = closing, with every figure
/// what the entries say; the periods tile the range and their flows add up to the whole.
fn statement_reconciles(team_id: i64, team: &Team<'_>, s: &Value) {
    let (from, to) = (instant(&s["from"]), instant(&s["to"]));
    let (opening, closing, whole) = (
        balances(&s["opening"]),
        balances(&s["closing"]),
        flows(&s["flows"]),
    );
    assert_eq!(s["reconciles"], true, "team {team_id}: {s}");
    assert_eq!(
        opening,
        team.before(from),
        "team {team_id}: opening at {from}"
    );
    assert_eq!(closing, team.before(to), "team {team_id}: closing at {to}");
    assert_eq!(
        whole,
        team.flows(from, to),
        "team {team_id}: flows of the range"
    );
    assert_eq!(
        opening.2 + whole[0] - whole[1],
        closing.2,
        "team {team_id}: opening + in - out == closing"
    );
    let periods = s["periods"].as_array().expect("periods");
    let mut cursor = from;
    let mut summed = [0; 4];
    for p in periods {
        let (a, b) = (instant(&p["start"]), instant(&p["end"]));
        let label = &p["period"];
        assert_eq!(
            a, cursor,
            "team {team_id}: period {label} starts where the last ended"
        );
        let f = flows(&p["flows"]);
        assert_eq!(
            f,
            team.flows(a, b),
            "team {team_id}: flows of period {label}"
        );
        assert_eq!(
            team.before(a).2 + f[0] - f[1],
            team.before(b).2,
            "team {team_id}: period {label}: opening + in - out == closing"
        );
        for (sum, x) in summed.iter_mut().zip(f) {
            *sum += x;
        }
        cursor = b;
    }
    assert_eq!(cursor, to, "team {team_id}: the periods cover the range");
    assert_eq!(
        summed, whole,
        "team {team_id}: the periods add up to the range"
    );
}
