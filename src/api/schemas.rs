//! The OpenAPI schemas of types that live below the API and stay free of it: the engine's words
//! (outcome, decision, direction), its policy and per-bet result, and the domain's word enums.
//! They are described here, beside the document, so that neither the engine nor the domain
//! depends on an OpenAPI crate; the tests check each description against what serde writes.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::{
    AccountKind, BetStatus, BillingRunStatus, EntryKind, RequestStatus, Role, RoundStatus, Stage,
    TeamKind, TokenKind,
};
use crate::engine::{BetResult, Decision, Direction, Outcome, Policy};

/// A string schema whose only values are `words`.
fn word_schema(description: &str, words: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(words))
        .into()
}

/// Names a type's schema `$name`, built from `$words` (the words serde writes for it).
macro_rules! words {
    ($ty:ty, $name:expr, $description:literal, $words:expr) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                word_schema($description, $words)
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

/// The domain's word enums list their variants in `ALL`.
macro_rules! domain_words {
    ($ty:ident, $description:literal) => {
        words!(
            $ty,
            stringify!($ty),
            $description,
            $ty::ALL.iter().map(|w| w.as_str())
        );
    };
}

domain_words!(Role, "What a user may do");
domain_words!(
    TeamKind,
    "A pod inside the company, or an external partner team"
);
domain_words!(Stage, "How far a bet has come");
domain_words!(
    BetStatus,
    "A bet's life: proposed, active, then killed or graduated"
);
domain_words!(
    RoundStatus,
    "A funding round's life: a draft, then committed"
);
domain_words!(TokenKind, "An API token, or a session behind a web sign-in");
domain_words!(
    AccountKind,
    "The portfolio's account, which funds rounds; a team's; or a team's hold account"
);
domain_words!(
    EntryKind,
    "What moved money: a grant, a subscription charge, a hold, its release, a payment"
);
domain_words!(
    RequestStatus,
    "A request's life: open, quoted, accepted, then delivered, declined, withdrawn or cancelled"
);
domain_words!(
    BillingRunStatus,
    "A billing run's life: a draft, then committed once"
);

words!(
    Outcome,
    "Outcome",
    "How the evidence compares with the threshold",
    Outcome::ALL.map(Outcome::as_str)
);
words!(
    Decision,
    "Decision",
    "The one decision shown for a bet, in order of precedence",
    Decision::ALL.map(Decision::as_str)
);
words!(
    Direction,
    "Direction",
    "Which way a metric improves",
    Direction::ALL.map(Direction::as_str)
);

/// Gives an engine type the schema of its mirror, under the engine type's name.
macro_rules! mirrored {
    ($ty:ty, $mirror:ty, $name:literal) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                <$mirror as PartialSchema>::schema()
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }

            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$mirror as ToSchema>::schemas(schemas);
            }
        }
    };
}

// The JSON shape of `Policy`, with the ranges `Policy::validate` allows and the defaults a
// request that leaves a field out gets. The doc comments are the document's descriptions.

/// The knobs of a round. A field left out takes its default; a value outside its range is
/// refused.
#[derive(ToSchema)]
#[serde(default)]
struct PolicySchema {
    /// c: probability needed to call a threshold beaten (or, as 1 - c, missed). 0.5 < c < 1.
    #[schema(exclusive_minimum = 0.5, exclusive_maximum = 1.0)]
    confidence: f64,
    /// m: fewer observations than this in the window is insufficient data. >= 3.
    #[schema(minimum = 3)]
    min_reports: u32,
    /// beta: exponent on progress; 0 means every survivor keeps its share. 0..=10.
    #[schema(minimum = 0.0, maximum = 10.0)]
    selection_pressure: f64,
    /// q_max: progress above this earns nothing more. > 0, finite.
    #[schema(exclusive_minimum = 0.0)]
    progress_cap: f64,
    /// K: consecutive missed rounds that kill a bet. >= 1.
    #[schema(minimum = 1)]
    kill_after_misses: u32,
    /// e: share of B' reserved for seeding new bets. 0..=1.
    #[schema(minimum = 0.0, maximum = 1.0)]
    exploration_share: f64,
    /// h: no unpinned bet gets more than floor(h * B). 0 < h <= 1.
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    max_share: f64,
    /// A computed main-pool grant below this becomes 0. >= 0.
    #[schema(minimum = 0)]
    min_grant: i64,
    /// k: judge each bet on the reports of the round's last k evidence windows (1, the
    /// default, is the v1 rule: its own window alone). 1..=20.
    #[schema(minimum = 1, maximum = 20)]
    evidence_windows: u32,
}

/// The engine's defaults, which the schema shows as each field's `default`.
impl Default for PolicySchema {
    fn default() -> Self {
        let p = Policy::default();
        Self {
            confidence: p.confidence,
            min_reports: p.min_reports,
            selection_pressure: p.selection_pressure,
            progress_cap: p.progress_cap,
            kill_after_misses: p.kill_after_misses,
            exploration_share: p.exploration_share,
            max_share: p.max_share,
            min_grant: p.min_grant,
            evidence_windows: p.evidence_windows,
        }
    }
}

mirrored!(Policy, PolicySchema, "Policy");

/// A round's policy as an answer shows it: [`Policy`]'s schema with every field required,
/// since the server always sends them all. Requests keep `Policy`, whose fields are optional.
pub struct PolicyView;

impl PartialSchema for PolicyView {
    fn schema() -> RefOr<Schema> {
        let mut schema = PolicySchema::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.required = object.properties.keys().cloned().collect();
            object.description = Some("The knobs the round is decided with".to_owned());
        }
        schema
    }
}

impl ToSchema for PolicyView {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PolicyView")
    }
}

// The JSON shape of `BetResult`. Only ever answered: `complete` marks every field required.

/// What the round decided for one bet, and why.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used.
struct BetResultSchema {
    bet_id: i64,
    /// Observations in the window.
    n: u32,
    /// L: the estimated level at `as_of`.
    level: Option<f64>,
    /// The fitted line's change per day (0 when every report shares one instant).
    slope: Option<f64>,
    se: Option<f64>,
    /// Degrees of freedom of the t test.
    nu: Option<u32>,
    threshold: f64,
    /// P: the probability that the level beats the threshold.
    p_beat: Option<f64>,
    outcome: Outcome,
    /// Consecutive missed rounds after this round.
    streak: u32,
    /// q = (L - b) / (T - b).
    progress: Option<f64>,
    /// f; 0 for bets that are not continuing and alive.
    fitness: f64,
    /// w = g * f for main-pool candidates; 0 for everyone else.
    weight: f64,
    prev_grant: i64,
    /// The real target before whole-unit rounding (the pinned amount for a pinned bet).
    target: f64,
    grant: i64,
    /// The committee fixed the grant.
    pinned: bool,
    /// The bet would have been killed, but a pin kept it alive.
    kill_waived: bool,
    decision: Decision,
    reasons: Vec<String>,
}

mirrored!(BetResult, BetResultSchema, "BetResult");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn schema_json<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    /// The words of an enum's schema are exactly those serde writes.
    fn assert_words<T: PartialSchema + serde::Serialize>(all: &[T]) {
        let written: Vec<Value> = all
            .iter()
            .map(|v| serde_json::to_value(v).unwrap())
            .collect();
        assert_eq!(schema_json::<T>()["enum"], Value::Array(written));
    }

    #[test]
    fn word_schemas_hold_the_words_serde_writes() {
        assert_words(&Outcome::ALL);
        assert_words(&Decision::ALL);
        assert_words(&Direction::ALL);
        assert_words(Role::ALL);
        assert_words(TeamKind::ALL);
        assert_words(Stage::ALL);
        assert_words(BetStatus::ALL);
        assert_words(RoundStatus::ALL);
        assert_words(TokenKind::ALL);
        assert_words(AccountKind::ALL);
    }

    /// The JSON type a schema property allows, as the kinds of `serde_json::Value`.
    fn allows(property: &Value, value: &Value) -> bool {
        let types: Vec<&str> = match &property["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            // A `$ref` (an enum of words): a string.
            _ => vec!["string"],
        };
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        types.contains(&kind) || (kind == "integer" && types.contains(&"number"))
    }

    /// A mirror names exactly the fields serde writes, each with a type that allows its value.
    fn assert_mirrors<T: PartialSchema>(written: Value) {
        let schema = schema_json::<T>();
        let properties = schema["properties"].as_object().unwrap();
        let written = written.as_object().unwrap();
        let mut named: Vec<&String> = properties.keys().collect();
        let mut sent: Vec<&String> = written.keys().collect();
        named.sort();
        sent.sort();
        assert_eq!(named, sent);
        for (field, value) in written {
            assert!(allows(&properties[field], value), "{field}: {value}");
        }
    }

    #[test]
    fn mirrors_match_what_serde_writes() {
        assert_mirrors::<Policy>(serde_json::to_value(Policy::default()).unwrap());
        let result = BetResult {
            bet_id: 1,
            n: 5,
            level: Some(2.5),
            slope: None,
            se: Some(0.1),
            nu: Some(3),
            threshold: 2.0,
            p_beat: None,
            outcome: Outcome::Beat,
            streak: 0,
            progress: Some(1.5),
            fitness: 1.0,
            weight: 2.0,
            prev_grant: 10,
            target: 12.5,
            grant: 12,
            pinned: false,
            kill_waived: false,
            decision: Decision::Increase,
            reasons: vec!["because".to_owned()],
        };
        assert_mirrors::<BetResult>(serde_json::to_value(result).unwrap());
        let required = &schema_json::<BetResult>()["required"];
        assert!(required.as_array().unwrap().contains(&json!("decision")));
    }
}
