//! The books and the records: a partner's ledger sums to zero like everyone's, a deleted
//! round's id is never handed out again, a leap second is refused, and the demo prints the
//! tokens to sign in with.

use serde_json::json;

use super::{assert_nothing_written, assert_refused, spawn, stored};
use crate::harness::{Server, TestApp, World};

/// Four reports for each of the world's bets, then a committed round that funds them.
async fn funded_round(app: &TestApp, w: &World) {
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        let rows: Vec<_> = (0..4)
            .map(|i| {
                json!({"bet_id": bet, "value": 110.0 + 5.0 * f64::from(i),
                       "observed_at": format!("2026-0{}-01T00:00:00Z", i + 3)})
            })
            .collect();
        app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    app.commit_round(100_000, "2026-07-01T00:00:00Z").await;
}

#[tokio::test]
async fn a_partner_reads_the_same_sum_of_balances_as_the_committee() {
    let app = spawn().await;
    let w = app.world().await;
    funded_round(&app, &w).await;
    let committee = app.get("/api/v1/ledger", &app.admin).await.expect(200);
    let partner = app.get("/api/v1/ledger", &w.partner).await.expect(200);
    // The partner sees its own two accounts only (its own and its hold account), and they hold
    // money: the sum of what it is shown is not the sum of the books.
    let shown = partner.body["accounts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(shown.len(), 2, "{}", partner.body);
    assert_ne!(shown[0]["balance"], 0, "{}", partner.body);
    assert_eq!(shown[1]["kind"], "hold", "{}", partner.body);
    assert_eq!(committee.body["sum_of_balances"], 0, "{}", committee.body);
    assert_eq!(partner.body["sum_of_balances"], 0, "{}", partner.body);
    let member = app.get("/api/v1/ledger", &w.member_a).await.expect(200);
    assert_eq!(member.body["sum_of_balances"], 0, "{}", member.body);
    // Filtering by another team's account finds no entries but changes no balance.
    let other = committee.body["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["team_id"] == w.team_a)
        .map(|a| a["id"].clone())
        .expect("team A has an account");
    let filtered = app
        .get(&format!("/api/v1/ledger?account_id={other}"), &w.partner)
        .await
        .expect(200);
    assert_eq!(filtered.body["entries"]["total"], 0, "{}", filtered.body);
    assert_eq!(filtered.body["accounts"], partner.body["accounts"]);
    assert_eq!(filtered.body["sum_of_balances"], 0);
}

/// Creates a draft round as of `as_of`; its id.
async fn draft(app: &TestApp, as_of: &str) -> i64 {
    app.post(
        "/api/v1/rounds",
        &app.admin,
        json!({"budget": 1_000, "as_of": as_of}),
    )
    .await
    .expect(201)
    .id()
}

#[tokio::test]
async fn a_deleted_draft_rounds_id_is_never_reused() {
    let app = spawn().await;
    app.world().await;
    let first = draft(&app, "2026-07-01T00:00:00Z").await;
    app.delete_round(first).await;
    let second = draft(&app, "2026-07-01T00:00:00Z").await;
    assert!(
        second > first,
        "round {first} deleted, then {second} created"
    );
    app.delete_round(second).await;
    let third = draft(&app, "2026-08-01T00:00:00Z").await;
    assert!(
        third > second,
        "round {second} deleted, then {third} created"
    );
    // The deleted ones stay gone: a command for them cannot reach the new draft.
    for gone in [first, second] {
        let reply = app.get(&format!("/api/v1/rounds/{gone}"), &app.admin).await;
        assert_refused(&reply, 404, &format!("round {gone}"));
    }
}

impl TestApp {
    async fn delete_round(&self, id: i64) {
        self.call(
            reqwest::Method::DELETE,
            &format!("/api/v1/rounds/{id}"),
            Some(&self.admin),
            None,
        )
        .await
        .expect(204);
    }
}

#[tokio::test]
async fn a_report_observed_at_a_leap_second_is_a_422_and_stores_nothing() {
    let app = spawn().await;
    let w = app.world().await;
    let before = stored(&app);
    for at in ["2026-06-30T23:59:60Z", "2016-12-31T23:59:60.5Z"] {
        let reply = app
            .report(
                &w.member_a,
                w.bet_a,
                json!({"value": 1.0, "observed_at": at}),
            )
            .await;
        assert_refused(&reply, 422, at);
        let batch = app
            .post(
                "/api/v1/reports/batch",
                &w.member_a,
                json!({"reports": [{"bet_id": w.bet_a, "value": 1.0, "observed_at": at}]}),
            )
            .await;
        assert_refused(&batch, 422, at);
    }
    assert_nothing_written(&app, &before, "a leap second");
}

/// A filter's bound is compared by the database, and the backends would compare a leap second
/// differently: refused in the audit log, its export and the audit page alike.
#[tokio::test]
async fn a_leap_second_in_a_filter_is_a_422() {
    let app = spawn().await;
    for path in [
        "/api/v1/audit?since=2016-12-31T23:59:60Z",
        "/api/v1/audit?until=2016-12-31T23:59:60Z",
        "/api/v1/exports/audit.csv?since=2016-12-31T23:59:60Z",
    ] {
        let reply = app.get(path, &app.admin).await;
        assert_refused(&reply, 422, path);
    }
}

#[tokio::test]
async fn demo_no_serve_prints_a_working_token_for_each_role() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let file = file.to_str().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"))
        .args(["demo", "--no-serve", "--file", file])
        .env("HORSERACE_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}");
    let tokens: Vec<(String, String)> = ["committee", "exec", "member", "partner"]
        .iter()
        .map(|role| {
            let line = stdout
                .lines()
                .find(|l| l.trim_start().starts_with(role))
                .unwrap_or_else(|| panic!("no {role} token in:\n{stdout}"));
            let token = line.split_whitespace().last().unwrap().to_owned();
            ((*role).to_owned(), token)
        })
        .collect();
    let server = Server::start(file);
    for (role, token) in tokens {
        let me = server.api.get("/api/v1/users/me", &token).await.expect(200);
        assert_eq!(me.body["role"], role.as_str(), "{role}: {}", me.body);
    }
}
