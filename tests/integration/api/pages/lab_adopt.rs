//! Adopting a policy as the portfolio's default (`horserace lab adopt`): the committee's, with a
//! reason, audited; refused to others and for a policy out of range, writing nothing; and the
//! next draft starts from it.

use super::sign_in;
use crate::harness::{cli, connect, fingerprint, spawn_app};

#[tokio::test]
async fn the_committee_adopts_a_default_and_the_next_draft_starts_from_it() {
    let app = spawn_app().await;
    let _ = app.world().await;
    app.commit_round(1_000, "2026-07-01T00:00:00Z").await;
    let db = app.database_url.as_str();
    let adopt = |policy: &'static str, reason: &'static str, as_user: &'static str| {
        vec![
            "lab", "adopt", "--policy", policy, "--reason", reason, "--as", as_user,
        ]
    };

    // Refused, and nothing written: a member, a policy out of range, a blank reason.
    let mut conn = connect(db);
    let before = fingerprint(&mut conn);
    for (args, why) in [
        (adopt(r#"{"min_grant":5}"#, "r", "alice"), "committee"),
        (adopt(r#"{"max_share":1.5}"#, "r", "admin"), "max_share"),
        (adopt(r#"{"min_grant":5}"#, " ", "admin"), "reason"),
        (
            adopt(r#"{"evidence_windows":0}"#, "r", "admin"),
            "evidence_windows",
        ),
    ] {
        let (ok, _, err) = cli(db, &args);
        assert!(!ok && err.contains(why), "{args:?}: {err}");
    }
    assert_eq!(before, fingerprint(&mut conn), "a refused adoption wrote");

    let (ok, out, err) = cli(
        db,
        &[
            "lab",
            "adopt",
            "--policy",
            r#"{"min_grant":5000,"evidence_windows":3}"#,
            "--reason",
            "the lab's pick",
            "--lab-run",
            "lab recommend --scenario hard",
        ],
    );
    assert!(ok && out.contains("Adopted policy 1"), "{out}{err}");
    let audit = app
        .get("/api/v1/audit?action=policy.adopt", &app.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(audit["total"], 1, "{audit}");
    let (ok, out, _) = cli(db, &["lab", "adoptions", "--as", "erin"]);
    assert!(
        ok && out.contains("the lab's pick") && out.contains("lab recommend"),
        "{out}"
    );

    // The create form starts from the adoption, which came after the last commit.
    let committee = sign_in(&app, &app.admin).await;
    let (_, page) = committee.get(&app, "/rounds").await;
    assert!(page.contains("the default policy adopted on"), "{page}");
    assert!(
        page.contains(r#"name="evidence_windows" inputmode="decimal" value="3""#)
            && page.contains(r#"name="min_grant" inputmode="decimal" value="50.00""#),
        "{page}"
    );
}
