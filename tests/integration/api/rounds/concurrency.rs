//! Two server processes racing to commit one round.

use super::{create_round, report_series};
use crate::harness::{Server, World, days_ago, spawn_app};

/// Two server processes on one database commit the same round at once, many times: exactly one
/// commit wins each time and the ledger holds one set of entries.
#[tokio::test]
async fn two_processes_racing_to_commit_never_double_commit() {
    let app = spawn_app().await;
    let w = app.world().await;
    report_series(&app, &w.member_a, w.bet_a, 200, &[110.0, 118.0, 125.0]).await;
    let first = Server::start(&app.database_url);
    let second = Server::start(&app.database_url);
    let mut expected_entries = 0;
    for i in 0..10 {
        let r = create_round(&app, 1_000 + i, days_ago(150 - i * 10)).await;
        let mut attempts = Vec::new();
        for address in [
            &first.address,
            &second.address,
            &first.address,
            &second.address,
        ] {
            let url = format!("{address}/api/v1/rounds/{r}/commit");
            let client = app.client.clone();
            let token = app.admin.clone();
            attempts.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for attempt in attempts {
            statuses.push(attempt.await.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409, 409, 409], "round {r}");
        let round = app
            .get(&format!("/api/v1/rounds/{r}"), &app.admin)
            .await
            .expect(200)
            .body;
        expected_entries += round["evaluation"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["grant"].as_i64().unwrap() > 0)
            .count();
        let ledger = app.get("/api/v1/ledger", &app.admin).await.expect(200);
        assert_eq!(
            usize::try_from(ledger.body["entries"]["total"].as_u64().unwrap()).unwrap(),
            expected_entries
        );
        assert_eq!(ledger.body["sum_of_balances"], 0);
        let verdict = app
            .get(&format!("/api/v1/rounds/{r}/verification"), &app.admin)
            .await
            .expect(200);
        assert_eq!(verdict.body["matches"], true);
    }
    let _: &World = &w;
}
