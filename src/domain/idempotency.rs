//! Idempotency keys: a client's name for one intended write, so a retry is stored once.

use super::DomainError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_CHARS: usize = 255;

    /// 1 to 255 printable ASCII characters (what HTTP headers and CSV cells carry safely).
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        if raw.is_empty() {
            return Err(DomainError::new(field, "must not be empty"));
        }
        if raw.len() > Self::MAX_CHARS {
            return Err(DomainError::new(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::new(
                field,
                "must be printable ASCII without spaces",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
