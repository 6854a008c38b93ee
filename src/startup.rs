//! Building and running the server: the pool, migrations, the first start's admin, and the
//! actix-web app. `Application::build` binds before it returns, so tests can ask for port 0 and
//! learn the port.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::api;
use crate::api::fallback::RouteTable;
use crate::config::Settings;
use crate::db::checkpoint::Checkpointer;
use crate::db::{self, Pool};
use crate::domain::Currency;
use crate::services::report_writer::{self, ReportWriter};
use crate::services::users::{Bootstrap, bootstrap};

/// What every handler shares.
pub struct AppState {
    pub pool: Pool,
    /// Stores single reports in groups, one commit for all that arrive together.
    pub reports: crate::services::report_writer::ReportWriter,
    pub currency: Currency,
    /// The per-token limit on writes; None when writes are not limited.
    pub write_limit: Option<std::sync::Arc<crate::services::write_limit::WriteLimit>>,
    /// Mark cookies `Secure`: the server is reached over TLS.
    pub secure_cookies: bool,
    /// The portfolio page's totals over all rounds, recomputed when a round commits.
    pub funding_totals: std::sync::Arc<crate::services::funding_totals::FundingTotals>,
    /// What the market's routes take as now (see `Settings::clock`).
    pub clock: crate::domain::time::Clock,
}

pub struct Application {
    port: u16,
    server: Server,
    bootstrap: Bootstrap,
    pool: Pool,
    /// Copies SQLite's log into the database behind the writers, while the server runs.
    _checkpointer: Option<Checkpointer>,
}

impl Application {
    /// Connects, migrates, bootstraps the admin on an empty database, and binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let url = settings.database_url.clone();
        let (pool_size, pool_wait) = (settings.pool_size, settings.pool_wait);
        let pool = tokio::task::spawn_blocking(move || {
            db::connection::connect(&url, pool_size, pool_wait)
        })
        .await??;
        let currency = settings.currency.clone();
        let chosen = settings.bootstrap_token.clone();
        let now = crate::domain::time::now();
        let bootstrap = db::run(&pool, move |conn| bootstrap(conn, &currency, chosen, now))
            .await
            .map_err(|e| anyhow::anyhow!("first-start setup failed: {e}"))?;

        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let write_limit =
            crate::services::write_limit::WriteLimit::new(settings.write_rate).map(Arc::new);
        let state = web::Data::new(AppState {
            reports: ReportWriter::start(
                pool.clone(),
                write_limit.clone(),
                report_writer::Layout::for_database(&settings.database_url, pool_size),
            )?,
            pool: pool.clone(),
            currency: settings.currency.clone(),
            write_limit,
            secure_cookies: settings.secure_cookies,
            funding_totals: Default::default(),
            clock: settings.clock.clone(),
        });
        let openapi = api::openapi_document();
        let routes = web::Data::new(RouteTable::from_openapi(&openapi));
        let openapi = web::Data::new(openapi);
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::web::error_frame::framed))
                .wrap(from_fn(crate::metrics::observe))
                .app_data(state.clone())
                .app_data(routes.clone())
                .app_data(openapi.clone())
                .configure(api::extractor_config)
                // The router tries routes in the order they were mounted: the API (most of the
                // traffic, behind one prefix) first, then the pages.
                .into_utoipa_app()
                .configure(api::mount)
                .into_app()
                .configure(crate::web::mount)
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}")
                        .config(SwaggerConfig::from("/api/v1/openapi.json")),
                )
                .default_service(web::to(not_routed))
        })
        .listen(listener)?
        // On SIGTERM or Ctrl-C: stop accepting, let requests in flight finish.
        .shutdown_timeout(30);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            bootstrap,
            _checkpointer: Checkpointer::start(&settings.database_url, pool.clone())?,
            pool,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The admin token made on this start, if this start made one.
    pub fn bootstrap(&self) -> &Bootstrap {
        &self.bootstrap
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Serves until the process is told to stop; in-flight requests finish first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// A request no route took: the API's envelope for the API's paths, a page for the rest
/// (people browsing get a page; programs get the envelope).
async fn not_routed(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, crate::web::error::WebError> {
    // An error, not a rendered page, so that the pages' frame can put it in the top bar.
    api::fallback::not_routed(&req, &table)
        .ok_or_else(|| crate::web::error::WebError::not_found("This page"))
}
