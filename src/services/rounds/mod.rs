//! Funding rounds end to end: create a draft, pin, preview as often as wanted, commit in one
//! transaction (results, ledger, kills, audit), and verify a committed round from what it
//! stored.

pub mod commit;
pub mod evaluation;
pub mod evidence;
pub mod id_ranges;
pub mod lifecycle;
pub mod projection;
pub mod quality;
pub mod readiness;
pub mod rebuild;
pub mod starting_policy;
pub mod verify;

pub use commit::{commit, preview};
pub use evaluation::{Evaluation, RoundLine, RoundMoney};
pub use lifecycle::{PinForm, RoundForm};
pub use verify::{Verification, verify};
