//! The internal market through the pages alone, as people would use it: the committee
//! registers a service, its provider sets the plan, a team subscribes and asks for work, the
//! provider quotes and delivers, the committee bills two periods; every statement reconciles and
//! the ledger sums to zero. Each form is refused to those it is not for, and writes nothing.

use reqwest::StatusCode;
use serde_json::Value;

use super::{Browser, sign_in};
use crate::api::market::flow::statements_reconcile;
use crate::api::market::next_period;
use crate::harness::{TestApp, World, spawn_app};

/// A form the page accepted: 303 back to `page`, with `notice`.
fn done((status, location, body): (StatusCode, String, String), page: &str, notice: &str) {
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(
        location.starts_with(page) && location.contains(&format!("notice={notice}")),
        "{location}"
    );
}

/// The id of the only item an API list answers.
async fn only_id(app: &TestApp, path: &str) -> i64 {
    let list = app.get(path, &app.admin).await.expect(200).body;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    list[0]["id"].as_i64().unwrap()
}

struct People {
    committee: Browser,
    provider: Browser,
    consumer: Browser,
    exec: Browser,
}

async fn people(app: &TestApp, w: &World, platform_token: &str) -> People {
    People {
        committee: sign_in(app, &app.admin).await,
        provider: sign_in(app, platform_token).await,
        consumer: sign_in(app, &w.member_a).await,
        exec: sign_in(app, &w.exec).await,
    }
}

#[tokio::test]
async fn a_market_runs_through_the_pages_over_two_billing_periods() {
    let app = spawn_app().await;
    let w = app.world().await;
    let platform = app.create_team("Platform", "internal").await;
    let (_, pia) = app.create_user("pia", "member", Some(platform)).await;
    let p = people(&app, &w, &pia).await;

    let service = set_up_the_service(&app, &p, &w, platform).await;
    let request = order(&app, &p, &w, service).await;
    settle(&app, &p, &w, (platform, request)).await;
    // Two periods billed through the billing pages; the subscription starts in the first.
    let first = next_period(&app);
    bill(&app, &p, &first).await;
    let second = next_period(&app);
    bill(&app, &p, &second).await;

    // The statements on the pages and through the API add up, and so do the books.
    let (_, consumer_page) = p.consumer.get(&app, &format!("/teams/{}", w.team_a)).await;
    assert!(
        consumer_page.contains("Statement since") && !consumer_page.contains("does not reconcile"),
        "{consumer_page}"
    );
    for team in [w.team_a, platform] {
        statements_reconcile(&app, team, &first, &second).await;
    }
    let (_, bet_page) = p.consumer.get(&app, &format!("/bets/{}", w.bet_a)).await;
    assert!(
        bet_page.contains("What it cost beyond its grants") && bet_page.contains("USD 200.00"),
        "{bet_page}"
    );
    ledger_sums_to_zero(&app).await;
}

/// The committee registers the service, its provider sets the plan, the committee sets the
/// consumer's limit; each form refused to the others.
async fn set_up_the_service(app: &TestApp, p: &People, w: &World, platform: i64) -> i64 {
    // The committee registers the service; nobody else may.
    p.exec
        .refused(
            app,
            "/services",
            &[
                ("back", "/services"),
                ("name", "X"),
                ("provider_team_id", &platform.to_string()),
            ],
            403,
        )
        .await;
    done(
        p.committee
            .post(
                app,
                "/services",
                &[
                    ("back", "/services"),
                    ("name", "Review desk"),
                    ("provider_team_id", &platform.to_string()),
                    ("description", "Reviews of screens and flows"),
                ],
            )
            .await,
        "/services",
        "service-registered",
    );
    let service = only_id(app, "/api/v1/services").await;

    // Its provider sets the plan; a wrong amount names its field and writes nothing.
    let plan = format!("/services/{service}/plan");
    let (status, form) = p.provider.get(app, &plan).await;
    assert!(
        status.is_success() && form.contains("The plan of Review desk"),
        "{form}"
    );
    assert_eq!(p.consumer.get(app, &plan).await.0, StatusCode::FORBIDDEN);
    let fields = |price: &'static str| {
        vec![
            ("price", price),
            ("capacity", "5"),
            ("type_name_0", "review"),
            ("type_unit_0", "screen"),
            ("type_price_0", "50.00"),
        ]
    };
    p.provider.refused(app, &plan, &fields("12.345"), 422).await;
    p.consumer.refused(app, &plan, &fields("100.00"), 403).await;
    done(
        p.provider.post(app, &plan, &fields("100.00")).await,
        "/services",
        "plan-set",
    );

    // The committee lets the consumer go 1,000.00 below zero.
    let limit = format!("/teams/{}/limit", w.team_a);
    p.consumer
        .refused(app, &limit, &[("limit", "1,000.00")], 403)
        .await;
    done(
        p.committee
            .post(app, &limit, &[("limit", "1,000.00")])
            .await,
        "/teams",
        "limit-set",
    );

    service
}

/// The consumer subscribes and files a request through the catalogue's forms.
async fn order(app: &TestApp, p: &People, w: &World, service: i64) -> i64 {
    // The consumer subscribes for a bet (a double click subscribes once) and asks for work.
    let (_, catalogue) = p.consumer.get(app, "/services").await;
    assert!(
        catalogue.contains("Subscribe from the next period")
            && catalogue.contains("USD 100.00 per period"),
        "{catalogue}"
    );
    let subscribe = [
        ("key", "page-sub-1"),
        ("back", "/services"),
        ("service_id", &service.to_string()),
        ("quantity", "1"),
        ("bet_id", &w.bet_a.to_string()),
    ];
    let subscribe: Vec<(&str, &str)> = subscribe.to_vec();
    done(
        p.consumer.post(app, "/subscriptions", &subscribe).await,
        "/services",
        "subscribed",
    );
    done(
        p.consumer.post(app, "/subscriptions", &subscribe).await,
        "/services",
        "market-replayed",
    );
    only_id(app, "/api/v1/subscriptions").await;
    let service_id = service.to_string();
    let file = [
        ("key", "page-req-1"),
        ("back", "/services"),
        ("service_id", service_id.as_str()),
        ("request_type", "review"),
        ("quantity", "2"),
        ("max_total", "120.00"),
        ("purpose", "launch review"),
        ("bet_id", ""),
    ];
    p.provider.refused(app, "/requests", &file, 422).await;
    done(
        p.consumer.post(app, "/requests", &file).await,
        "/services",
        "request-filed",
    );
    only_id(app, "/api/v1/requests").await
}

/// The provider quotes, the consumer accepts, the provider delivers, from their team pages.
async fn settle(app: &TestApp, p: &People, w: &World, (platform, request): (i64, i64)) {
    // The provider quotes from its team page; the consumer may not.
    let (_, provider_page) = p.provider.get(app, &format!("/teams/{platform}")).await;
    assert!(
        provider_page.contains("Send the quote"),
        "the provider is offered the quote"
    );
    let quote = format!("/requests/{request}/quote");
    let back = format!("/teams/{platform}#requests");
    p.consumer
        .refused(app, &quote, &[("back", &back), ("amount", "90.00")], 403)
        .await;
    done(
        p.provider
            .post(
                app,
                &quote,
                &[("back", &back), ("amount", "90.00"), ("days", "7")],
            )
            .await,
        &format!("/teams/{platform}"),
        "request-quoted",
    );

    // The consumer accepts: 90.00 is held; the hold shows on its page.
    let consumer_back = format!("/teams/{}#requests", w.team_a);
    let (_, consumer_page) = p.consumer.get(app, &format!("/teams/{}", w.team_a)).await;
    assert!(
        consumer_page.contains("Accept and hold 90.00"),
        "the consumer is offered the acceptance"
    );
    let accept = format!("/requests/{request}/accept");
    done(
        p.consumer
            .post(
                app,
                &accept,
                &[("back", &consumer_back), ("key", "page-acc-1")],
            )
            .await,
        "/teams",
        "request-accepted",
    );
    let acct = crate::api::market::account(app, w.team_a).await;
    assert_eq!(acct["on_hold"], 9_000, "{acct}");

    // The provider delivers; the offer is paid.
    let (_, provider_page) = p.provider.get(app, &format!("/teams/{platform}")).await;
    assert!(
        provider_page.contains("Delivered: collect 90.00"),
        "delivery offered once scheduled"
    );
    done(
        p.provider
            .post(
                app,
                &format!("/requests/{request}/deliver"),
                &[("back", &back), ("key", "page-del-1")],
            )
            .await,
        "/teams",
        "request-delivered",
    );
}

/// Opens a run for `period` on the billing page, reviews it and commits it.
async fn bill(app: &TestApp, p: &People, period: &str) {
    p.exec
        .refused(app, "/billing", &[("period", period)], 403)
        .await;
    done(
        p.committee
            .post(app, "/billing", &[("period", period)])
            .await,
        "/billing",
        "billing-created",
    );
    let runs = app
        .get("/api/v1/billing-runs", &app.admin)
        .await
        .expect(200)
        .body;
    let run = runs
        .as_array()
        .and_then(|r| r.iter().find(|r| r["period"] == period))
        .and_then(|r| r["id"].as_i64())
        .expect("the new run");
    let (_, confirm) = p
        .committee
        .get(app, &format!("/billing/{run}?confirm=1"))
        .await;
    assert!(
        confirm.contains(&format!(
            "Commit the billing of {period}: USD 100.00 from 1 subscriptions"
        )),
        "{confirm}"
    );
    let (status, read) = p.exec.get(app, &format!("/billing/{run}")).await;
    assert!(
        status.is_success() && !read.contains("Review and commit"),
        "execs read, never act"
    );
    p.exec
        .refused(app, &format!("/billing/{run}/commit"), &[], 403)
        .await;
    done(
        p.committee
            .post(app, &format!("/billing/{run}/commit"), &[])
            .await,
        &format!("/billing/{run}"),
        "billing-committed",
    );
    p.committee
        .refused(app, &format!("/billing/{run}/commit"), &[], 409)
        .await;
}

async fn ledger_sums_to_zero(app: &TestApp) {
    let ledger: Value = app.get("/api/v1/ledger", &app.admin).await.expect(200).body;
    assert_eq!(ledger["sum_of_balances"], 0, "{ledger}");
    let sum: i64 = ledger["accounts"]
        .as_array()
        .map(|a| a.iter().map(|x| x["balance"].as_i64().unwrap_or(0)).sum())
        .unwrap_or(i64::MIN);
    assert_eq!(sum, 0, "{ledger}");
}
