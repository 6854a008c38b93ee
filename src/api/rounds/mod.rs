//! Funding rounds: create a draft, pin, preview, commit, read, verify. One file a purpose: what
//! the routes answer (views), the draft's life (create, list, read, delete), its pins, and its
//! evaluation (preview, commit, verify).

mod drafts;
mod evaluation;
mod pins;
mod views;

pub use drafts::*;
pub use evaluation::*;
pub use pins::*;
pub use views::*;
