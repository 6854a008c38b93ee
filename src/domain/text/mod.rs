//! Names and free text: checked for refused characters (`chars`), NFC-normalised, trimmed,
//! bounded, visible where they may not be empty; and the key that tells look-alike names
//! apart (`lookalike`).

use super::DomainError;

mod chars;
mod lookalike;

pub use lookalike::lookalike_key;

use unicode_normalization::UnicodeNormalization;

/// `raw` checked and made canonical: no refused character (see [`chars`]), NFC-normalised,
/// trimmed, within `min..=max` characters, and something visible when it may not be empty.
fn canonical(
    field: &str,
    raw: &str,
    min: usize,
    max: usize,
    multi_line: bool,
) -> Result<String, DomainError> {
    let checked = chars::check(field, raw, multi_line)?;
    let normal: String = checked.nfc().collect();
    let trimmed = normal.trim();
    let count = trimmed.chars().count();
    if count < min {
        return Err(DomainError::new(field, "must not be empty"));
    }
    if count > max {
        return Err(DomainError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if min > 0 {
        chars::require_visible(field, trimmed)?;
    }
    Ok(trimmed.to_owned())
}

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, min = $min:expr, max = $max:expr, newlines = $nl:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The fewest characters it may have once trimmed.
            pub const MIN_CHARS: usize = $min;
            /// The most characters it may have once trimmed.
            pub const MAX_CHARS: usize = $max;
            /// Whether line breaks and tabs are allowed.
            pub const MULTI_LINE: bool = $nl;

            pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
                canonical(field, raw, $min, $max, $nl).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

text_type!(
    /// A name people recognise: a team, an arena, a user, a metric. 1 to 100 characters.
    Name, min = 1, max = 100, newlines = false
);
text_type!(
    /// A bet's title. 1 to 200 characters.
    Title, min = 1, max = 200, newlines = false
);
text_type!(
    /// A metric's unit ("%", "ms", "users"). 1 to 32 characters.
    Unit, min = 1, max = 32, newlines = false
);
text_type!(
    /// Free text: a thesis, a description, a reason. Up to 10,000 characters, may be empty.
    Description, min = 0, max = 10_000, newlines = true
);

text_type!(
    /// Where a value came from ("weekly export", "dashboard"). 1 to 500 characters.
    SourceNote, min = 1, max = 500, newlines = false
);
text_type!(
    /// A reason the committee writes down for an override. 1 to 2,000 characters.
    Reason, min = 1, max = 2_000, newlines = true
);
text_type!(
    /// A filter of a listing (an audit action, an object type): up to 200 characters, may be
    /// empty (no filter).
    Filter, min = 0, max = 200, newlines = false
);

impl Filter {
    /// A filter, or None when it is empty (nothing to filter by).
    pub fn optional(field: &str, raw: &str) -> Result<Option<Self>, DomainError> {
        let filter = Self::parse(field, raw)?;
        Ok((!filter.0.is_empty()).then_some(filter))
    }
}

/// A bet's slug as `slugify` makes them: 1 to 60 lowercase ASCII letters, digits and dashes.
/// Text of any other shape names no bet, and is answered so without asking the database.
pub fn is_slug(text: &str) -> bool {
    (1..=60).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A URL-friendly form of a title: lowercase ASCII letters and digits joined by single dashes.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(60).collect();
    if slug.is_empty() {
        "bet".to_owned()
    } else {
        slug.trim_end_matches('-').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("name", "  Growth ").unwrap().as_str(), "Growth");
        assert_eq!(
            Name::parse("name", "   ").unwrap_err().message,
            "must not be empty"
        );
        assert!(Name::parse("name", &"x".repeat(101)).is_err());
        assert!(Name::parse("name", "a\u{0}b").is_err());
        assert!(Description::parse("thesis", "").is_ok());
        assert!(Description::parse("thesis", "line\nline").is_ok());
    }

    #[test]
    fn names_are_nfc_and_visible() {
        // "é" as e and a combining acute becomes the one code point.
        assert_eq!(
            Name::parse("name", "Cafe\u{301}").unwrap().as_str(),
            "Caf\u{E9}"
        );
        assert!(Name::parse("name", "\u{200B}").is_err());
        assert!(Name::parse("name", "Pod\u{202E}A").is_err());
        assert!(Name::parse("name", "Pod\u{2028}").is_err());
        assert!(Title::parse("title", "Growth\n").is_err());
        assert_eq!(
            Reason::parse("reason", "one\r\ntwo").unwrap().as_str(),
            "one\ntwo"
        );
        assert!(Filter::parse("action", "").is_ok());
        assert!(Filter::parse("action", "\u{0}").is_err());
    }

    #[test]
    fn slugs_have_one_shape() {
        assert!(is_slug("group-stickers-2"));
        for not in ["", "Group", "a b", "a\u{0}", "é", &"a".repeat(61)] {
            assert!(!is_slug(not), "{not:?}");
        }
    }

    #[test]
    fn slugs_are_url_friendly() {
        assert_eq!(
            slugify("Faster checkout: 2-step!"),
            "faster-checkout-2-step"
        );
        assert_eq!(slugify("¡¡¡"), "bet");
    }
}
