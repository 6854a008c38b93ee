//! Hostile paths and queries on the read routes.

use super::HOSTILE_TIMEOUT;
use crate::harness::spawn_unlimited;
use crate::harness::{Api, is_envelope};
use reqwest::Method;

/// Hostile paths and queries on the read routes.
#[tokio::test]
async fn hostile_paths_and_queries_get_a_4xx_envelope() {
    let app = spawn_unlimited().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let mut failures = Vec::new();
    let paths = [
        "/api/v1/bets/99999999999999999999",
        "/api/v1/bets/-1",
        "/api/v1/bets/0",
        "/api/v1/bets/1e3",
        "/api/v1/bets/%00",
        "/api/v1/bets/%E2%80%AE1",
        "/api/v1/bets/1%20OR%201=1",
        "/api/v1/bets/1;DROP%20TABLE%20bets",
        "/api/v1/reports/NaN",
        "/api/v1/rounds/Infinity/verification",
        "/api/v1/teams/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/bets?per_page=1e400",
        "/api/v1/bets?per_page=0",
        "/api/v1/bets?per_page=-1",
        "/api/v1/bets?per_page=18446744073709551616",
        "/api/v1/bets?page=0",
        "/api/v1/bets?page=4294967296",
        "/api/v1/bets?status=NaN",
        "/api/v1/bets?status=active%27%20OR%20%271%27=%271",
        "/api/v1/bets?team_id=%00",
        "/api/v1/bets?team_id=1&team_id=2",
        "/api/v1/bets?unknown=1",
        "/api/v1/bets/1/reports?per_page=501",
        "/api/v1/ledger?round_id=abc",
        "/api/v1/audit?since=+275760-09-13T00:00:00Z",
        "/api/v1/audit?since=2026-01-01T00:00:00%2B23:59",
        "/api/v1/audit?until=-000001-01-01T00:00:00Z",
        "/api/v1/audit?since=NaN",
        "/api/v1/audit?actor_id=9223372036854775808",
        "/api/v1/audit?action=%27%3B%20DROP%20TABLE%20audit_log%3B%20--",
        "/api/v1/users?team_id=1.5",
    ];
    for path in paths {
        match tokio::time::timeout(
            HOSTILE_TIMEOUT,
            api.try_call(Method::GET, path, Some(&app.admin), None),
        )
        .await
        {
            Ok(Ok(reply)) => {
                let status = reply.status.as_u16();
                if !((200..300).contains(&status)
                    || ((400..500).contains(&status) && is_envelope(&reply)))
                {
                    failures.push(format!("GET {path}: {status} {}", reply.body));
                }
            }
            other => failures.push(format!("GET {path}: {other:?}")),
        }
    }
    let audit = api
        .get("/api/v1/audit?per_page=500", &app.admin)
        .await
        .expect(200);
    assert!(
        audit.body["total"].as_i64() > Some(0),
        "the audit log is still there"
    );
    api.get(&format!("/api/v1/bets/{}", w.bet_a), &w.member_a)
        .await
        .expect(200);
    assert!(api.is_healthy().await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
