//! `horserace market ...`: the same market from a terminal, with the API's rules.

use chrono::Utc;
use horserace::domain::{BillingPeriod, PeriodLength};
use serde_json::json;

use super::{market, quoted};
use crate::harness::{cli, spawn_unlimited};

#[tokio::test]
async fn the_terminal_shows_the_market_bills_and_prints_a_statement_that_reconciles() {
    let app = spawn_unlimited().await;
    let m = market(&app).await;
    let db = app.database_url.as_str();
    quoted(&app, &m, (&m.w.member_a, m.w.team_a), 2, 90_000).await;
    app.post(
        "/api/v1/subscriptions",
        &m.w.member_b,
        json!({"service_id": m.design, "team_id": m.w.team_b}),
    )
    .await
    .expect(201);

    let (ok, out, err) = cli(db, &["market", "services"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Payments platform")
            && out.contains("200.00")
            && out.contains("seat")
            && out.contains("Platform"),
        "{out}"
    );
    let (ok, out, _) = cli(db, &["market", "requests", "--status", "quoted"]);
    assert!(ok && out.contains("900.00"), "{out}");
    let (ok, out, _) = cli(
        db,
        &["market", "subscriptions", "--team", &m.w.team_b.to_string()],
    );
    assert!(
        ok && out.lines().count() == 3,
        "a header, its rule and team B's one subscription:\n{out}"
    );
    // The tables name teams and services, as the pages do.
    assert!(
        out.contains("Pod B") && out.contains("Design system"),
        "{out}"
    );

    // Billing is the committee's; a period is billed once.
    let period = BillingPeriod::containing(Utc::now(), PeriodLength::MONTH).label();
    let (ok, _, err) = cli(db, &["market", "--as", "bob", "bill", "create", &period]);
    assert!(!ok && err.contains("committee"), "{err}");
    let (ok, out, err) = cli(db, &["market", "bill", "create", &period]);
    assert!(ok, "{err}");
    assert!(out.contains("billing run 1"), "{out}");
    let (ok, out, err) = cli(db, &["market", "bill", "commit", "1"]);
    assert!(ok && out.contains("Charged USD"), "{out}{err}");
    let (ok, _, err) = cli(db, &["market", "bill", "commit", "1"]);
    assert!(!ok && err.contains("already committed"), "{err}");
    let (ok, out, _) = cli(db, &["market", "bill", "list"]);
    assert!(ok && out.contains("committed"), "{out}");

    let team = m.w.team_a.to_string();
    let (ok, out, err) = cli(
        db,
        &[
            "market",
            "statement",
            &team,
            "--from",
            "2020-01-01",
            "--to",
            "2030-01-01",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("+ grants") && out.contains("10,000.00"),
        "{out}"
    );
    // Another team's member may not read it.
    let (ok, _, err) = cli(db, &["market", "--as", "bob", "statement", &team]);
    assert!(!ok && err.contains("books"), "{err}");
}
