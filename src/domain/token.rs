//! API tokens: random secrets shown once, stored only as SHA-256 hashes.
//!
//! A token is looked up by its hash. That is safe against timing attacks: the attacker cannot
//! steer the hash of a guess toward a stored one, so how long the index lookup takes says
//! nothing about any stored secret. The final comparison is constant-time all the same.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::DomainError;

/// A token in the clear: exists only between its creation and the response that shows it, or
/// between a request's header and its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

/// Deliberately opaque: a token must never reach a log through `{:?}`.
impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiToken({}…)", self.hint())
    }
}

impl ApiToken {
    /// A fresh token: `hr_` and 32 random bytes in hex.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Self(format!("hr_{}", hex::encode(bytes))))
    }

    /// A token chosen by an operator (`HORSERACE_BOOTSTRAP_TOKEN`) or sent by a client.
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        if raw.len() < 16 || raw.len() > 256 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::new(
                field,
                "must be 16 to 256 printable ASCII characters without spaces",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }

    /// The first characters, enough for a person to tell tokens apart, useless to an attacker.
    pub fn hint(&self) -> String {
        self.0.chars().take(7).collect()
    }
}

/// The stored form of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn matches(&self, other: &TokenHash) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_differ_and_hash_stably() {
        let a = ApiToken::generate().unwrap();
        let b = ApiToken::generate().unwrap();
        assert_ne!(a, b);
        assert!(a.expose().starts_with("hr_"));
        assert_eq!(a.hash(), a.hash());
        assert!(a.hash().matches(&a.hash()));
        assert!(!a.hash().matches(&b.hash()));
        assert!(!format!("{a:?}").contains(&a.expose()[8..]));
    }

    #[test]
    fn chosen_tokens_must_be_long_enough() {
        assert!(ApiToken::parse("token", "short").is_err());
        assert!(ApiToken::parse("token", "a-long-enough-token").is_ok());
        assert!(ApiToken::parse("token", "has a space in it!!").is_err());
    }
}
