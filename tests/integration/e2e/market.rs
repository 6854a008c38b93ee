//! Ordering through the internal market's pages in a real browser, on the demo portfolio: a
//! member asks for work through the catalogue's form and the request arrives on its provider's
//! team page. (The tour, `tour.rs`, reads every market page for every role at both widths.)

use fantoccini::{Client, Locator};

use super::browser::{browser_at, chromedriver, sign_in, sign_out, source};
use super::journey::serve_the_demo;

/// The demo's team of its member (Pod Alpha) and of its partner (Northwind Labs).
const MEMBER_TEAM: i64 = 1;
const PARTNER_TEAM: i64 = 11;

#[tokio::test]
#[ignore = "needs Chromium and chromedriver; CI runs it with --ignored"]
async fn a_member_orders_work_through_the_catalogue_and_its_provider_sees_it() {
    let (_dir, base, people) = serve_the_demo().await;
    let (_driver, port) = chromedriver().await;
    let c = browser_at(port, 1366).await;
    a_member_asks_for_work(&c, &base, people.member.1.expose()).await;
    the_provider_sees_it(&c, &base, people.committee.1.expose()).await;
    c.close().await.unwrap();
}

async fn a_member_asks_for_work(c: &Client, base: &str, token: &str) {
    sign_in(c, base, token).await;
    c.goto(&format!("{base}/services")).await.unwrap();
    // The design system's card: open the form, fill it, send it.
    let card = c.find(Locator::Css("#service-3")).await.unwrap();
    card.find(Locator::Css("details.action:last-of-type summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for (field, text) in [
        ("rq-3", "2"),
        ("max-3", "600.00"),
        ("purpose-3", "checkout screens, browser test"),
    ] {
        let input = c.find(Locator::Id(field)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }
    card.find(Locator::Css("form[action='/requests'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap();
    assert!(source(c).await.contains("Request filed."));
    c.goto(&format!("{base}/teams/{MEMBER_TEAM}#requests"))
        .await
        .unwrap();
    assert!(source(c).await.contains("checkout screens, browser test"));
    sign_out(c).await;
}

/// The committee (who may read every team) finds the request on the provider's page, open and
/// waiting for its quote; the partner's team page never shows another team's statement.
async fn the_provider_sees_it(c: &Client, base: &str, token: &str) {
    sign_in(c, base, token).await;
    c.goto(&format!("{base}/teams/12")).await.unwrap();
    let page = source(c).await;
    assert!(
        page.contains("checkout screens, browser test") && page.contains("serves Pod Alpha"),
        "the provider's page lists the new request"
    );
    c.goto(&format!("{base}/teams/{PARTNER_TEAM}"))
        .await
        .unwrap();
    assert!(source(c).await.contains("Statement since"));
    sign_out(c).await;
}
