//! Storing reports: one, a batch of up to 10,000, or corrections, all through one path.
//!
//! A batch is atomic: every row is checked first, and one bad row refuses the whole batch with
//! every bad row listed. A report that repeats a stored idempotency key of its bet with the same
//! content is a replay: nothing is written and the stored report is returned; the same key with
//! different content is a conflict.
//!
//! [`store`] holds the entry points (one request, a group commit of many), [`plan`] decides what
//! happens to each row of a request, [`check`] judges one row, [`audit`] writes the audit row.

mod audit;
mod check;
mod plan;
mod store;

pub(crate) use audit::audit;
pub use store::{GroupRequest, store, store_group, store_unaudited};

use sha2::{Digest, Sha256};

use crate::db::reports::Report;
use crate::domain::{DomainError, IdempotencyKey, ObservedAt, SourceNote};

/// The most reports one request may carry.
pub const MAX_BATCH: usize = 10_000;

/// What a report is about: a bet, or an earlier report it corrects (the bet is that report's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Bet(i64),
    Correction(i64),
}

/// A report as the client sent it, its values already parsed.
#[derive(Debug, Clone)]
pub struct ReportDraft {
    pub subject: Subject,
    pub value: f64,
    /// None: now for a new report, the corrected report's instant for a correction.
    pub observed_at: Option<ObservedAt>,
    pub source: Option<SourceNote>,
    pub idempotency_key: Option<IdempotencyKey>,
}

impl ReportDraft {
    /// What identifies the request as the client sent it: a retry must send the same.
    fn digest(&self) -> String {
        let subject = match self.subject {
            Subject::Bet(id) => format!("bet:{id}"),
            Subject::Correction(id) => format!("correction:{id}"),
        };
        let at = self
            .observed_at
            .map(|t| t.get().to_rfc3339())
            .unwrap_or_default();
        let source = self
            .source
            .as_ref()
            .map(SourceNote::as_str)
            .unwrap_or_default();
        // Lengths keep the fields apart whatever characters they hold.
        let canonical = format!(
            "{subject}|{:016x}|{}:{at}|{}:{source}",
            self.value.to_bits(),
            at.len(),
            source.len()
        );
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }
}

/// A report as stored, and whether this call only replayed an earlier identical request.
#[derive(Debug, Clone)]
pub struct Stored {
    pub report: Report,
    pub replayed: bool,
}

/// A row of a request: a parsed draft, or why its values did not parse.
pub type Row = Result<ReportDraft, DomainError>;
