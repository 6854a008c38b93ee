//! Reliability: nothing acknowledged is lost, nothing is created twice, money always adds up.
//!
//! These tests start the real `horserace serve` binary as child processes and kill them with
//! SIGKILL at random moments (seeded; the seed is printed, and a failing run prints how to
//! replay it). They run on a fresh SQLite file per test, or on PostgreSQL when
//! `HORSERACE_TEST_POSTGRES=postgres://user@host:port` names a server:
//!
//! ```sh
//! cargo test --test integration -- reliability::
//! HORSERACE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 cargo test --test integration -- reliability::
//! ```

mod bank;
mod books;
mod crash_billing;
mod crash_commit;
mod crash_reports;
mod idempotency;
mod market_races;
