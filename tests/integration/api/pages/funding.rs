//! The portfolio's most funded bets against the ledger.

use super::world_with_round;
use crate::harness::spawn_app;
use serde_json::json;
use std::collections::BTreeMap;

/// The portfolio's "most funded" list sums what each bet was granted over every round; the
/// ledger, which paid those grants, must say the same, also after the server kept the totals
/// of an earlier round.
#[tokio::test]
async fn the_most_funded_bets_are_what_the_ledger_paid_them() {
    use horserace::db::overview::committed_rounds;
    use horserace::services::funding_totals::FundingTotals;
    let app = spawn_app().await;
    let (w, _) = world_with_round(&app).await;
    let url = horserace::db::DatabaseUrl::parse(&app.database_url).unwrap();
    let pool =
        horserace::db::connection::connect(&url, 1, horserace::db::connection::POOL_WAIT).unwrap();
    let mut conn = pool.get().unwrap();
    let kept = FundingTotals::default();
    let rounds = committed_rounds(&mut conn).unwrap();
    let after_one = kept.most_funded(&mut conn, &rounds, 10).unwrap();
    drop(conn);
    // A second round, with enough reports in its window to grant again, so that the sums run
    // over more than one.
    for (token, bet) in [
        (&w.member_a, w.bet_a),
        (&w.member_b, w.bet_b),
        (&w.partner, w.partner_bet),
    ] {
        let rows: Vec<_> = (0..4)
            .map(|i| json!({"bet_id": bet, "value": 130.0 + 5.0 * f64::from(i), "observed_at": format!("2026-07-{:02}T00:00:00Z", 10 + i)}))
            .collect();
        app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    app.commit_round(50_000, "2026-08-01T00:00:00Z").await;

    let ledger = app
        .get("/api/v1/ledger?per_page=500", &app.admin)
        .await
        .expect(200);
    let mut paid: BTreeMap<i64, i64> = BTreeMap::new();
    for entry in ledger.body["entries"]["items"].as_array().unwrap() {
        if let Some(bet) = entry["bet_id"].as_i64() {
            *paid.entry(bet).or_default() += entry["amount"].as_i64().unwrap();
        }
    }
    assert!(!paid.is_empty(), "the rounds granted something");
    let mut expected: Vec<(i64, i64)> = paid.into_iter().collect();
    expected.sort_by_key(|&(bet, total)| (std::cmp::Reverse(total), bet));

    let mut conn = pool.get().unwrap();
    let got: Vec<(i64, i64)> = horserace::db::overview::funding_totals(&mut conn, 10)
        .unwrap()
        .into_iter()
        .filter(|(_, total)| *total > 0)
        .collect();
    assert_eq!(got, expected);
    // What the page reads: the kept totals of one round give way to the sums over both.
    let rounds = committed_rounds(&mut conn).unwrap();
    let after_two: Vec<(i64, i64)> = kept
        .most_funded(&mut conn, &rounds, 10)
        .unwrap()
        .into_iter()
        .filter(|(_, total)| *total > 0)
        .collect();
    assert_ne!(after_one, after_two, "the second round granted something");
    assert_eq!(after_two, expected);
}
