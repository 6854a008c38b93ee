//! OpenAPI schemas for the request fields that the domain's text types parse, built from those
//! types' own bounds, so the document states exactly what the parsers accept: a client (or a
//! fuzzer) that follows the document is not refused for the length or characters of its text.
//!
//! A request struct points a `String` field here with `#[schema(value_type = NameText)]`.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::{Description, IdempotencyKey, Name, Reason, SourceNote, Title, Unit};

/// Control characters (Unicode category Cc) that no text may hold.
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";
/// The same, less tab, line feed and carriage return, for multi-line text.
const CONTROL_BUT_LINES: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";

/// An ECMA-262 pattern: no forbidden control characters and, when `min_chars > 0`, at least
/// one character that is not white space (the parsers trim before they count).
fn text_pattern(multi_line: bool, min_chars: usize) -> String {
    let allowed = if multi_line {
        CONTROL_BUT_LINES
    } else {
        CONTROL
    };
    if min_chars == 0 {
        format!("^[^{allowed}]*$")
    } else {
        format!(r"^[^{allowed}]*[^\s{CONTROL}][^{allowed}]*$")
    }
}

fn text(description: &str, min_chars: usize, max_chars: usize, multi_line: bool) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .min_length(Some(min_chars))
        .max_length(Some(max_chars))
        .pattern(Some(text_pattern(multi_line, min_chars)))
        .into()
}

macro_rules! text_schema {
    ($(#[$meta:meta])* $schema:ident for $domain:ident, $description:literal) => {
        $(#[$meta])*
        pub struct $schema;

        impl PartialSchema for $schema {
            fn schema() -> RefOr<Schema> {
                text(
                    $description,
                    $domain::MIN_CHARS,
                    $domain::MAX_CHARS,
                    $domain::MULTI_LINE,
                )
            }
        }

        impl ToSchema for $schema {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($schema))
            }
        }
    };
}

text_schema!(
    /// A team, arena, user, metric or token name.
    NameText for Name,
    "1 to 100 characters once trimmed, on one line, no control characters"
);
text_schema!(
    /// A bet's title.
    TitleText for Title,
    "1 to 200 characters once trimmed, on one line, no control characters"
);
text_schema!(
    /// A metric's unit.
    UnitText for Unit,
    "1 to 32 characters once trimmed, on one line, no control characters"
);
text_schema!(
    /// A thesis or description.
    DescriptionText for Description,
    "Up to 10,000 characters; line breaks allowed, no other control characters"
);
text_schema!(
    /// A committee's written reason.
    ReasonText for Reason,
    "1 to 2,000 characters once trimmed; line breaks allowed, no other control characters"
);
text_schema!(
    /// Where a reported value came from.
    SourceText for SourceNote,
    "1 to 500 characters once trimmed, on one line, no control characters"
);

/// A client's idempotency key.
pub struct IdempotencyKeyText;

impl PartialSchema for IdempotencyKeyText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "1 to 255 printable ASCII characters without spaces; a retry with the same key \
                 and body is answered with the first answer and stores nothing",
            ))
            .min_length(Some(1))
            .max_length(Some(IdempotencyKey::MAX_CHARS))
            .pattern(Some("^[!-~]+$"))
            .into()
    }
}

impl ToSchema for IdempotencyKeyText {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("IdempotencyKeyText")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns must agree with the parsers on the characters that matter.
    #[test]
    fn patterns_say_what_the_parsers_accept() {
        let one_line = text_pattern(false, 1);
        assert_eq!(
            one_line,
            r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        );
        assert_eq!(
            text_pattern(true, 0),
            r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        );
        assert!(
            Name::parse("name", "a\u{9f}b").is_err(),
            "U+009F is a control character"
        );
        assert!(Name::parse("name", "a\tb").is_err());
        assert!(Reason::parse("reason", "a\tb").is_ok());
    }
}
