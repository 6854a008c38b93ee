//! The policy lab's use cases on the real portfolio: the backtest, which replays the committed
//! rounds under other policies. `history` reads the rounds once into the pure lab's compact
//! form; `backtest` checks who asks and runs `lab::backtest` over it. Nothing here writes.

pub mod backtest;
pub mod history;

pub use backtest::{BacktestRequest, backtest, backtest_with_progress};
pub use history::RoundRange;
