//! The demo's races, as a new user finds them: one decided (the winner scaled, one loser merged,
//! one killed, the prize waiting for the next draft round) and two under way with standings.

use crate::harness::serve_demo;

#[tokio::test]
async fn the_demo_has_a_decided_race_and_two_under_way() {
    let (_database, api, people) = serve_demo().await;
    let admin = people.committee.1.expose();

    let races = api.get("/api/v1/races", admin).await.expect(200).body;
    let races = races.as_array().unwrap();
    assert_eq!(races.len(), 3, "{races:?}");
    let decided: Vec<_> = races.iter().filter(|r| r["status"] == "decided").collect();
    assert_eq!(decided.len(), 1, "{races:?}");
    let decided = decided[0];
    assert_eq!(decided["prize_state"], "waiting", "{decided}");
    let fates: Vec<&str> = decided["racers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fate"].as_str().unwrap())
        .collect();
    for fate in ["winner", "merged", "killed"] {
        assert!(fates.contains(&fate), "{fates:?}");
    }
    let winner = decided["winner_bet_id"].as_i64().unwrap();
    let bet = api
        .get(&format!("/api/v1/bets/{winner}"), admin)
        .await
        .expect(200)
        .body;
    assert_eq!(bet["stage"], "scale", "{bet}");

    for r in races.iter().filter(|r| r["status"] == "running") {
        let id = r["id"].as_i64().unwrap();
        let seen = api
            .get(&format!("/api/v1/races/{id}"), admin)
            .await
            .expect(200)
            .body;
        assert!(
            seen["standings"]["compared"].as_u64().unwrap() >= 2,
            "{seen}"
        );
    }
    let measures: Vec<&str> = races
        .iter()
        .map(|r| r["measure"].as_str().unwrap())
        .collect();
    assert!(
        measures.contains(&"metric") && measures.contains(&"progress"),
        "{measures:?}"
    );
    // The partner races in Search and sees the other racers without their teams.
    let partner = people.partner.1.expose();
    let seen = api.get("/api/v1/races", partner).await.expect(200).body;
    let seen = seen.as_array().unwrap();
    assert_eq!(
        seen.len(),
        1,
        "a partner reads only its own team's race: {seen:?}"
    );
    let hidden = seen[0]["racers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["team"].is_null())
        .count();
    assert_eq!(hidden, 2, "{seen:?}");
}
