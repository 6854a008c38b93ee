//! Which characters text may hold, the same on both backends and in every route, form, CSV
//! cell and command: checked before the database sees the text, so a NUL byte (which
//! PostgreSQL refuses and SQLite stores) or a right-to-left override never gets that far.
//!
//! Refused everywhere: every control character (Unicode category Cc, NUL included), the
//! bidirectional controls (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the byte-order mark
//! U+FEFF and the line and paragraph separators U+2028 and U+2029. Multi-line text (a thesis, a
//! reason) may hold line feeds and tabs as well; a CR LF pair becomes LF first. Zero-width
//! joiners stay allowed, since some scripts need them between letters.

use unicode_security::GeneralSecurityProfile;
use unicode_security::general_security_profile::IdentifierType;

use crate::domain::DomainError;

/// Whether no text may hold `c`.
fn is_refused(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` as it may be stored, or why not. Multi-line text has its CR LF pairs made LF.
pub fn check(field: &str, text: &str, multi_line: bool) -> Result<String, DomainError> {
    let text = if multi_line && text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_owned()
    };
    let allowed = |c: char| multi_line && (c == '\n' || c == '\t');
    match text.chars().position(|c| is_refused(c) && !allowed(c)) {
        None => Ok(text),
        Some(at) => {
            let c = text.chars().nth(at).unwrap_or_default();
            Err(DomainError::new(
                field,
                format!(
                    "must not contain control or invisible formatting characters (U+{:04X} at character {})",
                    u32::from(c),
                    at + 1
                ),
            ))
        }
    }
}

/// Whether `c` shows on screen: not white space and not a default-ignorable code point (a
/// zero-width space, a joiner, a variation selector, a Hangul filler...).
fn is_visible(c: char) -> bool {
    !c.is_whitespace() && c.identifier_type() != Some(IdentifierType::Default_Ignorable)
}

/// Refuses text that would show as nothing at all, such as a name made of zero-width spaces.
pub fn require_visible(field: &str, text: &str) -> Result<(), DomainError> {
    if text.chars().any(is_visible) {
        Ok(())
    } else {
        Err(DomainError::new(field, "must contain something visible"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_formatting_characters_are_refused_on_one_line() {
        for bad in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{7F}b",
            "a\u{85}b",
            "a\nb",
            "a\rb",
            "a\tb",
            "a\u{200E}b",
            "a\u{200F}b",
            "a\u{202A}b",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{2069}b",
            "a\u{FEFF}b",
            "a\u{2028}b",
            "a\u{2029}b",
        ] {
            assert!(check("name", bad, false).is_err(), "{bad:?}");
        }
        for good in ["Pod Alpha", "क्‍ष", "👩\u{200D}💻", "Tеam", "a\u{200C}b"] {
            assert_eq!(check("name", good, false).unwrap(), good);
        }
    }

    #[test]
    fn multi_line_text_keeps_line_feeds_and_tabs_and_makes_crlf_lf() {
        assert_eq!(check("thesis", "a\r\nb\tc\n", true).unwrap(), "a\nb\tc\n");
        for bad in ["a\rb", "a\u{0}b", "a\u{2028}b", "a\u{202E}b", "a\u{B}b"] {
            assert!(check("thesis", bad, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_error_names_the_character_and_where_it_is() {
        let e = check("name", "ab\u{0}", false).unwrap_err();
        assert!(e.message.contains("U+0000 at character 3"), "{}", e.message);
    }

    #[test]
    fn invisible_only_text_is_refused() {
        for invisible in [
            "\u{200B}",
            "\u{200B}\u{200D}",
            "\u{2060}",
            "\u{3164}",
            "\u{AD}",
            " \u{34F} ",
        ] {
            assert!(require_visible("name", invisible).is_err(), "{invisible:?}");
        }
        assert!(require_visible("name", "\u{200B}x").is_ok());
    }
}
