//! The form that opens a draft round: its fields as typed, the policy knobs with their help,
//! the policy it starts from (`starting_policy`) with each field typed otherwise marked, and
//! parsing it into a `RoundForm` with every field's error.

use serde::Deserialize;

use super::policy_source::field_note;
use crate::domain::{Currency, Money, time};
use crate::engine::Policy;
use crate::services::rounds::RoundForm;
use crate::services::rounds::starting_policy::StartingPolicy;
use crate::startup::AppState;
use crate::web::forms::{FieldErrors, instant, local_value, money, number};

/// The create form, as typed.
#[derive(Deserialize, Default)]
pub struct CreateEntry {
    #[serde(default)]
    pub(super) budget: String,
    #[serde(default)]
    pub(super) as_of: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    min_reports: String,
    #[serde(default)]
    selection_pressure: String,
    #[serde(default)]
    progress_cap: String,
    #[serde(default)]
    kill_after_misses: String,
    #[serde(default)]
    exploration_share: String,
    #[serde(default)]
    max_share: String,
    #[serde(default)]
    min_grant: String,
    /// Blank (a form from before the field existed) is the v1 value, 1.
    #[serde(default)]
    evidence_windows: String,
    #[serde(default)]
    pub(super) csrf: String,
}

/// One policy knob in the create form.
pub struct PolicyField {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub value: String,
    pub error: String,
    /// "Differs from round 4: USD 5,000.00 there." when the typed value is not the source's.
    pub differs: String,
}

impl CreateEntry {
    /// A fresh form: now, and the policy a new draft starts from.
    pub(super) fn starting_from(policy: &Policy, c: &Currency) -> Self {
        CreateEntry {
            as_of: local_value(time::now()),
            confidence: policy.confidence.to_string(),
            min_reports: policy.min_reports.to_string(),
            selection_pressure: policy.selection_pressure.to_string(),
            progress_cap: policy.progress_cap.to_string(),
            kill_after_misses: policy.kill_after_misses.to_string(),
            exploration_share: policy.exploration_share.to_string(),
            max_share: policy.max_share.to_string(),
            min_grant: c.format_amount(policy.min_grant),
            evidence_windows: policy.evidence_windows.to_string(),
            ..CreateEntry::default()
        }
    }
}

/// Whether a field's typed value reads as a value other than the starting policy's (a value
/// that does not read at all has its error instead).
fn typed_differs(name: &str, typed: &str, start: &Policy, c: &Currency) -> bool {
    let real = |v: f64| number(typed).is_ok_and(|t| t != v);
    let whole = |v: u32| typed.trim().parse::<u32>().is_ok_and(|t| t != v);
    match name {
        "confidence" => real(start.confidence),
        "min_reports" => whole(start.min_reports),
        "selection_pressure" => real(start.selection_pressure),
        "progress_cap" => real(start.progress_cap),
        "kill_after_misses" => whole(start.kill_after_misses),
        "exploration_share" => real(start.exploration_share),
        "max_share" => real(start.max_share),
        "min_grant" => money(typed, c).is_ok_and(|t| t != start.min_grant),
        "evidence_windows" => whole(start.evidence_windows),
        _ => false,
    }
}

/// The policy knobs as the form draws them, each with what was typed, its error, and whether
/// it differs from the policy the draft starts from.
pub(super) fn policy_fields(
    form: &CreateEntry,
    errors: &FieldErrors,
    start: &StartingPolicy,
    c: &Currency,
) -> Vec<PolicyField> {
    let field = |name, label, help, value: &str| PolicyField {
        name,
        label,
        help,
        value: value.to_owned(),
        error: errors.of(name).to_owned(),
        differs: if typed_differs(name, value, &start.policy, c) {
            field_note(start, name, c)
        } else {
            String::new()
        },
    };
    vec![
        field(
            "confidence",
            "Confidence",
            "Probability needed to call a threshold beaten (between 0.5 and 1).",
            &form.confidence,
        ),
        field(
            "min_reports",
            "Minimum reports",
            "Fewer reports than this in the window is not enough data (3 or more).",
            &form.min_reports,
        ),
        field(
            "selection_pressure",
            "Selection pressure",
            "0 keeps every survivor's share; higher favours the leaders (0 to 10).",
            &form.selection_pressure,
        ),
        field(
            "progress_cap",
            "Progress cap",
            "Progress beyond this earns nothing more.",
            &form.progress_cap,
        ),
        field(
            "kill_after_misses",
            "Kill after misses",
            "Consecutive missed rounds that kill a bet (1 or more).",
            &form.kill_after_misses,
        ),
        field(
            "exploration_share",
            "Exploration share",
            "Share of the budget kept for new bets (0 to 1).",
            &form.exploration_share,
        ),
        field(
            "max_share",
            "Maximum share",
            "No bet gets more than this share of the budget (0 to 1).",
            &form.max_share,
        ),
        field(
            "min_grant",
            "Minimum grant",
            "A smaller computed grant becomes 0 (an amount in the currency).",
            &form.min_grant,
        ),
        field(
            "evidence_windows",
            "Evidence windows",
            "Judge each bet on the reports of this many rounds' windows, the newest included \
             (1 to 20; 1 judges on this round's window alone).",
            &form.evidence_windows,
        ),
    ]
}

/// Parses the form into a round, collecting every field error; `None` when any field fails.
pub(super) fn parse_create(
    entry: &CreateEntry,
    state: &AppState,
    errors: &mut FieldErrors,
) -> Option<RoundForm> {
    let c = &state.currency;
    let budget = money(&entry.budget, c)
        .map_err(|m| errors.add("budget", m))
        .ok()
        .and_then(|m| {
            Money::parse("budget", m)
                .map_err(|e| errors.add_domain(e))
                .ok()
        });
    let as_of = instant(&entry.as_of)
        .map_err(|m| errors.add("as_of", m))
        .ok()
        .and_then(|t| {
            time::schedule_instant("as_of", t)
                .map_err(|e| errors.add_domain(e))
                .ok()
        });
    let policy = parse_policy(entry, c, errors);
    Some(RoundForm {
        budget: budget?,
        as_of: as_of?,
        window_start: None,
        policy: policy?,
    })
}

/// Parses the policy fields, collecting their errors; `None` when any fails or the policy is
/// out of range.
pub(super) fn parse_policy(
    entry: &CreateEntry,
    c: &Currency,
    errors: &mut FieldErrors,
) -> Option<Policy> {
    let mut real = |field: &str, text: &str| number(text).map_err(|m| errors.add(field, m)).ok();
    let confidence = real("confidence", &entry.confidence);
    let selection_pressure = real("selection_pressure", &entry.selection_pressure);
    let progress_cap = real("progress_cap", &entry.progress_cap);
    let exploration_share = real("exploration_share", &entry.exploration_share);
    let max_share = real("max_share", &entry.max_share);
    let mut whole = |field: &str, text: &str| {
        text.trim()
            .parse::<u32>()
            .map_err(|_| errors.add(field, "must be a whole number"))
            .ok()
    };
    let min_reports = whole("min_reports", &entry.min_reports);
    let kill_after_misses = whole("kill_after_misses", &entry.kill_after_misses);
    let evidence_windows = match entry.evidence_windows.trim() {
        "" => Some(1),
        text => whole("evidence_windows", text),
    };
    let min_grant = money(&entry.min_grant, c)
        .map_err(|m| errors.add("min_grant", m))
        .ok();
    let policy = Policy {
        confidence: confidence?,
        min_reports: min_reports?,
        selection_pressure: selection_pressure?,
        progress_cap: progress_cap?,
        kill_after_misses: kill_after_misses?,
        exploration_share: exploration_share?,
        max_share: max_share?,
        min_grant: min_grant?,
        evidence_windows: evidence_windows?,
    };
    if let Err(crate::engine::EngineError::InvalidPolicy { field, reason }) = policy.validate() {
        errors.add(field, reason);
        return None;
    }
    Some(policy)
}
