//! Prometheus metrics of this process: requests and their latency by route, reports ingested,
//! rounds committed, and the database pool. Served as text at `GET /metrics`.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub reports_ingested: IntCounter,
    pub rounds_committed: IntCounter,
    /// Commits of the single-report writer: reports stored over commits is its group size.
    pub report_commits: IntCounter,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
}

/// Builds and registers the metrics. Their names and labels are fixed and valid (the test below
/// builds them), so construction cannot fail at run time.
fn build() -> Metrics {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new(
            "horserace_http_requests_total",
            "HTTP requests by route, method and status",
        ),
        &["route", "method", "status"],
    )
    .unwrap_or_else(|_| unreachable_metrics());
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "horserace_http_request_duration_seconds",
            "HTTP request latency by route and method",
        )
        .buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ]),
        &["route", "method"],
    )
    .unwrap_or_else(|_| unreachable_metrics());
    let counter = |name: &str, help: &str| {
        IntCounter::new(name, help).unwrap_or_else(|_| unreachable_metrics())
    };
    let gauge = |name: &str, help: &str| {
        IntGauge::new(name, help).unwrap_or_else(|_| unreachable_metrics())
    };
    let metrics = Metrics {
        reports_ingested: counter(
            "horserace_reports_ingested_total",
            "Reports stored (replays not counted)",
        ),
        rounds_committed: counter(
            "horserace_rounds_committed_total",
            "Funding rounds committed",
        ),
        report_commits: counter(
            "horserace_report_commits_total",
            "Transactions the single-report writer committed (each stores a group of reports)",
        ),
        pool_connections: gauge(
            "horserace_db_pool_connections",
            "Database connections open in the pool",
        ),
        pool_idle: gauge(
            "horserace_db_pool_idle_connections",
            "Database connections idle in the pool",
        ),
        requests,
        latency,
        registry,
    };
    for collector in [
        Box::new(metrics.requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(metrics.latency.clone()),
        Box::new(metrics.reports_ingested.clone()),
        Box::new(metrics.rounds_committed.clone()),
        Box::new(metrics.report_commits.clone()),
        Box::new(metrics.pool_connections.clone()),
        Box::new(metrics.pool_idle.clone()),
    ] {
        let _ = metrics.registry.register(collector);
    }
    metrics
}

/// Only reachable with a malformed metric definition above, which `every_metric_registers`
/// rules out.
fn unreachable_metrics<T>() -> T {
    unreachable!("metric definitions are static and valid")
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(build);

impl Metrics {
    pub fn observe_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route, method])
            .observe(elapsed.as_secs_f64());
    }

    /// The text exposition, with the pool's current state.
    pub fn render(&self, pool: &crate::db::Pool) -> String {
        let state = pool.state();
        self.pool_connections.set(i64::from(state.connections));
        self.pool_idle.set(i64::from(state.idle_connections));
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Middleware: gives every request a span with its own id (so every log line of the request
/// carries it), counts and times it, answers its time in `Server-Timing`, and logs one line.
pub async fn observe(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use tracing::Instrument;
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id(), %method, %path);
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    let route = route_label(&path, status);
    let elapsed = started.elapsed();
    // The server's own time, which a browser's developer tools show beside the network's and
    // the benchmark suite reads for the portfolio page's target.
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&format!(
        "app;dur={:.3}",
        elapsed.as_secs_f64() * 1e3
    )) {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("server-timing"),
            value,
        );
    }
    METRICS.observe_request(&route, method.as_str(), status, elapsed);
    span.in_scope(
        || tracing::info!(%route, status, latency_ms = elapsed.as_secs_f64() * 1e3, "request"),
    );
    Ok(response)
}

/// A request id unique in this process and unlikely to repeat across processes: a random
/// prefix drawn at start and a counter.
fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static PREFIX: LazyLock<String> = LazyLock::new(|| {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        hex::encode(bytes)
    });
    format!("{}-{:x}", *PREFIX, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The route a path belongs to, for metric labels: numeric segments become `{id}`
/// (`/api/v1/bets/7/reports` is `/api/v1/bets/{id}/reports`). Answers 404 and 405 share one
/// label, so that arbitrary paths cannot multiply the metrics.
pub fn route_label(path: &str, status: u16) -> String {
    if status == 404 || status == 405 {
        return "(no route or no object)".to_owned();
    }
    path.split('/')
        .map(|segment| match segment.split_once('.') {
            _ if segment.parse::<i64>().is_ok() => "{id}".to_owned(),
            Some((number, extension)) if number.parse::<i64>().is_ok() => {
                format!("{{id}}.{extension}")
            }
            _ => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_registers() {
        let metrics = build();
        metrics.observe_request("/healthz", "GET", 200, Duration::from_millis(3));
        metrics.reports_ingested.inc_by(2);
        let families = metrics.registry.gather();
        let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
        assert_eq!(
            route_label("/api/v1/bets/17/reports", 201),
            "/api/v1/bets/{id}/reports"
        );
        assert_eq!(
            route_label("/api/v1/rounds/3/results.csv", 200),
            "/api/v1/rounds/{id}/results.csv"
        );
        assert_eq!(route_label("/whatever/123", 404), "(no route or no object)");
        for name in [
            "horserace_http_requests_total",
            "horserace_http_request_duration_seconds",
            "horserace_reports_ingested_total",
            "horserace_report_commits_total",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
    }
}
