//! The pairs of the suite: each path users feel, beside its ceiling.
use horserace::config::Settings;
use horserace::domain::{Actor, Role};
use horserace::startup::Application;

use crate::data::Database;
use crate::{Line, Scale};

mod billing;
mod import;
mod ingest;
mod page;
mod round;
mod statement;

use billing::billing_run;
use import::import;
use ingest::ingest;
use page::portfolio_page;
use round::round_and_engine;
use statement::statement;

fn admin() -> Actor {
    Actor {
        user_id: 1,
        name: "admin".into(),
        role: Role::Committee,
        team_id: None,
    }
}

async fn serve(db: &Database) -> String {
    let mut settings = Settings::new(db.url.clone());
    settings.bind = "127.0.0.1:0".into();
    // The suite measures the storage path; the per-token write limit would measure itself.
    settings.write_rate = horserace::services::write_limit::WriteRate {
        per_second: 0,
        burst: 1,
    };
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

pub async fn all(scale: Scale, postgres: Option<&str>, only: Option<&str>) -> Vec<Line> {
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    // Progress on standard error, so that a long run shows where it is and where time goes.
    let started = std::time::Instant::now();
    let phase = |name: &str| eprintln!("{:>6.0} s  {name}", started.elapsed().as_secs_f64());
    let mut lines = Vec::new();
    if wanted("round") {
        phase("rounds and the engine");
        lines.extend(round_and_engine(scale, postgres));
    }
    if wanted("ingest") || wanted("single") {
        phase("batch ingest and single reports");
        lines.extend(ingest(scale, postgres, !wanted("single") || wanted("ingest")).await);
    }
    if wanted("page") {
        phase("portfolio page");
        lines.push(portfolio_page(scale, postgres).await);
    }
    if wanted("import") {
        phase("CSV import");
        lines.push(import(scale, postgres).await);
    }
    if wanted("billing") {
        phase("billing run");
        lines.push(billing_run(scale, postgres));
    }
    if wanted("statement") {
        phase("team statement");
        lines.push(statement(scale, postgres).await);
    }
    phase("done");
    lines
}
