//! The internal market's tables: services and their plans, subscriptions, requests, billing
//! runs with the charges they could not make, and the idempotency keys of market writes. Rows
//! and queries only; what is allowed is decided in `services::market`.

pub mod billing;
pub mod idempotency;
pub mod plans;
pub mod requests;
pub mod services;
pub mod subscriptions;
