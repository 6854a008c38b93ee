//! Names and free text: trimmed, non-empty where it matters, bounded, no control characters.

use super::DomainError;

fn bounded(field: &str, raw: &str, min: usize, max: usize) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    let chars = trimmed.chars().count();
    if chars < min {
        return Err(DomainError::new(field, "must not be empty"));
    }
    if chars > max {
        return Err(DomainError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

fn no_control(field: &str, text: String, allow_newlines: bool) -> Result<String, DomainError> {
    let bad = text
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')));
    if bad {
        Err(DomainError::new(
            field,
            "must not contain control characters",
        ))
    } else {
        Ok(text)
    }
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
                no_control(field, bounded(field, raw, $min, $max)?, $nl).map(Self)
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
    fn slugs_are_url_friendly() {
        assert_eq!(
            slugify("Faster checkout: 2-step!"),
            "faster-checkout-2-step"
        );
        assert_eq!(slugify("¡¡¡"), "bet");
    }
}
