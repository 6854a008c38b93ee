//! A market form that did not act is drawn again on its own page: what was typed is kept, the
//! field at fault is marked beside it (`aria-invalid`, an error tied by `aria-describedby`), the
//! page leads with why, and nothing is written. A button with nothing typed still answers
//! with the error page.

use super::sign_in;
use crate::api::market::{Market, market};
use crate::harness::spawn_app;

fn has(page: &str, what: &str) {
    assert!(page.contains(what), "missing {what:?} in {page}");
}

#[tokio::test]
async fn a_request_typed_wrong_comes_back_with_what_was_typed_and_its_field_marked() {
    let app = spawn_app().await;
    let m: Market = market(&app).await;
    let member = sign_in(&app, &m.w.member_a).await;
    let payments = m.payments.to_string();
    let page = member
        .drawn_again(
            &app,
            "/requests",
            &[
                ("key", "typed-wrong-1"),
                ("back", &format!("/services#service-{payments}")),
                ("service_id", &payments),
                ("request_type", "integration"),
                ("quantity", "3"),
                ("max_total", "12.345"),
                ("purpose", "launch review"),
                ("bet_id", &m.w.bet_a.to_string()),
            ],
            422,
        )
        .await;
    // The form is open, as typed, with the amount marked; the other service's form is not.
    has(&page, &format!(r#"id="form-request-{payments}" open"#));
    has(&page, r#"value="12.345""#);
    has(&page, r#"value="launch review""#);
    has(&page, r#"value="3""#);
    has(
        &page,
        &format!(r#"<option value="{}" selected>"#, m.w.bet_a),
    );
    has(&page, r#"value="typed-wrong-1""#);
    has(
        &page,
        &format!(
            r#"aria-describedby="max-{payments}-help max-{payments}-error" aria-invalid="true""#
        ),
    );
    has(
        &page,
        &format!(r#"id="max-{payments}-error">must be an amount"#),
    );
    has(&page, &format!("href=\"#form-request-{payments}\""));
    has(
        &page,
        "Nothing was changed:</strong> the most you will pay: must be an amount",
    );
    assert!(
        !page.contains(&format!(r#"id="form-request-{}" open"#, m.design)),
        "only the refused form opens"
    );

    // The same form typed right files the request once, under the key it kept.
    let (status, location, _) = member
        .post(
            &app,
            "/requests",
            &[
                ("key", "typed-wrong-1"),
                ("back", "/services"),
                ("service_id", &payments),
                ("request_type", "integration"),
                ("quantity", "3"),
                ("max_total", "1,500.00"),
                ("purpose", "launch review"),
                ("bet_id", ""),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 303);
    assert!(location.contains("notice=request-filed"), "{location}");
}

#[tokio::test]
async fn a_refusal_of_the_service_keeps_the_form_and_a_button_keeps_the_error_page() {
    let app = spawn_app().await;
    let m: Market = market(&app).await;
    let member = sign_in(&app, &m.w.member_a).await;
    let committee = sign_in(&app, &app.admin).await;
    let payments = m.payments.to_string();

    // The service refuses another team's bet: the select is marked, in the service's words.
    let page = member
        .drawn_again(
            &app,
            "/subscriptions",
            &[
                ("key", "sub-wrong-bet"),
                ("back", "/services"),
                ("service_id", &payments),
                ("quantity", "4"),
                ("bet_id", &m.w.bet_b.to_string()),
            ],
            422,
        )
        .await;
    has(&page, &format!(r#"id="form-subscribe-{payments}" open"#));
    has(&page, r#"value="4""#);
    has(
        &page,
        &format!(r#"id="sub-bet-{payments}-error">the bet belongs to another team"#),
    );

    // A duplicate name is a conflict naming no input of the form: the page says why and the
    // form keeps what was typed.
    let platform = m.platform.to_string();
    let page = committee
        .drawn_again(
            &app,
            "/services",
            &[
                ("back", "/services"),
                ("name", "Payments platform"),
                ("provider_team_id", &platform),
                ("description", "a second one"),
            ],
            409,
        )
        .await;
    has(&page, r#"value="a second one""#);
    has(&page, &format!(r#"<option value="{platform}" selected>"#));

    // The overdraft limit on the team page.
    let page = committee
        .drawn_again(
            &app,
            &format!("/teams/{}/limit", m.w.team_a),
            &[("limit", "lots")],
            422,
        )
        .await;
    has(&page, r#"value="lots""#);
    has(&page, r#"id="limit-error""#);

    // A plan typed wrong keeps every row.
    let provider = sign_in(&app, &m.plat).await;
    let page = provider
        .drawn_again(
            &app,
            &format!("/services/{payments}/plan"),
            &[
                ("price", "200.00"),
                ("capacity", "ten"),
                ("type_name_0", "integration"),
                ("type_unit_0", "day"),
                ("type_price_0", "500.00"),
                ("type_name_1", "audit"),
                ("type_unit_1", "week"),
                ("type_price_1", "900.00"),
            ],
            422,
        )
        .await;
    has(&page, r#"value="ten""#);
    has(&page, r#"value="audit""#);
    has(&page, r#"id="capacity-error""#);

    // A button with nothing typed (deliver what was never accepted) is the error page.
    let request =
        crate::api::market::quoted(&app, &m, (&m.w.member_a, m.w.team_a), 2, 100_000).await;
    let (status, _, page) = provider
        .post(
            &app,
            &format!("/requests/{request}/deliver"),
            &[
                ("back", &format!("/teams/{platform}#requests")),
                ("key", "deliver-early"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 409, "{page}");
    has(&page, "Already changed");
    assert!(!page.contains(r#"id="refused""#), "{page}");
}
