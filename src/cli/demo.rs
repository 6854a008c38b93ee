//! `horserace demo`: a fresh SQLite file with the demo portfolio (`crate::demo`), served at
//! once or left for `horserace serve`, with one sign-in token per role printed.

use std::path::PathBuf;

use crate::config::Settings;
use crate::db::DatabaseUrl;
use crate::domain::Currency;
use crate::startup::Application;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The SQLite file to create.
    #[arg(long, default_value = "horserace-demo.db")]
    pub file: PathBuf,

    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Build the database and exit without serving it.
    #[arg(long)]
    pub no_serve: bool,

    /// Address to serve the demo on.
    #[arg(long, env = "HORSERACE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
}

pub(super) fn run(args: DemoArgs) -> anyhow::Result<()> {
    let path = args.file.to_string_lossy().into_owned();
    if args.file.exists() {
        if !args.force {
            anyhow::bail!(
                "{path} already exists; pass --force to replace it, or --file to choose another"
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{path}{suffix}");
            if std::path::Path::new(&file).exists() {
                std::fs::remove_file(&file)?;
            }
        }
    }
    let url = DatabaseUrl::parse(&path).map_err(|e| anyhow::anyhow!(e))?;
    let started = std::time::Instant::now();
    let people = {
        let pool = crate::db::connection::connect(&url, 1, crate::db::connection::POOL_WAIT)?;
        let mut conn = pool.get()?;
        crate::demo::build(&mut conn, &Currency::usd(), crate::domain::time::now())
            .map_err(|e| anyhow::anyhow!("building the demo failed: {}", e.detail().message))?
    };
    println!(
        "Built the demo portfolio in {path} ({:.1} s).",
        started.elapsed().as_secs_f64()
    );
    if args.no_serve {
        println!(
            "\nServe it with `DATABASE_URL={path} horserace serve`, then sign in at /login with one of these tokens:\n"
        );
        print_tokens(&people);
        return Ok(());
    }
    let settings = Settings {
        bind: args.bind,
        ..Settings::new(url)
    };
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await?;
        let address = format!("http://127.0.0.1:{}", app.port());
        println!("\nOpen {address}/login and sign in with one of these tokens:\n");
        print_tokens(&people);
        println!("\nThe API is at {address}/api/v1 (docs: {address}/api/docs). Stop with Ctrl-C.");
        app.run_until_stopped().await?;
        Ok(())
    })
}

/// One sign-in token per role, a line each.
fn print_tokens(people: &crate::demo::DemoPeople) {
    for (role, (name, token)) in [
        ("committee", &people.committee),
        ("exec", &people.exec),
        ("member", &people.member),
        ("partner", &people.partner),
    ] {
        println!("  {role:<10} {name:<6} {}", token.expose());
    }
}
