//! Settings of a server process, parsed once from flags and environment variables. A bad value
//! stops the start with a message that names it.

use std::time::Duration;

use crate::db::DatabaseUrl;
use crate::domain::{ApiToken, Currency};
use crate::services::write_limit::WriteRate;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    /// `host:port` to listen on; port 0 picks a free port.
    pub bind: String,
    /// The admin's token on first start; None means a random one, printed once.
    pub bootstrap_token: Option<ApiToken>,
    /// The portfolio's currency, fixed on first start.
    pub currency: Currency,
    /// Database connections per process.
    pub pool_size: u32,
    /// How long a request waits for a free connection before it is answered 503.
    pub pool_wait: Duration,
    /// Writes each API token may make; 0 per second means unlimited.
    pub write_rate: WriteRate,
    /// HTTP worker threads; None means one per core.
    pub workers: Option<usize>,
    /// Mark the sign-in cookie `Secure` (set when users reach the server over TLS).
    pub secure_cookies: bool,
    /// The clock the market's routes read: the system's, except in tests that let billing
    /// periods pass.
    pub clock: crate::domain::time::Clock,
}

impl Settings {
    /// Settings for a server on `database_url` with every other value at its default.
    pub fn new(database_url: DatabaseUrl) -> Self {
        Self {
            database_url,
            bind: "127.0.0.1:8080".into(),
            bootstrap_token: None,
            currency: Currency::usd(),
            pool_size: 8,
            pool_wait: crate::db::connection::POOL_WAIT,
            write_rate: WriteRate {
                per_second: 100,
                burst: 500,
            },
            workers: None,
            secure_cookies: false,
            clock: crate::domain::time::Clock::system(),
        }
    }
}
