//! An audit entry's detail as a reader takes it in: the stored JSON turned into labelled fields,
//! with money in the portfolio's currency, instants in the house format, people by name and
//! yes/no for flags. The audit page shows these and keeps the raw JSON a click away.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::domain::Currency;
use crate::web::format;

/// One labelled value of a detail.
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// Keys whose numbers are amounts in minor units, wherever they appear.
const MONEY: &[&str] = &[
    "amount",
    "budget",
    "grant",
    "granted",
    "held",
    "limit",
    "max_grant",
    "max_total",
    "min_grant",
    "offer",
    "overdraft_limit",
    "paid",
    "price",
    "reserve",
    "seed_request",
    "total",
    "unpaid",
];

/// The fields of `detail` (the stored JSON text) for an entry of `action`; an empty list when
/// the detail is empty or not JSON (the raw text is still shown).
pub fn fields(
    action: &str,
    detail: &str,
    currency: &Currency,
    users: &BTreeMap<i64, String>,
) -> Vec<Field> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(detail) else {
        return Vec::new();
    };
    // A limit change records its amounts as "from" and "to".
    let from_to_money = action.ends_with("limit");
    let reader = Reader {
        currency,
        users,
        from_to_money,
    };
    let mut out = Vec::new();
    for (key, value) in &map {
        reader.push(&mut out, "", key, value);
    }
    out
}

struct Reader<'a> {
    currency: &'a Currency,
    users: &'a BTreeMap<i64, String>,
    from_to_money: bool,
}

impl Reader<'_> {
    fn push(&self, out: &mut Vec<Field>, prefix: &str, key: &str, value: &Value) {
        let label = format!("{prefix}{}", label(key));
        match value {
            Value::Object(inner) => {
                for (k, v) in inner {
                    self.push(out, &format!("{label}: "), k, v);
                }
            }
            other => out.push(Field {
                value: self.value(key, other),
                label,
            }),
        }
    }

    fn value(&self, key: &str, value: &Value) -> String {
        let money = MONEY.contains(&key) || (self.from_to_money && matches!(key, "from" | "to"));
        match value {
            Value::Null => "none".to_owned(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
            Value::Number(n) => match n.as_i64() {
                Some(minor) if money => self.currency.format(minor),
                Some(id) if matches!(key, "user_id" | "actor_id") => self
                    .users
                    .get(&id)
                    .map_or_else(|| format!("#{id}"), Clone::clone),
                Some(id) if key.ends_with("_id") => format!("#{id}"),
                Some(whole) => format::group_thousands_i64(whole),
                None => n.as_f64().map_or_else(|| n.to_string(), format::full),
            },
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s).map_or_else(
                |_| s.clone(),
                |t| format::datetime(t.with_timezone(&chrono::Utc)),
            ),
            Value::Array(items) => {
                let scalars: Vec<String> = items
                    .iter()
                    .filter(|i| !i.is_object() && !i.is_array())
                    .map(|i| self.value(key, i))
                    .collect();
                if scalars.len() == items.len() && !items.is_empty() {
                    scalars.join(", ")
                } else {
                    format::count(items.len(), "item", "items")
                }
            }
            Value::Object(_) => String::new(),
        }
    }
}

/// `min_grant` -> `min grant`, `team_id` -> `team`.
fn label(key: &str) -> String {
    key.strip_suffix("_id").unwrap_or(key).replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(action: &str, detail: &str) -> Vec<(String, String)> {
        let users = BTreeMap::from([(3, "ava".to_owned())]);
        fields(action, detail, &Currency::usd(), &users)
            .into_iter()
            .map(|f| (f.label, f.value))
            .collect()
    }

    fn pair(label: &str, value: &str) -> (String, String) {
        (label.to_owned(), value.to_owned())
    }

    #[test]
    fn money_dates_people_and_flags_read_as_words() {
        let got = read(
            "round.pin",
            r#"{"bet_id": 7, "grant": 600000000, "waive_kill": true, "reason": "launch",
                "as_of": "2026-11-25T00:00:00+00:00", "user_id": 3, "policy": {"min_grant": 500000}}"#,
        );
        assert_eq!(
            got,
            vec![
                pair("as of", "2026\u{2011}11\u{2011}25\u{a0}00:00\u{a0}UTC"),
                pair("bet", "#7"),
                pair("grant", "USD 6,000,000.00"),
                pair("policy: min grant", "USD 5,000.00"),
                pair("reason", "launch"),
                pair("user", "ava"),
                pair("waive kill", "yes"),
            ]
        );
    }

    #[test]
    fn a_limit_change_reads_its_from_and_to_as_money_and_other_actions_do_not() {
        assert_eq!(
            read("team.limit", r#"{"from": 0, "to": 250000}"#),
            vec![pair("from", "USD 0.00"), pair("to", "USD 2,500.00")]
        );
        assert_eq!(
            read("bet.status", r#"{"from": "active", "to": 2}"#),
            vec![pair("from", "active"), pair("to", "2")]
        );
    }

    #[test]
    fn anything_else_is_left_to_the_raw_text() {
        assert!(read("x", "").is_empty());
        assert!(read("x", "not json").is_empty());
        assert!(read("x", "[1, 2]").is_empty());
        assert_eq!(
            read("x", r#"{"ids": [1, 2], "rows": [{"a": 1}], "none": null}"#),
            vec![
                pair("ids", "1, 2"),
                pair("none", "none"),
                pair("rows", "1 item")
            ]
        );
    }
}
