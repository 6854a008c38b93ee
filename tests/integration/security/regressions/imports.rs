//! Imports that keep nothing are refused and audit nothing; a leap second is refused in a CSV
//! cell as in a JSON body.

use super::{assert_nothing_written, assert_refused, import, spawn, stored};
use crate::harness::TestApp;

/// How many `report.import` rows the audit log holds.
async fn import_audits(app: &TestApp) -> i64 {
    app.get("/api/v1/audit?action=report.import", &app.admin)
        .await
        .expect(200)
        .body["total"]
        .as_i64()
        .unwrap_or(-1)
}

#[tokio::test]
async fn a_partial_import_whose_every_row_is_refused_is_a_422_and_audits_nothing() {
    let app = spawn().await;
    let w = app.world().await;
    let csv = format!(
        "bet_id,value,observed_at\n\
         999999,1,2026-05-01T00:00:00Z\n\
         {},lots,2026-05-01T00:00:00Z\n\
         {},1,yesterday\n\
         {},1,2026-05-01T00:00:00Z\n",
        w.bet_a, w.bet_a, w.bet_b
    );
    let before = stored(&app);
    let reply = import(&app, &w.member_a, "?partial=true", &csv).await;
    assert_refused(&reply, 422, "every row refused");
    assert_eq!(
        reply.body["error"]["details"].as_array().map(Vec::len),
        Some(4)
    );
    assert_nothing_written(&app, &before, "a partial import that kept nothing");
    assert_eq!(import_audits(&app).await, 0);
    // One good row among them is kept, and audited once.
    let good = format!("{csv}{},1,2026-05-01T00:00:00Z\n", w.bet_a);
    let reply = import(&app, &w.member_a, "?partial=true", &good)
        .await
        .expect(201);
    assert_eq!(reply.body["stored"], 1, "{}", reply.body);
    assert_eq!(import_audits(&app).await, 1);
}

#[tokio::test]
async fn an_import_of_a_header_alone_is_a_422_and_audits_nothing() {
    let app = spawn().await;
    let w = app.world().await;
    let before = stored(&app);
    for csv in ["bet_id,value,observed_at\n", "bet_id,value,observed_at"] {
        for query in ["", "?partial=true"] {
            let reply = import(&app, &w.member_a, query, csv).await;
            assert_refused(&reply, 422, &format!("{csv:?}{query}"));
        }
    }
    assert_nothing_written(&app, &before, "an empty import");
    assert_eq!(import_audits(&app).await, 0);
}

#[tokio::test]
async fn a_leap_second_in_an_imported_row_is_a_422_and_stores_nothing() {
    let app = spawn().await;
    let w = app.world().await;
    let csv = format!(
        "bet_id,value,observed_at\n{},1,2026-06-30T23:59:60Z\n",
        w.bet_a
    );
    for query in ["", "?partial=true"] {
        let before = stored(&app);
        let reply = import(&app, &w.member_a, query, &csv).await;
        assert_refused(&reply, 422, query);
        assert_eq!(reply.body["error"]["details"][0]["field"], "observed_at");
        assert_nothing_written(&app, &before, "a leap second");
    }
    assert_eq!(app.report_count(w.bet_a).await, 0);
}
