//! `horserace race ...`: the same races from a terminal, with the API's rules; and the races
//! as a spreadsheet (`GET /exports/races.csv`).

use chrono::{TimeDelta, Utc};

use super::racing_world;
use crate::harness::{at, cli, spawn_app};

#[tokio::test]
async fn the_terminal_declares_shows_and_decides_a_race() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    let db = app.database_url.as_str();
    let racers = format!("{},{},{}", w.bet_a, w.bet_b, w.partner_bet);
    let start = at(Utc::now() - TimeDelta::days(10));
    let finish = at(Utc::now() + TimeDelta::days(1));
    let arena = w.arena.to_string();
    let declare = [
        "race",
        "declare",
        "--arena",
        &arena,
        "--name",
        "Terminal race",
        "--racers",
        &racers,
        "--start",
        &start,
        "--finish",
        &finish,
        "--prize",
        "250000",
    ];
    // Only the committee declares.
    let (ok, _, err) = cli(db, &[&declare[..], &["--as", "erin"]].concat());
    assert!(!ok && err.contains("committee"), "{err}");
    let (ok, out, err) = cli(db, &declare);
    assert!(ok, "{err}");
    assert!(
        out.contains("Declared race 1") && out.contains("3 racers"),
        "{out}"
    );

    let (ok, out, err) = cli(db, &["race", "show", "1", "--as", "erin"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Call so far: Chat stickers (bet 1) leads with P(best)")
            && out.contains("enough to call it (90% needed)"),
        "{out}"
    );
    let (ok, out, _) = cli(db, &["race", "list"]);
    assert!(
        ok && out.contains("Terminal race") && out.contains("running"),
        "{out}"
    );

    // Before the finish a decision needs a reason.
    let kill = format!("{},{}", w.bet_b, w.partner_bet);
    let (ok, _, err) = cli(db, &["race", "decide", "1", "--kill", &kill]);
    assert!(!ok && err.contains("reason"), "{err}");
    let (ok, out, err) = cli(
        db,
        &[
            "race",
            "decide",
            "1",
            "--kill",
            &kill,
            "--reason",
            "the lead is beyond doubt",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Chat stickers (bet 1) won. Reason: the lead is beyond doubt")
            && out.contains("killed"),
        "{out}"
    );
    let bet = app
        .get(&format!("/api/v1/bets/{}", w.bet_b), &app.admin)
        .await
        .expect(200);
    assert_eq!(bet.body["status"], "killed");
}

#[tokio::test]
async fn the_races_export_lists_every_racer_and_hides_other_teams_from_a_partner() {
    let app = spawn_app().await;
    let w = racing_world(&app).await;
    app.post("/api/v1/races", &app.admin, super::race_body(&w))
        .await
        .expect(201);
    let rows = app
        .get("/api/v1/exports/races.json", &w.exec)
        .await
        .expect(200)
        .body;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter()
            .all(|r| r["call"] == "winner" && r["p_best"].is_f64()),
        "{rows:?}"
    );
    let csv = app
        .client
        .get(app.url("/api/v1/exports/races.csv"))
        .bearer_auth(&w.partner)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("race_id,race,arena_id"), "{csv}");
    assert!(
        csv.contains("Partner Co") && !csv.contains("Pod A"),
        "{csv}"
    );
}
