//! Hostile input: every JSON route's body broken in every way we could think of (malformed and
//! truncated JSON, huge numbers, NaN and infinities spelled every way, deep nesting, a 10 MB
//! string, unicode edge cases, SQL-looking strings, odd timestamps), and hostile paths, queries
//! and content types. The server must answer each with a 4xx in the error envelope (or a 2xx
//! when the value happens to be acceptable), never a 5xx, never hang, and stay healthy.

use crate::harness::Reply;
use crate::harness::{Api, is_envelope};
use serde_json::Value;
use std::time::Duration;

mod bodies;
mod csv;
mod generated;
mod json;
mod market_bodies;
mod paths;
mod race_bodies;

/// No single hostile request may take longer than this.
const HOSTILE_TIMEOUT: Duration = Duration::from_secs(10);

/// A JSON route with a concrete path and a body it accepts.
#[derive(Debug, Clone)]
struct JsonRoute {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Value,
}

/// Sends one hostile request; anything but a 2xx, or a 4xx in the envelope, is a failure.
async fn send(
    api: &Api,
    token: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<Reply, String> {
    let shown = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    let request = api.raw(
        method.parse().unwrap(),
        path,
        Some(token),
        content_type,
        body,
    );
    let reply = match tokio::time::timeout(HOSTILE_TIMEOUT, request).await {
        Err(_) => {
            return Err(format!(
                "{method} {path} {shown:?}: no answer within {HOSTILE_TIMEOUT:?}"
            ));
        }
        Ok(Err(e)) => return Err(format!("{method} {path} {shown:?}: {e}")),
        Ok(Ok(reply)) => reply,
    };
    let status = reply.status.as_u16();
    let fine =
        (200..300).contains(&status) || ((400..500).contains(&status) && is_envelope(&reply));
    if fine {
        Ok(reply)
    } else {
        Err(format!(
            "{method} {path} {shown:?}: {status} {}",
            reply.body
        ))
    }
}
