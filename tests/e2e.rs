//! Browser tests in headless Chromium, driven over WebDriver (chromedriver): sign in, report a
//! value through a form, run a round with a pin through the pages, and check that the bet's
//! chart shows the reported point. Screenshots of every page land in `target/screenshots/`.
//! They run when `HORSERACE_E2E=1` (`.ci/run` installs Chromium and sets it).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use horserace::config::Settings;
use horserace::db::DatabaseUrl;
use horserace::domain::Currency;
use horserace::startup::Application;
use serde_json::json;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn chromedriver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
    )
    .arg(format!("--port={port}"))
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("chromedriver starts (apt-get install chromium-driver)");
    // Owned from here on, so it is killed and waited for whatever happens.
    let driver = Driver(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session")
}

/// A full-page screenshot under target/screenshots/.
async fn shot(c: &Client, name: &str) {
    let height = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900);
    c.set_window_size(1280, u32::try_from(height.clamp(600, 6000)).unwrap() + 20)
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    c.set_window_size(1280, 900).await.unwrap();
}

async fn sign_in(c: &Client, base: &str, token: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("token"))
        .await
        .unwrap()
        .send_keys(token)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("header.topbar"))
        .await
        .unwrap();
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("token")).await.unwrap();
}

async fn source(c: &Client) -> String {
    c.source().await.unwrap()
}

#[tokio::test]
async fn a_new_user_does_everything_in_a_real_browser() {
    if std::env::var("HORSERACE_E2E").as_deref() != Ok("1") {
        eprintln!(
            "browser tests skipped: set HORSERACE_E2E=1 (and install chromium, chromium-driver)"
        );
        return;
    }
    // The demo portfolio on a fresh file, served by the real server.
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
    let (_driver, port) = chromedriver().await;
    let c = browser(port).await;

    // The sign-in page, then an executive's portfolio.
    c.goto(&format!("{base}/login")).await.unwrap();
    shot(&c, "login").await;
    sign_in(&c, &base, people.exec.1.expose()).await;
    let page = source(&c).await;
    assert!(
        page.contains("Portfolio") && page.contains("Where round 4"),
        "the exec lands on the portfolio"
    );
    shot(&c, "portfolio").await;
    c.goto(&format!("{base}/arenas/1")).await.unwrap();
    assert!(source(&c).await.contains("The race"));
    shot(&c, "arena").await;
    c.goto(&format!("{base}/audit")).await.unwrap();
    shot(&c, "audit").await;
    sign_out(&c).await;

    // A member reports a value through the team page's form.
    sign_in(&c, &base, people.member.1.expose()).await;
    c.goto(&format!("{base}/teams/1")).await.unwrap();
    shot(&c, "team").await;
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
    assert!(source(&c).await.contains("Report stored."));
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
    shot(&c, "bet").await;
    sign_out(&c).await;

    // The committee runs a round with a pin, through the pages only.
    sign_in(&c, &base, people.committee.1.expose()).await;
    c.goto(&format!("{base}/rounds")).await.unwrap();
    shot(&c, "rounds").await;
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
    assert!(source(&c).await.contains("Draft round created"));
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
    shot(&c, "pin").await;
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
    assert!(source(&c).await.contains("Committed to the launch partner"));
    c.find(Locator::Css("a[href$='/commit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let confirm = source(&c).await;
    assert!(confirm.contains("exactly the budget") && confirm.contains("USD 250,000.00"));
    shot(&c, "commit-confirmation").await;
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
    let committed = source(&c).await;
    assert!(committed.contains("Round committed") && committed.contains("chip-committed"));
    shot(&c, "round").await;
    sign_out(&c).await;

    // A partner sees its own team only.
    sign_in(&c, &base, people.partner.1.expose()).await;
    assert!(c.current_url().await.unwrap().path().starts_with("/teams/"));
    shot(&c, "partner-team").await;
    c.close().await.unwrap();
}
