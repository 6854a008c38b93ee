//! Bets: register, list and read, thresholds, activation and closing. One file a purpose: the
//! views, registering, listing, reading one, adding a threshold, and the committee's
//! activate/kill/graduate.

mod create;
mod lifecycle;
mod list;
mod show;
mod thresholds;
mod views;

pub use create::*;
pub use lifecycle::*;
pub use list::*;
pub use show::*;
pub use thresholds::*;
pub use views::*;
