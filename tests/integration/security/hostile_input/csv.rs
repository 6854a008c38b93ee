//! Hostile CSV files for the import.

use crate::harness::spawn_unlimited;
use reqwest::Method;
use serde_json::Value;

/// The CSV import takes files, not JSON: hostile files get a 4xx with the envelope (or, for a
/// file that holds nothing, a 201 that stored nothing), never a 5xx, and the server stays up.
#[tokio::test]
async fn hostile_csv_files_never_get_a_5xx() {
    let app = spawn_unlimited().await;
    let w = app.world().await;
    let cases = hostile_files(w.bet_a);
    let mut failures = Vec::new();
    for (label, body) in cases {
        let response = app
            .client
            .post(app.url("/api/v1/reports/import"))
            .bearer_auth(&w.member_a)
            .header("content-type", "text/csv")
            .timeout(std::time::Duration::from_secs(30))
            .body(body)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) => {
                failures.push(format!("{label}: no answer: {e:?}"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let ok =
            status == 201 || ((400..500).contains(&status) && body["error"]["code"].is_string());
        if !ok {
            failures.push(format!("{label}: {status} {body}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let reports = app
        .get(&format!("/api/v1/bets/{}/reports", w.bet_a), &app.admin)
        .await
        .expect(200);
    // Only the spreadsheet export with a byte-order mark and CRLF lines is a good file: its one
    // row is stored; nothing else is.
    assert_eq!(reports.body["total"], 1, "nothing hostile was stored");
    app.call(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
}

/// Hostile CSV files for a member of `bet`'s team, each with a label: broken encodings and
/// quoting, huge cells and files, odd values and odd instants.
fn hostile_files(bet: i64) -> Vec<(String, Vec<u8>)> {
    let header = "bet_id,value,observed_at\n";
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("header only".into(), header.as_bytes().to_vec()),
        ("binary".into(), vec![0, 1, 2, 255, 254, 10, 13, 0]),
        (
            "invalid utf-8".into(),
            [header.as_bytes(), &[0xff, 0xfe, b',', b'1', b'\n']].concat(),
        ),
        (
            "unterminated quote".into(),
            format!("{header}{},\"2,2026-01-01\n", bet).into_bytes(),
        ),
        (
            "BOM and CRLF".into(),
            format!("\u{feff}{}\r\n{},1,2026-01-01\r\n", header.trim_end(), bet).into_bytes(),
        ),
        (
            "tabs".into(),
            format!("bet_id\tvalue\tobserved_at\n{}\t1\t2026-01-01\n", bet).into_bytes(),
        ),
        (
            "100,000 columns".into(),
            format!("{header}{}\n", vec!["1"; 100_000].join(",")).into_bytes(),
        ),
        (
            "10,000 empty lines".into(),
            format!("{header}{}", "\n".repeat(10_000)).into_bytes(),
        ),
        (
            "20 MB cell".into(),
            format!(
                "{header}{},{},2026-01-01\n",
                bet,
                "9".repeat(20 * 1024 * 1024)
            )
            .into_bytes(),
        ),
        (
            "45 MB file (over the 32 MiB limit)".into(),
            format!(
                "{header}{}",
                format!("{},1,2026-01-01\n", bet).repeat(3_000_000)
            )
            .into_bytes(),
        ),
        (
            "SQL in a slug".into(),
            format!("{header}'; DROP TABLE reports; --,1,2026-01-01\n").into_bytes(),
        ),
    ];
    for value in [
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "1e400",
        "0x10",
        "1,5",
        "",
        "\u{202e}1",
    ] {
        cases.push((
            format!("value {value:?}"),
            format!("{header}{},\"{value}\",2026-01-01\n", bet).into_bytes(),
        ));
    }
    for when in [
        "+10000-01-01T00:00:00Z",
        "0001-01-01",
        "2026-13-01",
        "2026-01-01T00:00:00+99:00",
        "yesterday",
        "2999-01-01",
    ] {
        cases.push((
            format!("observed_at {when:?}"),
            format!("{header}{},1,{when}\n", bet).into_bytes(),
        ));
    }
    cases
}
