//! The integration tests, one binary: the real server over HTTP (in this process, or as child
//! processes killed with SIGKILL) on a fresh database per test, the browser test, and the
//! engine's properties. A fresh SQLite file per test by default; set
//! `HORSERACE_TEST_POSTGRES=postgres://user@host:port` to run on PostgreSQL.
//!
//! ```sh
//! cargo test --test integration                      # everything but the browser test
//! cargo test --test integration -- security          # one suite: api, security, reliability
//! HORSERACE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 \
//!     cargo test --test integration -- --test-threads=4
//! cargo test --test integration -- --ignored e2e     # the browser test (Chromium, chromedriver)
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test stops at its first surprise"
)]

mod harness;

mod api;
mod e2e;
mod engine_properties;
mod lab;
mod reliability;
mod security;
