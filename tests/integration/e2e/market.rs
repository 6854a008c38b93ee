//! The internal market's pages in a real browser, on the demo portfolio: every role reads the
//! Services catalogue, a team's statement and orders, the billing runs and the portfolio's
//! market at a glance at a phone's width (390 px) and a laptop's (1366 px) without the page
//! growing wider than the screen; a member asks for work through the catalogue's form and the
//! request arrives on its provider's team page.

use fantoccini::{Client, Locator};

use super::browser::{
    browser_at, chromedriver, fits_the_viewport, shot, shot_as_is, sign_in, sign_out, source,
};
use super::journey::serve_the_demo;

/// The demo's team of its member (Pod Alpha) and of its partner (Northwind Labs).
const MEMBER_TEAM: i64 = 1;
const PARTNER_TEAM: i64 = 11;

#[tokio::test]
#[ignore = "needs Chromium and chromedriver; CI runs it with --ignored"]
async fn the_market_pages_read_well_on_a_phone_and_a_laptop_and_take_an_order() {
    let (_dir, base, people) = serve_the_demo().await;
    let (_driver, port) = chromedriver().await;
    for width in [390, 1366] {
        let c = browser_at(port, width).await;
        let readers = [
            (
                "committee",
                people.committee.1.expose(),
                vec!["/services", "/", "/billing", "/billing/1", "/teams/10"],
            ),
            (
                "exec",
                people.exec.1.expose(),
                vec!["/", "/teams/11", "/billing/2"],
            ),
            (
                "member",
                people.member.1.expose(),
                vec!["/services", "/teams/1", "/bets/1"],
            ),
            (
                "partner",
                people.partner.1.expose(),
                vec!["/services", "/teams/11"],
            ),
        ];
        for (role, token, pages) in readers {
            sign_in(&c, &base, token).await;
            for page in pages {
                c.goto(&format!("{base}{page}")).await.unwrap();
                let html = source(&c).await;
                assert!(!html.contains("Status 5"), "{role} {page}: {html}");
                fits_the_viewport(&c, &format!("{role} at {width} px on {page}")).await;
                let slug = match page.trim_matches('/') {
                    "" => "portfolio".to_owned(),
                    path => path.replace('/', "-"),
                };
                let name = format!("market-{role}-{width}-{slug}");
                if width < 500 {
                    shot_as_is(&c, &name).await;
                } else {
                    // Full length; the width was checked above, before the resize.
                    shot(&c, &name).await;
                    c.set_window_size(width, 900).await.unwrap();
                }
            }
            sign_out(&c).await;
        }
        c.close().await.unwrap();
    }
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
