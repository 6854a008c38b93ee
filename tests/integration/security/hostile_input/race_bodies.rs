//! The races' JSON routes for the hostile-input attack, each with a body it accepts, on real
//! objects so that a hostile value that parses reaches the rules of the race: a declaration
//! in an arena with no race, a finish moved on one running race, a decision on another.

use serde_json::{Value, json};

use super::JsonRoute;
use crate::harness::Api;

/// Two teams, each with an active bet in each of three arenas, and a running race in two of
/// them; the races' JSON routes on these.
pub(super) async fn race_routes(api: &Api, admin: &str) -> Vec<JsonRoute> {
    let post = |path: String, body: Value| async move {
        api.post(&path, admin, body).await.expect(201).id()
    };
    let team = |name: &str| {
        post(
            "/api/v1/teams".into(),
            json!({"name": name, "kind": "internal", "max_members": 5}),
        )
    };
    let (red, blue) = (team("Hostile red").await, team("Hostile blue").await);
    // A member of the blue team, to move with a merge.
    let blue_member = api
        .post(
            "/api/v1/users",
            admin,
            json!({"name": "hostile-blue", "role": "member", "team_id": blue}),
        )
        .await
        .expect(201)
        .body["user"]["id"]
        .as_i64()
        .unwrap();
    let mut arenas = Vec::new();
    for name in [
        "Hostile race arena",
        "Hostile extend arena",
        "Hostile decision arena",
    ] {
        let arena = post("/api/v1/arenas".into(), json!({"name": name})).await;
        let mut bets = [0; 2];
        for (slot, owner) in bets.iter_mut().zip([red, blue]) {
            let body = json!({
                "arena_id": arena, "team_id": owner, "title": format!("{name} {owner}"),
                "metric": {"name": "m", "unit": "u", "direction": "higher_is_better"},
                "baseline": 100.0,
                "thresholds": [{"target": 120.0, "effective_from": "2020-01-01T00:00:00Z"}]
            });
            *slot = post("/api/v1/bets".into(), body).await;
            api.post(&format!("/api/v1/bets/{slot}/activate"), admin, json!({}))
                .await
                .expect(200);
        }
        arenas.push((arena, bets));
    }
    let declaration = |(arena, racers): (i64, [i64; 2])| {
        json!({
            "arena_id": arena, "name": "Hostile race", "racers": racers, "measure": "metric",
            "starts_at": "2020-01-01T00:00:00Z", "finish_at": "2098-01-01T00:00:00Z",
            "confidence": 0.9, "min_reports": 3, "prize": 1000
        })
    };
    let extend = post("/api/v1/races".into(), declaration(arenas[1])).await;
    let decide = post("/api/v1/races".into(), declaration(arenas[2])).await;
    let [winner, loser] = arenas[2].1;
    let route = |method, template, path: String, body| JsonRoute {
        method,
        template,
        path,
        body,
    };
    vec![
        route(
            "POST",
            "/api/v1/races",
            "/api/v1/races".into(),
            declaration(arenas[0]),
        ),
        route(
            "POST",
            "/api/v1/races/{id}/extend",
            format!("/api/v1/races/{extend}/extend"),
            json!({"finish_at": "2099-01-01T00:00:00Z"}),
        ),
        route(
            "POST",
            "/api/v1/races/{id}/decision",
            format!("/api/v1/races/{decide}/decision"),
            json!({
                "winner": winner, "reason": "r", "raise_cap_to": 10,
                "losers": [{"bet_id": loser, "fate": "merged", "people": [blue_member]}]
            }),
        ),
    ]
}
