//! horserace: an internal tournament and portfolio engine. Teams register bets and report their
//! metric; the committee runs funding rounds in which a pure scoring engine moves money toward
//! the bets that beat their thresholds.
//!
//! Data flows one way: HTTP or CLI -> [`domain`] parsing -> [`db`] reads -> [`engine`] decides ->
//! [`db`] writes in one transaction -> response.

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod error;
pub mod http;
/// The policy lab: synthetic portfolios with a known truth run through the engine (`docs/lab.md`).
pub mod lab;
pub mod metrics;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod web;
