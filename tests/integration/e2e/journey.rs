//! One journey through the demo portfolio, as each role: an executive reads, a member
//! reports through a form, the committee runs a round with a pin, a partner sees its team.

use fantoccini::{Client, Locator};
use horserace::config::Settings;
use horserace::db::DatabaseUrl;
use horserace::demo::DemoPeople;
use horserace::domain::Currency;
use horserace::startup::Application;

use super::browser::{browser, chromedriver, shot, sign_in, sign_out, source};

#[tokio::test]
#[ignore = "needs Chromium and chromedriver; CI runs it with --ignored"]
async fn a_new_user_does_everything_in_a_real_browser() {
    let (_dir, base, people) = serve_the_demo().await;
    let (_driver, port) = chromedriver().await;
    let c = browser(port).await;
    the_exec_reads_the_portfolio(&c, &base, &people).await;
    a_member_reports_through_the_team_page(&c, &base, &people).await;
    the_committee_runs_a_round_with_a_pin(&c, &base, &people).await;
    a_partner_sees_its_own_team_only(&c, &base, &people).await;
    c.close().await.unwrap();
}

/// The demo portfolio on a fresh file, served by the real server: the directory holding the
/// file, the server's address, and the demo's people.
pub(super) async fn serve_the_demo() -> (tempfile::TempDir, String, DemoPeople) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let url = DatabaseUrl::parse(path.to_str().unwrap()).unwrap();
    let people = {
        let pool =
            horserace::db::connection::connect(&url, 1, horserace::db::connection::POOL_WAIT)
                .unwrap();
        let mut conn = pool.get().unwrap();
        horserace::demo::build(&mut conn, &Currency::usd(), horserace::domain::time::now()).unwrap()
    };
    let mut settings = Settings::new(url);
    settings.bind = "127.0.0.1:0".into();
    settings.workers = Some(2);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (dir, base, people)
}

async fn the_exec_reads_the_portfolio(c: &Client, base: &str, people: &DemoPeople) {
    // The sign-in page, then an executive's portfolio.
    c.goto(&format!("{base}/login")).await.unwrap();
    shot(c, "login").await;
    sign_in(c, base, people.exec.1.expose()).await;
    let page = source(c).await;
    assert!(
        page.contains("Portfolio") && page.contains("Where round 4"),
        "the exec lands on the portfolio"
    );
    shot(c, "portfolio").await;
    c.goto(&format!("{base}/arenas/1")).await.unwrap();
    assert!(source(c).await.contains("The race"));
    shot(c, "arena").await;
    c.goto(&format!("{base}/audit")).await.unwrap();
    shot(c, "audit").await;
    sign_out(c).await;
}

async fn a_member_reports_through_the_team_page(c: &Client, base: &str, people: &DemoPeople) {
    // A member reports a value through the team page's form.
    sign_in(c, base, people.member.1.expose()).await;
    c.goto(&format!("{base}/teams/1")).await.unwrap();
    shot(c, "team").await;
    c.find(Locator::Css("select#bet_id"))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    c.find(Locator::Id("value"))
        .await
        .unwrap()
        .send_keys("123456")
        .await
        .unwrap();
    c.find(Locator::Id("source"))
        .await
        .unwrap()
        .send_keys("browser test")
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/report'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap();
    let stored = source(c).await;
    assert!(
        stored.contains("Report stored: #") && stored.contains("is 123,456 "),
        "the notice says what was stored"
    );
    // The bet's chart shows it: a dot whose tooltip carries the value.
    c.goto(&format!("{base}/bets/1")).await.unwrap();
    let chart = c
        .find(Locator::Css(".chart-box svg"))
        .await
        .unwrap()
        .html(false)
        .await
        .unwrap();
    assert!(
        chart.contains("<circle") && chart.contains("123,456"),
        "the reported point is in the chart"
    );
    shot(c, "bet").await;
    sign_out(c).await;
}

async fn the_committee_runs_a_round_with_a_pin(c: &Client, base: &str, people: &DemoPeople) {
    // The committee runs a round with a pin, through the pages only.
    sign_in(c, base, people.committee.1.expose()).await;
    c.goto(&format!("{base}/rounds")).await.unwrap();
    shot(c, "rounds").await;
    c.find(Locator::Id("budget"))
        .await
        .unwrap()
        .send_keys("250,000.00")
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/rounds'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap();
    assert!(source(c).await.contains("Draft round created"));
    c.find(Locator::Css("form[action$='/preview'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The draft's page already shows a notice; only the previewed one lists bets to pin.
    c.wait()
        .for_element(Locator::LinkText("Pin or waive"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("grant"))
        .await
        .unwrap()
        .send_keys("10,000.00")
        .await
        .unwrap();
    c.find(Locator::Id("reason"))
        .await
        .unwrap()
        .send_keys("Committed to the launch partner")
        .await
        .unwrap();
    shot(c, "pin").await;
    c.find(Locator::Css("form button[type=submit].primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap();
    assert!(source(c).await.contains("Committed to the launch partner"));
    c.find(Locator::Css("a[href$='/commit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let confirm = source(c).await;
    assert!(confirm.contains("exactly the budget") && confirm.contains("USD 250,000.00"));
    shot(c, "commit-confirmation").await;
    c.find(Locator::Css("button.danger"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap();
    let committed = source(c).await;
    assert!(committed.contains("Round committed") && committed.contains("chip-committed"));
    shot(c, "round").await;
    sign_out(c).await;
}

async fn a_partner_sees_its_own_team_only(c: &Client, base: &str, people: &DemoPeople) {
    // A partner sees its own team only.
    sign_in(c, base, people.partner.1.expose()).await;
    assert!(c.current_url().await.unwrap().path().starts_with("/teams/"));
    shot(c, "partner-team").await;
}
