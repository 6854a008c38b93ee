//! The web pages: server-rendered HTML (askama templates under `web/templates/`), SVG charts
//! drawn on the server, a stylesheet and a little script compiled into the binary. Everything
//! works without JavaScript; sign-in is a session cookie, every form carries a CSRF token.

mod assets;
pub mod charts;
mod chrome;
pub mod error;
pub mod error_frame;
pub mod format;
mod forms;
mod pages;
pub mod session;
mod view;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder, web};
use askama::Template;

use error::WebError;

/// Registers every page route and the static assets.
pub fn mount(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::asset)
        .service(pages::login::login_form)
        .service(pages::login::login)
        .service(pages::login::logout)
        .service(pages::portfolio::portfolio)
        .service(pages::bet::bet_page)
        .service(pages::arenas::list_page)
        .service(pages::arenas::show_page)
        .service(pages::races::race_page)
        .service(pages::races::decide_race)
        .service(pages::races::extend_race)
        .service(pages::teams::list_page)
        .service(pages::teams::show_page)
        .service(pages::rounds::list::list_page)
        .service(pages::rounds::list::create)
        .service(pages::rounds::show::show_page)
        .service(pages::rounds::actions::preview)
        .service(pages::rounds::actions::confirm_commit)
        .service(pages::rounds::actions::commit)
        .service(pages::rounds::actions::delete)
        .service(pages::rounds::pins::unpin)
        .service(pages::rounds::pins::pin_form)
        .service(pages::rounds::pins::set_pin)
        .service(pages::audit::audit_page)
        .service(pages::market::catalogue::catalogue_page)
        .service(pages::market::catalogue_forms::register)
        .service(pages::market::catalogue_forms::plan_form)
        .service(pages::market::catalogue_forms::set_plan)
        .service(pages::market::order_forms::subscribe)
        .service(pages::market::order_forms::cancel_subscription)
        .service(pages::market::order_forms::file_request)
        .service(pages::market::request_actions::request_action)
        .service(pages::market::limits::set_limit)
        .service(pages::market::billing::list_page)
        .service(pages::market::billing::create)
        .service(pages::market::billing::run_page)
        .service(pages::market::billing::run_action)
        .service(pages::reporting::report::report_form)
        .service(pages::reporting::report::submit_report)
        .service(pages::reporting::correction::correction_form)
        .service(pages::reporting::correction::submit_correction);
}

/// A response that carries a page; the one place the pages' content type is written. A builder,
/// so a page can add a cookie before its body (the sign-in page does).
pub(crate) fn html_builder(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY));
    builder
}

/// The pages load nothing from outside and run no inline script or style: their own stylesheet
/// and script, images inline (the charts are inline SVG), forms posted back here only, and no
/// framing by another site.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A page already rendered, answered with its status.
pub(crate) fn html(status: StatusCode, body: String) -> HttpResponse {
    html_builder(status).body(body)
}

/// Renders a page's template and answers it. Not askama_web's responder: that one always
/// answers 200 and turns a failed render into a bare text 500, while a page here answers 422 with
/// its form again, and a failed render becomes the error page.
pub(crate) fn html_page(
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, WebError> {
    Ok(html(status, page.render()?))
}

/// After an action: go to the page that shows its effect (POST, redirect, GET).
pub(crate) fn see_other(location: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.into()))
        .finish()
}
