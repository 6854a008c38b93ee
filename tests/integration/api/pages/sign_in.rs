//! Signing in and out: pages ask for it, bad tokens are refused, signing out ends the session.

use super::{attr, no_redirects, sign_in};
use crate::harness::spawn_app;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

#[tokio::test]
async fn pages_ask_for_sign_in_and_refuse_bad_tokens() {
    let app = spawn_app().await;
    let client = no_redirects();
    let r = client.get(app.url("/rounds/1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/login?next=/rounds/1");
    // The sign-in form needs its own CSRF cookie.
    let r = client
        .post(app.url("/login"))
        .form(&[("token", app.admin.as_str()), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let form = client.get(app.url("/login")).send().await.unwrap();
    let login_cookie = form.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = attr(&form.text().await.unwrap(), "csrf");
    let r = client
        .post(app.url("/login"))
        .header(COOKIE, &login_cookie)
        .form(&[("token", "hr_not-a-real-token-at-all"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()
            .get_all(SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("hr_session="))
    );
    assert!(r.text().await.unwrap().contains("That token is not valid"));
    // An open redirect is not followed.
    let browser = sign_in(&app, &app.admin).await;
    let page = client
        .get(app.url("/login?next=//evil.example"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"next\" value=\"/\""));
    let (status, _) = browser.get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let browser = sign_in(&app, &app.admin).await;
    let (status, location, _) = browser.post(&app, "/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/login"));
    let (status, _) = browser.get(&app, "/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
}
