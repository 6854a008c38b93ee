//! An in-repo load generator: `connections` concurrent HTTP/1.1 clients, each sending requests
//! one after another for a fixed time. Counts successes and failures.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What one request is: method, path, body; built from a request counter.
pub type RequestFn = Arc<dyn Fn(u64) -> (reqwest::Method, String, Option<String>) + Send + Sync>;

pub struct LoadResult {
    pub ok: u64,
    pub failed: u64,
    pub per_second: f64,
}

pub async fn run(
    base: &str,
    token: &str,
    connections: usize,
    duration: Duration,
    request: RequestFn,
    expect: u16,
) -> LoadResult {
    let counter = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        // One client per connection, like separate users, each keeping its connection alive.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        let (counter, ok, failed, request) =
            (counter.clone(), ok.clone(), failed.clone(), request.clone());
        let (base, token) = (base.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let (method, path, body) = request(n);
                let mut builder = client
                    .request(method, format!("{base}{path}"))
                    .bearer_auth(&token);
                if let Some(body) = body {
                    builder = builder
                        .header("content-type", "application/json")
                        .body(body);
                }
                match builder.send().await {
                    Ok(r) if r.status().as_u16() == expect => {
                        let _ = r.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => {
                        let _ = r.bytes().await;
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = ok.load(Ordering::Relaxed);
    LoadResult {
        ok,
        failed: failed.load(Ordering::Relaxed),
        per_second: crate::measure::exact(ok) / elapsed,
    }
}
