//! One module per page: its route handlers, its template struct and the data it loads.

pub mod arenas;
pub mod audit;
mod audit_detail;
pub mod bet;
pub mod login;
pub mod market;
pub mod portfolio;
pub mod races;
pub mod reporting;
pub mod rounds;
mod standings;
pub mod teams;
