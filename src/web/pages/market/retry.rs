//! A market form that did not act, drawn again on the page it came from: what was typed is
//! kept, the field at fault is marked beside it, and the page leads with why and a link to the
//! form (`retry_summary.html`). Nothing was written: the services refuse before they write.
//!
//! Each form on a page has a name (`request-3`, `subscribe-3`, `register`, `plan`, `limit`,
//! `quote-12`, `raise-12`, `cancel-12`); the templates ask a [`Retry`] about their own form
//! only, so every other form on the page is drawn as usual.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use serde::Serialize;

use crate::error::AppError;
use crate::web::error::WebError;

/// Why a market form did not act: the status the page answers with, the input at fault (its
/// `name`), and the reason in words.
#[derive(Debug)]
pub(crate) struct Refused {
    pub status: StatusCode,
    pub field: Option<String>,
    pub message: String,
}

impl Refused {
    /// Not allowed: 403, in words.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Refused {
            status: StatusCode::FORBIDDEN,
            field: None,
            message: message.into(),
        }
    }

    /// Whether the form can be drawn again with it: not when the server failed (5xx), which
    /// the error page reports as such.
    pub fn is_the_forms(&self) -> bool {
        self.status.is_client_error()
    }

    /// A field typed wrong: 422 naming the input.
    pub fn field(name: &str, message: impl std::fmt::Display) -> Self {
        Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            field: Some(name.to_owned()),
            message: message.to_string(),
        }
    }
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        let status = crate::http::status_of(e.kind());
        // The service names its field as the API does (`max_total`, `reports[0].value`); the
        // page's inputs carry the last part of that path as their name.
        let field = e
            .detail()
            .field
            .as_deref()
            .map(|f| f.rsplit('.').next().unwrap_or(f).to_owned());
        Refused {
            status,
            field,
            message: e.detail().message.clone(),
        }
    }
}

impl From<Refused> for WebError {
    /// Where no form can be drawn again (a button, no page to return to): the error page,
    /// naming the field when there is one.
    fn from(r: Refused) -> Self {
        let message = match r.field {
            Some(field) => format!(
                "{}: {}. Nothing was changed; go back and fix it.",
                field.replace('_', " "),
                r.message
            ),
            None => r.message,
        };
        WebError::Page {
            status: r.status,
            message,
        }
    }
}

/// One form's values as typed and why it did not act; `Retry::none()` for a page drawn as
/// usual.
#[derive(Debug, Default)]
pub struct Retry {
    form: String,
    values: BTreeMap<String, String>,
    field: Option<String>,
    message: String,
}

impl Retry {
    pub fn none() -> Self {
        Retry::default()
    }

    /// The form named `form`, as typed (`typed` is the submitted form; every text field of it
    /// is kept), refused for `why`.
    pub(crate) fn of(form: String, typed: &impl Serialize, why: Refused) -> Self {
        let values = match serde_json::to_value(typed) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::String(s) => Some((k, s)),
                    _ => None,
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        Retry {
            form,
            values,
            field: why.field,
            message: why.message,
        }
    }

    /// This form is the one drawn again (its `<details>` opens).
    pub fn is(&self, form: &str) -> bool {
        !self.form.is_empty() && self.form == form
    }

    /// What to put in an input: what was typed when this form is the one drawn again, else
    /// `usual`.
    pub fn value<'a>(&'a self, form: &str, name: &str, usual: &'a str) -> &'a str {
        if self.is(form) {
            self.values.get(name).map_or(usual, String::as_str)
        } else {
            usual
        }
    }

    /// Whether an option of a select is the one chosen: typed, or `usual` when not drawn again.
    pub fn chosen(&self, form: &str, name: &str, option: &str, usual: bool) -> bool {
        if self.is(form) {
            self.values.get(name).is_some_and(|v| v == option)
        } else {
            usual
        }
    }

    /// The error beside one input, or "" (templates test for emptiness).
    pub fn error(&self, form: &str, name: &str) -> &str {
        if self.is(form) && self.field.as_deref() == Some(name) {
            &self.message
        } else {
            ""
        }
    }

    /// Whether a form of the page was refused (the page leads with why).
    pub fn refused(&self) -> bool {
        !self.form.is_empty()
    }

    /// The refused form's name: the page's link to it is `#form-NAME`.
    pub fn form(&self) -> &str {
        &self.form
    }

    /// Why the form did not act, in the service's or the parser's words, after the label of
    /// the field at fault when there is one ("the most you will pay: must be an amount ...").
    pub fn why(&self) -> String {
        match self.field.as_deref().map(label_of) {
            Some(label) => format!("{label}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// The words a market form's input is labelled with, for the page's summary of a refusal.
fn label_of(name: &str) -> &str {
    let row = name.trim_end_matches(|c: char| c.is_ascii_digit());
    match row {
        "max_total" => "the most you will pay",
        "quantity" => "units",
        "purpose" => "what it is for",
        "bet_id" => "for a bet",
        "request_type" => "kind of work",
        "provider_team_id" => "provided by",
        "description" => "what it offers",
        "price" => "subscription price",
        "quantity_unit" => "per unit of",
        "effective_from" => "from period",
        "type_name_" => "a request type's name",
        "type_unit_" => "a request type's unit",
        "type_price_" => "a request type's price",
        "amount" => "the amount",
        "days" => "stands for days",
        "reason" => "why",
        "limit" => "overdraft limit",
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Typed {
        csrf: String,
        units: String,
        bet_id: Option<String>,
    }

    fn typed() -> Typed {
        Typed {
            csrf: "c".into(),
            units: "two".into(),
            bet_id: Some("7".into()),
        }
    }

    #[test]
    fn the_refused_form_keeps_what_was_typed_and_marks_its_field() {
        let r = Retry::of(
            "request-3".into(),
            &typed(),
            Refused::field("units", "must be a whole number"),
        );
        assert!(r.is("request-3"));
        assert_eq!(r.value("request-3", "units", "1"), "two");
        assert!(r.chosen("request-3", "bet_id", "7", false));
        assert_eq!(r.error("request-3", "units"), "must be a whole number");
        assert!(r.refused() && r.form() == "request-3");
        assert_eq!(r.why(), "units: must be a whole number");
        // Another form on the same page is drawn as usual.
        assert!(!r.is("request-4"));
        assert_eq!(r.value("request-4", "units", "1"), "1");
        assert_eq!(r.error("request-4", "units"), "");
    }

    #[test]
    fn a_refusal_without_a_field_of_the_form_marks_no_input() {
        let why = Refused {
            status: StatusCode::CONFLICT,
            field: None,
            message: "already subscribed".into(),
        };
        let r = Retry::of("subscribe-3".into(), &typed(), why);
        assert_eq!(r.why(), "already subscribed");
        assert_eq!(r.error("subscribe-3", "units"), "");
        assert_eq!(r.value("subscribe-3", "units", "1"), "two");
        assert!(!Retry::none().is("") && !Retry::none().refused());
    }
}
