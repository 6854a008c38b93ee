//! The demo portfolio on a fresh database, built as `horserace demo` builds it and served on a
//! free port: for the suites that check what a new user finds in it.

use horserace::config::Settings;
use horserace::demo::DemoPeople;
use horserace::domain::Currency;
use horserace::startup::Application;

use super::{Api, FreshDatabase};

/// The demo, served; keep the database alive as long as the server is used.
pub async fn serve_demo() -> (FreshDatabase, Api, DemoPeople) {
    let database = FreshDatabase::new();
    let people = {
        // The pool runs the migrations first, as the server does.
        let pool = horserace::db::connection::connect(
            &database.database_url(),
            1,
            horserace::db::connection::POOL_WAIT,
        )
        .unwrap();
        let mut conn = pool.get().unwrap();
        horserace::demo::build(&mut conn, &Currency::usd(), horserace::domain::time::now()).unwrap()
    };
    let mut settings = Settings::new(database.database_url());
    settings.bind = "127.0.0.1:0".into();
    settings.workers = Some(2);
    let app = Application::build(settings).await.unwrap();
    let api = Api::new(&format!("http://127.0.0.1:{}", app.port()));
    tokio::spawn(app.run_until_stopped());
    (database, api, people)
}
