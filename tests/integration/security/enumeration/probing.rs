//! Another team's objects are indistinguishable from missing ones.

use super::{MISSING, Probe, indistinguishable, me, team_a_report, without_numbers};
use crate::harness::{Api, at, days_ago};
use crate::harness::{World, spawn_app};
use reqwest::Method;
use serde_json::json;

/// A partner probing ids: another team's bet, report, team and people are as absent as ids
/// that do not exist, and no answer carries their data.
#[tokio::test]
async fn a_partner_cannot_tell_another_teams_objects_from_missing_ones() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let report = team_a_report(&app, &w).await;
    let (bet, team) = (w.bet_a, w.team_a);
    let probes = partner_probes(bet, team, report);
    let secrets = [
        "Chat stickers".to_owned(),
        "Pod A".to_owned(),
        "secret export".to_owned(),
        "123.25".to_owned(),
        "alice".to_owned(),
    ];
    let failures = indistinguishable(&api, &w.partner, probes, &secrets).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    a_batch_naming_a_foreign_bet_reads_like_a_missing_one(&api, &w).await;
    listings_hold_only_the_partners_team(&api, &w, &app.admin).await;
}

/// Each object of team A a partner might probe, beside a missing one of the same kind.
fn partner_probes(bet: i64, team: i64, report: i64) -> Vec<Probe> {
    let future = at(days_ago(-30));
    vec![
        Probe {
            what: "GET a bet",
            method: Method::GET,
            foreign: format!("/api/v1/bets/{bet}"),
            missing: format!("/api/v1/bets/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET a bet's reports",
            method: Method::GET,
            foreign: format!("/api/v1/bets/{bet}/reports"),
            missing: format!("/api/v1/bets/{MISSING}/reports"),
            body: None,
        },
        Probe {
            what: "GET a report",
            method: Method::GET,
            foreign: format!("/api/v1/reports/{report}"),
            missing: format!("/api/v1/reports/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET a team",
            method: Method::GET,
            foreign: format!("/api/v1/teams/{team}"),
            missing: format!("/api/v1/teams/{MISSING}"),
            body: None,
        },
        Probe {
            what: "report on a bet",
            method: Method::POST,
            foreign: format!("/api/v1/bets/{bet}/reports"),
            missing: format!("/api/v1/bets/{MISSING}/reports"),
            body: Some(json!({"value": 1.0})),
        },
        Probe {
            what: "add a threshold",
            method: Method::POST,
            foreign: format!("/api/v1/bets/{bet}/thresholds"),
            missing: format!("/api/v1/bets/{MISSING}/thresholds"),
            body: Some(json!({"target": 150.0, "effective_from": future})),
        },
        Probe {
            what: "GET a user",
            method: Method::GET,
            foreign: "/api/v1/users/2".into(),
            missing: format!("/api/v1/users/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET a user's tokens",
            method: Method::GET,
            foreign: "/api/v1/users/2/tokens".into(),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: None,
        },
        Probe {
            what: "issue a token for a user",
            method: Method::POST,
            foreign: "/api/v1/users/2/tokens".into(),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: Some(json!({"label": "x"})),
        },
        Probe {
            what: "revoke a user's token",
            method: Method::DELETE,
            foreign: "/api/v1/tokens/2".into(),
            missing: format!("/api/v1/tokens/{MISSING}"),
            body: None,
        },
    ]
}

/// A batch naming another team's bet reads exactly like one naming a missing bet.
async fn a_batch_naming_a_foreign_bet_reads_like_a_missing_one(api: &Api, w: &World) {
    let bet = w.bet_a;
    let foreign = api
        .post(
            "/api/v1/reports/batch",
            &w.partner,
            json!({"reports": [{"bet_id": bet, "value": 1.0}, {"bet_id": bet, "value": 2.0}]}),
        )
        .await;
    let missing = api.post("/api/v1/reports/batch", &w.partner, json!({"reports": [{"bet_id": MISSING, "value": 1.0}, {"bet_id": MISSING, "value": 2.0}]})).await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    assert_eq!(without_numbers(&foreign), without_numbers(&missing));
}

/// Listings (bets, teams, the ledger, even filtered by team A's account) hold only the
/// partner's own team.
async fn listings_hold_only_the_partners_team(api: &Api, w: &World, admin: &str) {
    let team = w.team_a;
    let bets = api
        .get(&format!("/api/v1/bets?team_id={team}"), &w.partner)
        .await
        .expect(200);
    assert_eq!(bets.body["total"], 0);
    let all = api
        .get("/api/v1/bets?per_page=500", &w.partner)
        .await
        .expect(200);
    assert!(
        all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["team_id"] == w.partner_team)
    );
    let teams = api.get("/api/v1/teams", &w.partner).await.expect(200);
    assert_eq!(teams.body.as_array().unwrap().len(), 1);
    let ledger = api.get("/api/v1/ledger", &w.partner).await.expect(200);
    assert!(
        ledger.body["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["team_id"] == w.partner_team),
        "{}",
        ledger.body
    );
    let admin_ledger = api.get("/api/v1/ledger", admin).await.expect(200);
    let team_a_account = admin_ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["team_id"] == team)
        .unwrap()["id"]
        .clone();
    let other = api
        .get(
            &format!("/api/v1/ledger?account_id={team_a_account}"),
            &w.partner,
        )
        .await
        .expect(200);
    assert_eq!(other.body["entries"]["total"], 0);
    assert!(
        other.body["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["team_id"] == w.partner_team)
    );
}

/// The same for members of another team, who read every team but may write only for their
/// own: a refused write says nothing about the object.
#[tokio::test]
async fn a_member_cannot_probe_other_peoples_tokens() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let alice = me(&api, &w.member_a).await;
    let tokens = api
        .get(&format!("/api/v1/users/{alice}/tokens"), &w.member_a)
        .await
        .expect(200);
    let token_id = tokens.body[0]["id"].as_i64().unwrap();
    let probes = vec![
        Probe {
            what: "GET another member",
            method: Method::GET,
            foreign: format!("/api/v1/users/{alice}"),
            missing: format!("/api/v1/users/{MISSING}"),
            body: None,
        },
        Probe {
            what: "GET another member's tokens",
            method: Method::GET,
            foreign: format!("/api/v1/users/{alice}/tokens"),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: None,
        },
        Probe {
            what: "issue a token for another member",
            method: Method::POST,
            foreign: format!("/api/v1/users/{alice}/tokens"),
            missing: format!("/api/v1/users/{MISSING}/tokens"),
            body: Some(json!({"label": "mine now"})),
        },
        Probe {
            what: "revoke another member's token",
            method: Method::DELETE,
            foreign: format!("/api/v1/tokens/{token_id}"),
            missing: format!("/api/v1/tokens/{MISSING}"),
            body: None,
        },
    ];
    let failures = indistinguishable(
        &api,
        &w.member_b,
        probes,
        &["alice".to_owned(), "hr_".to_owned()],
    )
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    api.get("/api/v1/users/me", &w.member_a).await.expect(200);
}

#[tokio::test]
async fn a_partner_correcting_another_teams_report_learns_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let api = Api::of(&app);
    let report = team_a_report(&app, &w).await;
    let probes = vec![Probe {
        what: "correct a report",
        method: Method::POST,
        foreign: format!("/api/v1/reports/{report}/corrections"),
        missing: format!("/api/v1/reports/{MISSING}/corrections"),
        body: Some(json!({"value": 1.0})),
    }];
    let failures = indistinguishable(&api, &w.partner, probes, &[format!("bet {}", w.bet_a)]).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
