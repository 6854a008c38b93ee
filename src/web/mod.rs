//! The web pages: server-rendered HTML (askama templates under `web/templates/`), SVG charts
//! drawn on the server, a stylesheet and a little script compiled into the binary. Everything
//! works without JavaScript; sign-in is a session cookie, every form carries a CSRF token.

mod assets;
pub mod charts;
mod chrome;
pub mod error;
pub mod format;
mod forms;
mod pages;
pub mod session;
mod view;

use actix_web::web;

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
        .service(pages::teams::list_page)
        .service(pages::teams::show_page)
        .service(pages::rounds::list_page)
        .service(pages::rounds::create)
        .service(pages::rounds::show_page)
        .service(pages::rounds::preview)
        .service(pages::rounds::confirm_commit)
        .service(pages::rounds::commit)
        .service(pages::rounds::delete)
        .service(pages::rounds::unpin)
        .service(pages::rounds::pin_form)
        .service(pages::rounds::set_pin)
        .service(pages::audit::audit_page)
        .service(pages::reporting::report_form)
        .service(pages::reporting::submit_report)
        .service(pages::reporting::correction_form)
        .service(pages::reporting::submit_correction);
}
