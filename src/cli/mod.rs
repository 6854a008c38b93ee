//! The command line: `serve`, `demo`, `migrate`, `round`, `race`, `market`, `lab`,
//! `engine run`. `main.rs` only calls [`run`].

mod demo;
pub use demo::DemoArgs;
mod lab;
mod lab_adopt;
mod lab_backtest;
mod market;
mod race;
mod round;
mod table;
mod transfer;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db::DatabaseUrl;
use crate::domain::{ApiToken, Currency};
use crate::services::users::Bootstrap;
use crate::services::write_limit::WriteRate;
use crate::startup::Application;
use crate::telemetry::{self, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "horserace",
    version,
    about = "An internal tournament and portfolio engine: \
teams race, evidence decides who gets funded."
)]
pub struct Cli {
    /// The database: a SQLite file path (or sqlite://PATH) or a postgres:// URL.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "horserace.db",
        global = true
    )]
    pub database_url: String,

    /// Log filter, e.g. `info`, `horserace=debug,actix_web=warn`.
    #[arg(
        long = "log",
        env = "HORSERACE_LOG",
        default_value = "info",
        global = true
    )]
    pub log: String,

    /// Log format on standard error.
    #[arg(
        long,
        env = "HORSERACE_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: the JSON API under /api/v1 and the web pages.
    Serve(ServeArgs),
    /// Create a demo portfolio (six months, four rounds) in a fresh SQLite file and serve it.
    Demo(DemoArgs),
    /// Apply pending database migrations and exit (serve also does this at start).
    Migrate,
    /// Run funding rounds from the terminal (straight on the database).
    Round {
        /// The user the commands act as (a committee member to change anything).
        #[arg(
            long = "as",
            env = "HORSERACE_ACTOR",
            default_value = "admin",
            global = true
        )]
        acting_as: String,
        #[command(subcommand)]
        command: round::RoundCommand,
    },
    /// Races: declare one in an arena, watch its P(best), decide it at the finish.
    Race {
        /// The user the commands act as (a committee member to declare or decide).
        #[arg(
            long = "as",
            env = "HORSERACE_ACTOR",
            default_value = "admin",
            global = true
        )]
        acting_as: String,
        #[command(subcommand)]
        command: race::RaceCommand,
    },
    /// The internal market: services, subscriptions, requests, billing runs, statements.
    Market {
        /// The user the commands act as.
        #[arg(
            long = "as",
            env = "HORSERACE_ACTOR",
            default_value = "admin",
            global = true
        )]
        acting_as: String,
        #[command(subcommand)]
        command: market::MarketCommand,
    },
    /// Import reports from a CSV file (a progress bar shows how far it is).
    Import {
        /// The user the import acts as (its team's bets, or a committee member for any).
        #[arg(long = "as", env = "HORSERACE_ACTOR", default_value = "admin")]
        acting_as: String,
        #[command(subcommand)]
        command: transfer::ImportCommand,
    },
    /// Export a round's results, the portfolio, the ledger or the audit log as CSV or JSON.
    Export {
        #[arg(
            long = "as",
            env = "HORSERACE_ACTOR",
            default_value = "admin",
            global = true
        )]
        acting_as: String,
        #[arg(long, value_enum, default_value = "csv", global = true)]
        format: transfer::Format,
        /// Write to this file instead of standard output.
        #[arg(long, short, global = true)]
        output: Option<PathBuf>,
        #[command(subcommand)]
        command: transfer::ExportCommand,
    },
    /// Copy a SQLite database to FILE while the server runs (online and consistent).
    Backup { file: PathBuf },
    /// The funding-round engine on its own.
    #[command(subcommand)]
    Engine(EngineCommand),
    /// The policy lab: policies tried on synthetic portfolios with a known truth, and on the
    /// portfolio's own history (backtest); a policy adopted as the default for new drafts.
    #[command(subcommand)]
    Lab(lab::LabCommand),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (host:port; port 0 picks a free one).
    #[arg(long, env = "HORSERACE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Token of the `admin` user created on first start (16+ characters). Unset: a random
    /// token is printed once.
    #[arg(long, env = "HORSERACE_BOOTSTRAP_TOKEN", hide_env_values = true)]
    pub bootstrap_token: Option<String>,

    /// The portfolio's currency (ISO 4217), fixed on first start.
    #[arg(long, env = "HORSERACE_CURRENCY", default_value = "USD")]
    pub currency: String,

    /// Database connections in this process's pool.
    #[arg(long, env = "HORSERACE_POOL_SIZE", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub pool_size: u32,

    /// Milliseconds a request waits for a free database connection before it is answered
    /// 503 with Retry-After.
    #[arg(long, env = "HORSERACE_POOL_WAIT_MS", default_value_t = 5_000,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub pool_wait_ms: u64,

    /// Writes per second each API token may make, sustained (0: unlimited). Past it the API
    /// answers 429 with Retry-After.
    #[arg(long, env = "HORSERACE_WRITE_RATE", default_value_t = 100)]
    pub write_rate: u32,

    /// Writes an API token may make at once before the per-second rate applies.
    #[arg(long, env = "HORSERACE_WRITE_BURST", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub write_burst: u32,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "HORSERACE_WORKERS", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,

    /// Mark the sign-in cookie Secure: set this when people reach the server over HTTPS
    /// (through a TLS-terminating proxy).
    #[arg(long, env = "HORSERACE_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Debug, Subcommand)]
pub enum EngineCommand {
    /// Evaluate a round from a JSON `RoundInput` (a file, or - for standard input) and print
    /// the `RoundOutcome` as JSON.
    Run {
        /// The input file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
}

/// Runs the parsed command; errors are printed for people and turn into exit code 1 (2 for
/// bad configuration).
pub fn run(cli: Cli) -> ExitCode {
    if let Err(e) = telemetry::init(&cli.log, cli.log_format) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let database_url = match DatabaseUrl::parse(&cli.database_url) {
        Ok(url) => url,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve(args) => match serve_settings(database_url, args) {
            Ok(settings) => serve(settings),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        Command::Demo(args) => demo::run(args),
        Command::Migrate => migrate(&database_url),
        Command::Round { acting_as, command } => {
            match round::run(&database_url, &acting_as, command) {
                Ok(true) => Ok(()),
                Ok(false) => return ExitCode::FAILURE,
                Err(e) => Err(e),
            }
        }
        Command::Market { acting_as, command } => market::run(&database_url, &acting_as, command),
        Command::Race { acting_as, command } => race::run(&database_url, &acting_as, command),
        Command::Import { acting_as, command } => {
            match transfer::import(&database_url, &acting_as, command) {
                Ok(true) => Ok(()),
                Ok(false) => return ExitCode::FAILURE,
                Err(e) => Err(e),
            }
        }
        Command::Export {
            acting_as,
            format,
            output,
            command,
        } => transfer::export(&database_url, &acting_as, command, format, output),
        Command::Backup { file } => transfer::backup(&database_url, file),
        Command::Engine(EngineCommand::Run { file }) => engine_run(file),
        Command::Lab(command) => lab::run(&database_url, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve_settings(database_url: DatabaseUrl, args: ServeArgs) -> Result<Settings, String> {
    let bootstrap_token = args
        .bootstrap_token
        .map(|t| ApiToken::parse("HORSERACE_BOOTSTRAP_TOKEN", &t))
        .transpose()
        .map_err(|e| e.to_string())?;
    let currency =
        Currency::parse("HORSERACE_CURRENCY", &args.currency).map_err(|e| e.to_string())?;
    Ok(Settings {
        bind: args.bind,
        bootstrap_token,
        currency,
        pool_size: args.pool_size,
        pool_wait: std::time::Duration::from_millis(args.pool_wait_ms),
        write_rate: WriteRate {
            per_second: args.write_rate,
            burst: args.write_burst,
        },
        workers: args.workers.map(usize::from),
        secure_cookies: args.secure_cookies,
        ..Settings::new(database_url)
    })
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    let backend = settings.database_url.redacted();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await?;
        if let Bootstrap::Created(token) = app.bootstrap() {
            println!("Created the committee user `admin`. Its API token (shown only this once):");
            println!("{}", token.expose());
        }
        tracing::info!(port = app.port(), database = %backend, "horserace is serving");
        println!("horserace is listening on port {}", app.port());
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn migrate(url: &DatabaseUrl) -> anyhow::Result<()> {
    crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    println!("database is up to date ({})", url.redacted());
    Ok(())
}

fn engine_run(file: Option<PathBuf>) -> anyhow::Result<()> {
    let text = match file {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
        _ => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
    };
    let input: crate::engine::RoundInput = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("the round input is not valid: {e}"))?;
    let outcome = crate::engine::evaluate(&input)?;
    println!("{}", serde_json::to_string_pretty(&outcome)?);
    Ok(())
}
