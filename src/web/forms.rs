//! Reading HTML forms: every field arrives as text, is parsed here, and a failure becomes an
//! error message next to its field, with what was typed kept.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::{Currency, DomainError};

/// A form whose only field is its CSRF token: a button that does one thing.
#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// The query of a page an action redirects to: the code of the notice to show once.
#[derive(Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

/// Field errors of one submitted form, by field name.
#[derive(Debug, Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn add_domain(&mut self, e: DomainError) {
        let field = e.field.rsplit('.').next().unwrap_or(&e.field).to_owned();
        self.add(&field, e.message);
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The one error of a field, or "" (templates test for emptiness).
    pub fn of(&self, field: &str) -> &str {
        self.get(field).unwrap_or("")
    }
}

/// A number a person typed: commas and spaces allowed, finite only.
pub fn number(text: &str) -> Result<f64, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    if cleaned.is_empty() {
        return Err("enter a number".to_owned());
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("must be a finite number, like 12,500 or 3.75".to_owned()),
    }
}

/// An amount of money typed in major units ("1,000,000.50") as exact minor units.
pub fn money(text: &str, currency: &Currency) -> Result<i64, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    let bad = || {
        format!(
            "must be an amount like 1,000,000.00 (in {})",
            currency.code()
        )
    };
    if cleaned.is_empty() {
        return Err("enter an amount".to_owned());
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = currency.exponent() as usize;
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > digits
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<digits$}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(10i64.pow(currency.exponent()))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)
}

/// An instant typed in a `datetime-local` field, read as UTC ("2026-06-30T14:05"), or a full
/// RFC 3339 instant.
pub fn instant(text: &str) -> Result<DateTime<Utc>, String> {
    crate::domain::time::parse_text("instant", text)
        .map_err(|_| "must be a date and time in UTC, like 2026-06-30T14:05".to_owned())
}

/// The value a `datetime-local` field shows for an instant.
pub fn local_value(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// A fresh idempotency key for a form, so a double submit is stored once.
pub fn form_key() -> String {
    crate::domain::ApiToken::generate()
        .map(|t| format!("web-{}", &t.expose()[3..27]))
        .unwrap_or_else(|_| {
            format!(
                "web-{}",
                Utc::now().timestamp_nanos_opt().unwrap_or_default()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_read_exactly() {
        let usd = Currency::usd();
        assert_eq!(money("1,000,000.50", &usd), Ok(100_000_050));
        assert_eq!(money("12", &usd), Ok(1_200));
        assert_eq!(money(".5", &usd), Ok(50));
        assert!(money("1.234", &usd).is_err());
        assert!(money("-5", &usd).is_err());
        assert!(money("abc", &usd).is_err());
        assert!(money("99999999999999999999", &usd).is_err());
    }

    #[test]
    fn numbers_and_instants_are_forgiving_but_strict() {
        assert_eq!(number("12,500.5"), Ok(12_500.5));
        assert!(number("NaN").is_err());
        assert!(number("inf").is_err());
        assert!(number("").is_err());
        assert_eq!(
            instant("2026-06-30T14:05").unwrap().to_rfc3339(),
            "2026-06-30T14:05:00+00:00"
        );
        assert!(instant("2026-06-30T14:05:00+02:00").is_ok());
        assert!(instant("yesterday").is_err());
    }
}

/// Where to send the browser after a form: `target` when it is a path on this server, else
/// the home page. A path starts with one `/` (not `//`, which a browser reads as another host),
/// holds no backslash (`/\\evil.example` is another host to some browsers) and no control
/// character (a CR LF would end the `Location` header; it could not even be sent). Checked before
/// anything is written, it cannot fail after a report is stored or a session issued.
pub fn local_path(target: &str) -> &str {
    let local = target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control);
    if local { target } else { "/" }
}

#[cfg(test)]
mod local_path_tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_server_are_followed() {
        for good in ["/", "/bets/3", "/teams/2?notice=stored", "/bets/caf\u{E9}"] {
            assert_eq!(local_path(good), good);
        }
        for bad in [
            "",
            "bets/3",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\r\nSet-Cookie: x=1",
            "/bets\n",
            "/a\u{7F}",
            "/a\tb",
            "/a\u{0}",
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }
}
