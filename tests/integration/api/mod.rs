//! The API and the pages over HTTP: the real server on a fresh database per test.
//!
//! ```sh
//! cargo test --test integration -- api::
//! ```

mod auth;
mod bad_input;
mod bets;
mod health;
mod lab_backtest;
pub(crate) mod market;
mod operations;
mod pages;
pub(crate) mod races;
mod reports;
mod rounds;
mod teams_and_users;
mod transfer;
