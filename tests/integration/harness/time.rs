//! Instants as the tests write them.

use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 with microseconds, as the server stores instants.
pub fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn days_ago(days: i64) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::days(days)
}
