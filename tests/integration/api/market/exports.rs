//! The market's exports over HTTP, over two billing periods of a small market: each one's CSV
//! and JSON carry the same rows, and those rows are what the JSON route shows the same caller
//! (a partner only its own team's lines); a team's statement export reconciles per period and
//! chains; an unknown format, a missing billing run or one never previewed is refused.

use std::collections::BTreeSet;

use chrono::Datelike;
use serde_json::{Value, json};

use super::{Market, act, market, next_period, quoted, refused};
use crate::harness::{TestApp, spawn_unlimited};

#[tokio::test]
async fn market_exports_carry_the_json_routes_rows_in_both_formats() {
    let app = spawn_unlimited().await;
    let m = market(&app).await;
    let now = app.clock.now();
    let first = format!("{:04}-{:02}", now.year(), now.month());
    let delivered = trade(&app, &m).await;
    let second = next_period(&app);
    let run = bill(&app, &second).await;
    act(&app, delivered, "deliver", &m.plat, json!({}))
        .await
        .expect(200);

    services_match(&app, &m).await;
    for token in [&app.admin, &m.w.member_a, &m.w.partner] {
        listings_match(&app, token).await;
    }
    partners_see_only_their_teams_lines(&app, &m).await;
    charges_match(&app, &m, run).await;
    for team in [m.w.team_a, m.w.team_b, m.w.partner_team, m.platform] {
        statement_reconciles(&app, team, &first).await;
    }
    refusals(&app, &m, run).await;
}

/// Subscriptions of teams A, B and the partner's; a request of A accepted (delivered later),
/// one of the partner's quoted, one of B's to the partner's service left open.
async fn trade(app: &TestApp, m: &Market) -> i64 {
    for (token, body) in [
        (
            &m.w.member_a,
            json!({"service_id": m.payments, "team_id": m.w.team_a, "bet_id": m.w.bet_a, "quantity": 3}),
        ),
        (
            &m.w.member_b,
            json!({"service_id": m.design, "team_id": m.w.team_b}),
        ),
        (
            &m.w.partner,
            json!({"service_id": m.payments, "team_id": m.w.partner_team}),
        ),
    ] {
        app.post("/api/v1/subscriptions", token, body)
            .await
            .expect(201);
    }
    let a = quoted(app, m, (&m.w.member_a, m.w.team_a), 4, 200_000).await;
    act(app, a, "accept", &m.w.member_a, json!({}))
        .await
        .expect(200);
    quoted(app, m, (&m.w.partner, m.w.partner_team), 1, 50_000).await;
    app.post(
        "/api/v1/requests",
        &m.w.member_b,
        json!({
            "service_id": m.design, "team_id": m.w.team_b, "request_type": "review",
            "quantity": 2, "purpose": "screens", "max_total": 20_000
        }),
    )
    .await
    .expect(201);
    a
}

/// A billing run of `period`, previewed and committed; its id.
async fn bill(app: &TestApp, period: &str) -> i64 {
    let run = app
        .post(
            "/api/v1/billing-runs",
            &app.admin,
            json!({"period": period}),
        )
        .await
        .expect(201)
        .id();
    for step in ["preview", "commit"] {
        app.post(
            &format!("/api/v1/billing-runs/{run}/{step}"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    }
    run
}

/// A JSON value as the CSV writes it.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The export at `path` (`.{format}` left out, a query kept) as JSON rows, after checking that
/// its CSV holds the same rows, cell for cell, under a header of the same fields.
async fn exported(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let (base, query) = path
        .split_once('?')
        .map_or((path, String::new()), |(b, q)| (b, format!("?{q}")));
    let rows = app
        .get(&format!("{base}.json{query}"), token)
        .await
        .expect(200)
        .body
        .as_array()
        .unwrap_or_else(|| panic!("{base}.json is an array"))
        .clone();
    let response = app
        .client
        .get(app.url(&format!("{base}.csv{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{base}.csv");
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert!(header("content-type").starts_with("text/csv"), "{base}");
    assert!(header("content-disposition").starts_with("attachment; filename="));
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len(), "{base}: CSV and JSON rows");
    for (row, record) in rows.iter().zip(&records) {
        let fields: BTreeSet<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(fields, header.iter().collect(), "{base}: the same fields");
        for (name, text) in header.iter().zip(record.iter()) {
            assert_eq!(text, cell(&row[name]), "{base}: {name} of {row}");
        }
    }
    rows
}

fn ids(rows: &[Value], field: &str) -> Vec<i64> {
    rows.iter().map(|r| r[field].as_i64().unwrap()).collect()
}

/// One row per service of `GET /services`, with its price, capacity used and waiting.
async fn services_match(app: &TestApp, m: &Market) {
    let listed = app.get("/api/v1/services", &m.w.partner).await.expect(200);
    let listed = listed.body.as_array().unwrap();
    let rows = exported(app, "/api/v1/exports/services", &m.w.partner).await;
    assert_eq!(ids(&rows, "service_id"), ids(listed, "id"));
    for (row, service) in rows.iter().zip(listed) {
        assert_eq!(row["provider_team"], service["provider_team"]);
        assert_eq!(row["price_minor"], service["plan"]["price"]);
        assert_eq!(row["quantity_unit"], service["plan"]["quantity_unit"]);
        assert_eq!(row["capacity"], service["capacity"]);
        assert_eq!(row["subscribers"], service["subscribers"]);
        assert_eq!(row["waiting_units"], service["waiting_units"]);
        let used = service["delivered_units"].as_i64().unwrap()
            + service["scheduled_units"].as_i64().unwrap();
        assert_eq!(row["used_units"], used);
    }
    let payments = rows.iter().find(|r| r["service_id"] == m.payments).unwrap();
    assert_eq!(
        (
            &payments["price"],
            &payments["subscribers"],
            &payments["used_units"]
        ),
        (&json!("200.00"), &json!(2), &json!(4)),
        "{payments}"
    );
}

/// The caller's subscriptions and requests are those the JSON listings show them.
async fn listings_match(app: &TestApp, token: &str) {
    let subscriptions = app.get("/api/v1/subscriptions", token).await.expect(200);
    let subscriptions = subscriptions.body.as_array().unwrap();
    let rows = exported(app, "/api/v1/exports/subscriptions", token).await;
    assert_eq!(ids(&rows, "subscription_id"), ids(subscriptions, "id"));
    for (row, s) in rows.iter().zip(subscriptions) {
        for field in [
            "team",
            "service",
            "state",
            "quantity",
            "bet_id",
            "starts_at",
        ] {
            assert_eq!(row[field], s[field], "{field}");
        }
    }
    let requests = app.get("/api/v1/requests", token).await.expect(200);
    let requests = requests.body.as_array().unwrap();
    let rows = exported(app, "/api/v1/exports/requests", token).await;
    assert_eq!(ids(&rows, "request_id"), ids(requests, "id"));
    for (row, r) in rows.iter().zip(requests) {
        for field in ["team", "service", "status", "quantity", "quote_expired"] {
            assert_eq!(row[field], r[field], "{field}");
        }
        assert_eq!(row["offer_minor"], r["offer"]);
        assert_eq!(row["held_minor"], r["held"]);
        assert_eq!(row["max_total_minor"], r["max_total"]);
    }
    // The filters are the listing's: `status` as of now.
    let open = exported(app, "/api/v1/exports/requests?status=open", token).await;
    let listed = app
        .get("/api/v1/requests?status=open", token)
        .await
        .expect(200);
    assert_eq!(
        ids(&open, "request_id"),
        ids(listed.body.as_array().unwrap(), "id")
    );
    assert!(open.iter().all(|r| r["status"] == "open"));
}

/// A partner's exports leave out the lines of other teams, as its JSON listings do.
async fn partners_see_only_their_teams_lines(app: &TestApp, m: &Market) {
    let own = m.w.partner_team;
    for (path, id) in [
        ("/api/v1/exports/subscriptions", "subscription_id"),
        ("/api/v1/exports/requests", "request_id"),
    ] {
        let all = exported(app, path, &app.admin).await;
        let seen = exported(app, path, &m.w.partner).await;
        assert!(seen.len() < all.len(), "{path}: the partner sees less");
        assert!(!seen.is_empty(), "{path}: the partner sees its own");
        for row in &seen {
            assert!(
                row["team_id"] == own || row["provider_team_id"] == own,
                "{path}: another team's line {row}"
            );
        }
        let others = ids(&all, id)
            .into_iter()
            .filter(|i| !ids(&seen, id).contains(i));
        assert!(others.count() > 0, "{path}");
    }
}

/// A run's charges are `GET /billing-runs/{id}`'s, with payer, provider, amount and paid.
async fn charges_match(app: &TestApp, m: &Market, run: i64) {
    let path = format!("/api/v1/billing-runs/{run}/charges");
    let rows = exported(app, &path, &m.w.exec).await;
    let detail = app
        .get(&format!("/api/v1/billing-runs/{run}"), &m.w.exec)
        .await
        .expect(200);
    let charges = detail.body["billing"]["charges"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "A, B and the partner subscribe");
    assert_eq!(
        ids(&rows, "subscription_id"),
        ids(charges, "subscription_id")
    );
    for (row, c) in rows.iter().zip(charges) {
        assert_eq!(row["payer_team_id"], c["team_id"]);
        assert_eq!(row["provider_team_id"], c["provider_team_id"]);
        assert_eq!(row["amount_minor"], c["amount"]);
        assert_eq!(row["paid"], c["paid"]);
        assert_eq!(row["run_status"], "committed");
    }
    let paid: i64 = rows
        .iter()
        .filter(|r| r["paid"] == true)
        .map(|r| r["amount_minor"].as_i64().unwrap())
        .sum();
    assert_eq!(paid, detail.body["charged"].as_i64().unwrap());
    let a = rows
        .iter()
        .find(|r| r["payer_team_id"] == m.w.team_a)
        .unwrap();
    assert_eq!(
        (&a["amount_minor"], &a["amount"]),
        (&json!(60_000), &json!("600.00"))
    );
}

/// Per period: opening + in - out = closing, in the CSV's cells as in the JSON; the periods
/// chain, the first opens and the last closes as the JSON statement does, and each period's
/// flows are the JSON statement's.
async fn statement_reconciles(app: &TestApp, team: i64, first: &str) {
    let path = format!("/api/v1/teams/{team}/statement?from={first}-01");
    let whole = app.get(&path, &app.admin).await.expect(200).body;
    let rows = exported(app, &path, &app.admin).await;
    let periods = whole["periods"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        periods.len() * 11,
        "team {team}: 11 lines a period"
    );
    let n = |v: &Value| v.as_i64().unwrap();
    let mut previous: Option<i64> = None;
    for (lines, period) in rows.chunks(11).zip(periods) {
        let sum = |side: &str| -> i64 {
            lines
                .iter()
                .filter(|l| l["side"] == side)
                .map(|l| n(&l["amount_minor"]))
                .sum()
        };
        let (opening, closing) = (n(&lines[0]["amount_minor"]), n(&lines[10]["amount_minor"]));
        assert_eq!(
            (&lines[0]["line"], &lines[10]["line"]),
            (&json!("opening"), &json!("closing"))
        );
        assert_eq!(
            opening + sum("in") - sum("out"),
            closing,
            "team {team} {period}"
        );
        let change: i64 = lines.iter().map(|l| n(&l["change_minor"])).sum();
        assert_eq!(
            change,
            closing - opening,
            "team {team}: the signed column sums"
        );
        assert_eq!(sum("in"), n(&period["flows"]["total_in"]), "team {team}");
        assert_eq!(sum("out"), n(&period["flows"]["total_out"]), "team {team}");
        for l in lines {
            assert_eq!(l["period"], period["period"]);
            let line = l["line"].as_str().unwrap();
            if let Some(amount) = period["flows"].get(line) {
                assert_eq!(&l["amount_minor"], amount, "team {team} {line}");
            }
        }
        if let Some(before) = previous {
            assert_eq!(opening, before, "team {team}: the periods chain");
        }
        previous = Some(closing);
    }
    assert_eq!(rows[0]["amount_minor"], whole["opening"]["total"]);
    assert_eq!(
        rows[rows.len() - 1]["amount_minor"],
        whole["closing"]["total"]
    );
}

/// Who may not read a statement export is refused as by the JSON statement; an unknown format,
/// a missing run and a run never previewed are refused with the error envelope.
async fn refusals(app: &TestApp, m: &Market, run: i64) {
    let team_a = m.w.team_a;
    for (token, status) in [(&m.w.partner, 404), (&m.w.member_b, 403)] {
        for ext in ["csv", "json"] {
            let path = format!("/api/v1/teams/{team_a}/statement.{ext}");
            let reply = app.get(&path, token).await;
            let json = app
                .get(&format!("/api/v1/teams/{team_a}/statement"), token)
                .await;
            assert_eq!((reply.status, reply.code()), (json.status, json.code()));
            assert_eq!(reply.status, status);
        }
    }
    for path in [
        "/api/v1/exports/requests.xml".to_owned(),
        "/api/v1/exports/services.CSV".to_owned(),
        format!("/api/v1/billing-runs/{run}/charges.pdf"),
        format!("/api/v1/teams/{team_a}/statement.txt"),
        "/api/v1/billing-runs/999999/charges.json".to_owned(),
        "/api/v1/billing-runs/999999/charges.csv".to_owned(),
    ] {
        refused(&app.get(&path, &app.admin).await, 404, "not_found");
    }
    let charges = format!("/api/v1/billing-runs/{run}/charges.csv");
    refused(&app.get(&charges, &m.w.member_a).await, 403, "forbidden");
    // A draft of the next period, never previewed, charges nothing yet.
    let third = super::next_month_start(app.clock.now())
        .format("%Y-%m")
        .to_string();
    let draft = app
        .post("/api/v1/billing-runs", &app.admin, json!({"period": third}))
        .await
        .expect(201)
        .id();
    let unpreviewed = app
        .get(
            &format!("/api/v1/billing-runs/{draft}/charges.json"),
            &app.admin,
        )
        .await;
    refused(&unpreviewed, 409, "not_previewed");
    let backwards = format!("/api/v1/teams/{team_a}/statement.csv?from=2026-02-01&to=2026-01-01");
    refused(&app.get(&backwards, &app.admin).await, 422, "invalid_value");
    let unknown = format!("/api/v1/teams/{team_a}/statement.json?since=2026-01-01");
    refused(&app.get(&unknown, &app.admin).await, 400, "invalid_query");
}
