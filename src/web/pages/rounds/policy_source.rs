//! Where a draft's policy comes from, in words, and what differs from it: the create form says
//! "from round 4's policy" and marks each field typed otherwise; a draft's page says "differs
//! from round 4: min grant USD 0.00 instead of USD 5,000.00". Pure: no I/O.

use crate::domain::Currency;
use crate::engine::Policy;
use crate::services::rounds::starting_policy::{PolicySource, StartingPolicy};
use crate::web::format;

/// The policy fields in the form's order, with the name a sentence uses for each.
pub(super) const FIELDS: [(&str, &str); 9] = [
    ("confidence", "confidence"),
    ("min_reports", "minimum reports"),
    ("selection_pressure", "selection pressure"),
    ("progress_cap", "progress cap"),
    ("kill_after_misses", "kill after misses"),
    ("exploration_share", "exploration share"),
    ("max_share", "maximum share"),
    ("min_grant", "min grant"),
    ("evidence_windows", "evidence windows"),
];

/// "round 4's policy", "the default policy adopted on 2026-06-30", "the engine's defaults".
pub(super) fn source_label(source: &PolicySource) -> String {
    match source {
        PolicySource::Round { id } => format!("round {id}'s policy"),
        PolicySource::Adopted { at } => {
            format!("the default policy adopted on {}", format::date(*at))
        }
        PolicySource::Engine => "the engine's defaults: no round is committed yet".to_owned(),
    }
}

/// The source as a sentence names what a value differs from: "round 4".
fn source_short(source: &PolicySource) -> String {
    match source {
        PolicySource::Round { id } => format!("round {id}"),
        PolicySource::Adopted { at } => {
            format!("the default policy adopted on {}", format::date(*at))
        }
        PolicySource::Engine => "the engine's defaults".to_owned(),
    }
}

/// A policy field's value as a person reads it: `0.8`, `3`, `USD 5,000.00`.
pub(super) fn value_of(policy: &Policy, field: &str, c: &Currency) -> String {
    match field {
        "confidence" => policy.confidence.to_string(),
        "min_reports" => policy.min_reports.to_string(),
        "selection_pressure" => policy.selection_pressure.to_string(),
        "progress_cap" => policy.progress_cap.to_string(),
        "kill_after_misses" => policy.kill_after_misses.to_string(),
        "exploration_share" => policy.exploration_share.to_string(),
        "max_share" => policy.max_share.to_string(),
        "min_grant" => c.format(policy.min_grant),
        "evidence_windows" => policy.evidence_windows.to_string(),
        _ => String::new(),
    }
}

/// Whether a field holds the same value in both policies (floats compared exactly: the form
/// fills in the source's own values, so a field left alone is equal).
fn same(a: &Policy, b: &Policy, field: &str) -> bool {
    match field {
        "confidence" => a.confidence == b.confidence,
        "min_reports" => a.min_reports == b.min_reports,
        "selection_pressure" => a.selection_pressure == b.selection_pressure,
        "progress_cap" => a.progress_cap == b.progress_cap,
        "kill_after_misses" => a.kill_after_misses == b.kill_after_misses,
        "exploration_share" => a.exploration_share == b.exploration_share,
        "max_share" => a.max_share == b.max_share,
        "min_grant" => a.min_grant == b.min_grant,
        "evidence_windows" => a.evidence_windows == b.evidence_windows,
        _ => true,
    }
}

/// "min grant USD 0.00 instead of USD 5,000.00", one per field that differs, in form order.
pub(super) fn differences(policy: &Policy, reference: &Policy, c: &Currency) -> Vec<String> {
    FIELDS
        .iter()
        .filter(|(field, _)| !same(policy, reference, field))
        .map(|(field, words)| {
            format!(
                "{words} {} instead of {}",
                value_of(policy, field, c),
                value_of(reference, field, c)
            )
        })
        .collect()
}

/// "differs from round 4: min grant USD 0.00 instead of USD 5,000.00", or None when nothing
/// differs.
pub(super) fn difference_line(
    policy: &Policy,
    start: &StartingPolicy,
    c: &Currency,
) -> Option<String> {
    let differences = differences(policy, &start.policy, c);
    (!differences.is_empty()).then(|| {
        format!(
            "differs from {}: {}",
            source_short(&start.source),
            differences.join(", ")
        )
    })
}

/// What one field of the form says when its typed value differs from the source's:
/// "Differs from round 4: USD 5,000.00 there."
pub(super) fn field_note(start: &StartingPolicy, field: &str, c: &Currency) -> String {
    format!(
        "Differs from {}: {} there.",
        source_short(&start.source),
        value_of(&start.policy, field, c)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_minimum_grant_is_named_with_both_amounts() {
        let start = StartingPolicy {
            policy: Policy {
                min_grant: 500_000,
                ..Policy::default()
            },
            source: PolicySource::Round { id: 4 },
        };
        let c = Currency::usd();
        assert_eq!(
            difference_line(&Policy::default(), &start, &c).as_deref(),
            Some("differs from round 4: min grant USD 0.00 instead of USD 5,000.00")
        );
        assert_eq!(difference_line(&start.policy, &start, &c), None);
        assert_eq!(
            field_note(&start, "min_grant", &c),
            "Differs from round 4: USD 5,000.00 there."
        );
    }
}
