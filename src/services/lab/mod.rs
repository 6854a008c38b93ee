//! The policy lab's use cases on the real portfolio: the backtest, which replays the committed
//! rounds under other policies, and the adoption of a policy as the default for new drafts.
//! `history` reads the rounds once into the pure lab's compact form; `backtest` checks who asks
//! and runs `lab::backtest` over it; `adopt` is the one that writes (a row and its audit).

pub mod adopt;
pub mod backtest;
pub mod history;

pub use backtest::{BacktestRequest, backtest, backtest_with_progress};
pub use history::RoundRange;
