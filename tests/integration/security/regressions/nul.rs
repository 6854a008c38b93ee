//! A NUL byte reaches no query: PostgreSQL refuses it in text (answered 500), SQLite stores or
//! compares it. Audit filters and CSV cells are checked before the database sees them. (A NUL
//! in a name was refused before; it is one of the characters of `names`.)

use reqwest::StatusCode;

use super::{Browser, assert_nothing_written, assert_refused, import, spawn, stored};

#[tokio::test]
async fn a_nul_byte_in_an_audit_filter_is_a_422_on_both_backends() {
    let app = spawn().await;
    let w = app.world().await;
    for token in [app.admin.as_str(), w.exec.as_str()] {
        for query in [
            "action=%00",
            "action=report.create%00",
            "object_type=%00",
            "object_type=bet%00x",
        ] {
            let reply = app.get(&format!("/api/v1/audit?{query}"), token).await;
            assert_refused(&reply, 422, query);
            assert_eq!(reply.code(), "invalid_value", "{query}");
        }
    }
    // The same filters without the NUL still answer.
    app.get("/api/v1/audit?action=report.create", &app.admin)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_nul_byte_in_an_audit_page_filter_is_a_422_on_both_backends() {
    let app = spawn().await;
    let committee = Browser::sign_in(&app, &app.admin).await;
    for query in ["action=%00", "object_type=%00", "action=x%00&object_type=y"] {
        let (status, page) = committee.get(&app, &format!("/audit?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {page}");
    }
    let (status, _) = committee.get(&app, "/audit?action=team.create").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_nul_byte_in_an_imported_cell_is_a_422_and_stores_nothing() {
    let app = spawn().await;
    let w = app.world().await;
    let slug = app
        .get(&format!("/api/v1/bets/{}", w.bet_a), &app.admin)
        .await
        .expect(200)
        .body["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let files = [
        "bet,value,observed_at\n\0,1,2026-05-01T00:00:00Z\n".to_owned(),
        format!("bet,value,observed_at\n{slug}\0,1,2026-05-01T00:00:00Z\n"),
        format!(
            "bet_id,value,observed_at,source\n{},1,2026-05-01T00:00:00Z,a\0b\n",
            w.bet_a
        ),
        format!(
            "bet_id,value,observed_at,source\n{},1,2026-05-01T00:00:00Z,\0\n",
            w.bet_a
        ),
    ];
    for (i, csv) in files.iter().enumerate() {
        for token in [&app.admin, &w.member_a] {
            let before = stored(&app);
            let reply = import(&app, token, "", csv).await;
            let what = format!("file {i}");
            assert_refused(&reply, 422, &what);
            assert_nothing_written(&app, &before, &what);
        }
    }
}
