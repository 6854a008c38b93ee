//! The use cases: each takes the acting user and already-parsed input, checks what only the
//! database can tell (existence, ownership, status, idempotency), and writes in one transaction
//! with its audit row. HTTP handlers and the CLI both call these.

pub mod audit;
pub mod bets;
pub mod directory;
pub mod export;
pub mod funding_totals;
pub mod import;
pub mod lab;
pub mod market;
pub mod names;
pub mod races;
pub mod report_writer;
pub mod reports;
pub mod retry;
pub mod rounds;
pub mod users;
pub mod write_limit;
