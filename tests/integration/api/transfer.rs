//! CSV in and out: importing reports (all or nothing, partial, idempotent, line numbers) and the
//! exports (round results, portfolio, ledger, audit) over the API and the CLI.

use serde_json::{Value, json};

use crate::harness::{TestApp, World, cli, spawn_app, whole_i64};

async fn import(app: &TestApp, token: &str, csv: &str, partial: bool) -> (u16, Value) {
    let path = if partial {
        "/api/v1/reports/import?partial=true"
    } else {
        "/api/v1/reports/import"
    };
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_with_line_numbers() {
    let app = spawn_app().await;
    let w = app.world().await;
    let good = format!(
        "bet_id,value,observed_at,source,idempotency_key\n\
         {a},101.5,2026-03-01T00:00:00Z,sheet,r1\n\
         chat-stickers,102,2026-03-02 00:00:00,,r2\n\
         {a},103,2026-03-03,,r3\n",
        a = w.bet_a
    );
    let (status, body) = import(&app, &w.member_a, &good, false).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["stored"], 3);
    assert_eq!(app.report_count(w.bet_a).await, 3);
    // Importing the same file again stores nothing twice.
    let (status, body) = import(&app, &w.member_a, &good, false).await;
    assert_eq!(status, 201);
    assert_eq!(
        (body["stored"].as_i64(), body["replayed"].as_i64()),
        (Some(0), Some(3))
    );
    assert_eq!(app.report_count(w.bet_a).await, 3);

    let bad = format!(
        "bet,value,observed_at\n\
         {a},1,2026-03-05T00:00:00Z\n\
         {a},lots,2026-03-05T00:00:00Z\n\
         no-such-bet,1,2026-03-05T00:00:00Z\n\
         {b},1,2026-03-05T00:00:00Z\n\
         {a},1,2999-01-01T00:00:00Z\n\
         {a},1,2026-03-06T00:00:00Z\n",
        a = w.bet_a,
        b = w.bet_b
    );
    let (status, body) = import(&app, &w.member_a, &bad, false).await;
    assert_eq!(status, 422, "{body}");
    let lines: Vec<i64> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["index"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5, 6], "every bad row by its line in the file");
    assert_eq!(app.report_count(w.bet_a).await, 3, "nothing was stored");
    // Partial mode keeps the good rows.
    let (status, body) = import(&app, &w.member_a, &bad, true).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["stored"].as_i64(), body["refused"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(app.report_count(w.bet_a).await, 5);

    let (status, body) = import(&app, &w.member_a, "colour,value\nred,1\n", false).await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown column")
    );
    let r = app
        .client
        .post(app.url("/api/v1/reports/import"))
        .bearer_auth(&w.member_a)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let huge = format!(
        "bet_id,value,observed_at\n{}",
        "1,1,2026-01-01T00:00:00Z\n".repeat(1_500_000)
    );
    let (status, body) = import(&app, &w.member_a, &huge, false).await;
    assert_eq!(status, 413, "{body}");
    let audit = app
        .get("/api/v1/audit?action=report.import", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        audit.body["total"], 2,
        "imports that stored something are audited once each; the replay stored nothing"
    );
}

#[tokio::test]
async fn exports_add_up_and_respect_roles() {
    let app = spawn_app().await;
    let w = app.world().await;
    for (token, bet) in [(&w.member_a, w.bet_a), (&w.partner, w.partner_bet)] {
        let rows: Vec<Value> = (0..4).map(|i| json!({"bet_id": bet, "value": 110.0 + 5.0 * f64::from(i), "observed_at": format!("2026-0{}-01T00:00:00Z", i + 3)})).collect();
        app.post("/api/v1/reports/batch", token, json!({"reports": rows}))
            .await
            .expect(201);
    }
    let round = app.commit_round(1_000_001, "2026-07-01T00:00:00Z").await;

    the_results_csv_adds_up_to_the_budget(&app, &w, round).await;

    let json_rows = app
        .get(&format!("/api/v1/rounds/{round}/results.json"), &w.member_b)
        .await
        .expect(200);
    assert_eq!(json_rows.body.as_array().unwrap().len(), 4);
    let partner = app
        .get(&format!("/api/v1/rounds/{round}/results.json"), &w.partner)
        .await
        .expect(200);
    assert_eq!(
        partner.body.as_array().unwrap().len(),
        1,
        "a partner sees only its own line"
    );
    app.get(&format!("/api/v1/rounds/{round}/results.xml"), &w.exec)
        .await
        .expect(404);

    the_portfolio_export_is_what_the_ledger_export_paid(&app, &w).await;

    let audit = app
        .get(
            "/api/v1/exports/audit.json?since=2000-01-01T00:00:00Z",
            &w.exec,
        )
        .await
        .expect(200);
    assert!(
        audit
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "round.commit")
    );
    let none = app
        .get(
            "/api/v1/exports/audit.json?until=2000-01-01T00:00:00Z",
            &w.exec,
        )
        .await
        .expect(200);
    assert_eq!(none.body.as_array().unwrap().len(), 0);
    app.get("/api/v1/exports/audit.csv", &w.member_a)
        .await
        .expect(403);
}

/// The round's results as CSV: the grants and the reserve row add up to the budget, in minor
/// units and in the decimal column alike.
async fn the_results_csv_adds_up_to_the_budget(app: &TestApp, w: &World, round: i64) {
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/rounds/{round}/results.csv")))
        .bearer_auth(&w.exec)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let grant = header.iter().position(|h| h == "grant_minor").unwrap();
    let decimal = header.iter().position(|h| h == "grant").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let sum: i64 = rows.iter().map(|r| r[grant].parse::<i64>().unwrap()).sum();
    assert_eq!(
        sum, 1_000_001,
        "the grants and the reserve row add up to the budget"
    );
    assert_eq!(rows.len(), 4, "three bets and the reserve");
    let cents: i64 = rows
        .iter()
        .map(|r| whole_i64((r[decimal].parse::<f64>().unwrap() * 100.0).round()))
        .sum();
    assert_eq!(cents, 1_000_001, "the decimal column is the same money");
}

/// The portfolio's funding is what the ledger paid, and the ledger's CSV has its header.
async fn the_portfolio_export_is_what_the_ledger_export_paid(app: &TestApp, w: &World) {
    let portfolio = app
        .get("/api/v1/exports/portfolio.json", &w.exec)
        .await
        .expect(200);
    let items = portfolio.body.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let funded: i64 = items
        .iter()
        .map(|b| b["total_granted_minor"].as_i64().unwrap())
        .sum();
    let ledger = app
        .get("/api/v1/exports/ledger.json", &w.exec)
        .await
        .expect(200);
    let paid: i64 = ledger
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount_minor"].as_i64().unwrap())
        .sum();
    assert_eq!(
        funded, paid,
        "the portfolio's funding is what the ledger paid"
    );
    let csv = app
        .client
        .get(app.url("/api/v1/exports/ledger.csv"))
        .bearer_auth(&w.exec)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("entry_id,created_at,from_account,to_account,amount_minor,amount,currency")
    );
}

#[tokio::test]
async fn the_cli_imports_exports_and_backs_up() {
    let app = spawn_app().await;
    let w = app.world().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports.csv");
    std::fs::write(&file, format!("bet_id,value,observed_at,idempotency_key\n{a},5,2026-02-01T00:00:00Z,c1\n{a},x,2026-02-02T00:00:00Z,c2\n", a = w.bet_a)).unwrap();
    let (ok, out, _) = cli(
        &app.database_url,
        &["import", "--as", "alice", "reports", file.to_str().unwrap()],
    );
    assert!(!ok, "a bad row refuses the file");
    assert!(
        out.contains("line 3: value: must be a number") && out.contains("nothing was stored"),
        "{out}"
    );
    let (ok, out, _) = cli(
        &app.database_url,
        &[
            "import",
            "--as",
            "alice",
            "reports",
            "--partial",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok && out.contains("1 stored"), "{out}");
    // The import's own peak memory (Linux), which the benchmark suite reads.
    let peak = out.split("(peak memory ").nth(1).expect(&out);
    assert!(
        peak.split(' ').next().unwrap().parse::<u64>().unwrap() > 0,
        "{out}"
    );
    assert_eq!(app.report_count(w.bet_a).await, 1);
    let (ok, out, err) = cli(
        &app.database_url,
        &[
            "import",
            "--as",
            "bob",
            "reports",
            "--partial",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        !ok && out.contains("all 2 rows were refused"),
        "a partial import that keeps no row is refused: {out} {err}"
    );
    assert_eq!(
        app.report_count(w.bet_a).await,
        1,
        "another team's member stores nothing on this bet"
    );

    let (ok, out, _) = cli(
        &app.database_url,
        &["export", "--format", "json", "portfolio"],
    );
    assert!(ok);
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);

    if !app.database_url.starts_with("postgres") {
        let copy = dir.path().join("copy.db");
        let (ok, out, err) = cli(&app.database_url, &["backup", copy.to_str().unwrap()]);
        assert!(ok, "{out}{err}");
        let (ok, out, _) = cli(
            copy.to_str().unwrap(),
            &["export", "--format", "json", "portfolio"],
        );
        assert!(ok);
        let copied: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(copied, rows, "the backup holds the same portfolio");
        let (ok, _, _) = cli(&app.database_url, &["backup", copy.to_str().unwrap()]);
        assert!(!ok, "a backup never overwrites a file");
    }
}
