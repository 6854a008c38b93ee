//! A round's readiness in words, for the create form, a draft's page and the commit
//! confirmation: the time since the last round against the usual interval, how many bets
//! would have too little evidence, the kills with the engine's reasons, and the warnings with
//! what to do. Built from `services::rounds::readiness` without I/O.

use chrono::TimeDelta;

use crate::services::rounds::readiness::{Readiness, Timing, Warning};
use crate::web::format;
use crate::web::view::count;

/// Where the readiness is shown, which decides what "set As of" means.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Place {
    /// The create form: "As of" is still to be chosen.
    Form,
    /// A draft (its page or its confirmation): its "As of" is fixed.
    Draft,
}

pub struct KillRow {
    pub bet_id: i64,
    pub title: String,
    pub why: String,
}

pub struct ReadinessView {
    /// "30 days since round 4 (as of ...); the usual interval is 30 days (the median of the
    /// last 4 intervals between committed rounds)."
    pub timing: String,
    /// "3 of 4 bets would have too little evidence (fewer than 3 reports in the window)", or
    /// what to do to find out.
    pub evidence: String,
    pub kills: Vec<KillRow>,
    /// "2 bets would be killed:", "No bet would be killed.", or empty before a preview.
    pub kills_lead: String,
    /// Each a plain sentence saying what is wrong.
    pub warnings: Vec<String>,
    /// What to do about them, once; empty without a warning.
    pub advice: String,
}

/// A span of time as a person says it, never rounded up: "14.6 days", "1 day", "5 hours",
/// "less than an hour" (a warning compares it to half an interval, so it must not read longer).
pub(super) fn span(d: TimeDelta) -> String {
    let seconds = d.num_seconds().max(0);
    if seconds < 86_400 {
        let hours = seconds / 3_600;
        return match hours {
            0 => "less than an hour".to_owned(),
            1 => "1 hour".to_owned(),
            h => format!("{h} hours"),
        };
    }
    let tenths = seconds * 10 / 86_400;
    let text = if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    if text == "1" {
        "1 day".to_owned()
    } else {
        format!("{text} days")
    }
}

/// The timing in one sentence.
fn timing_text(t: &Timing) -> String {
    let Some(last) = &t.last else {
        return "No round is committed yet, so there is no interval to compare with.".to_owned();
    };
    let since = format!(
        "{} since round {} (as of {})",
        t.since_last().map_or_else(String::new, span),
        last.id,
        format::datetime(last.as_of)
    );
    match t.usual {
        Some(usual) => format!(
            "{since}; the usual interval is {} (the median of the last {} between committed rounds).",
            span(usual),
            count(t.intervals, "interval")
        ),
        None => format!("{since}; there is no usual interval yet: it takes two committed rounds."),
    }
}

/// What to do, where: before a draft exists "As of" can still be set; a draft's is fixed. A
/// later "As of" is offered only when one usual interval after the last round is still ahead.
fn advice(t: &Timing, place: Place) -> String {
    let later = t.suggested_as_of().filter(|at| *at > t.as_of).map(|at| {
        format!(
            "\"As of\" set to about {} (one usual interval after the last round)",
            format::datetime(at)
        )
    });
    match (place, later) {
        (Place::Form, Some(later)) => {
            format!("Wait before opening the round, or open it with {later} and commit it once that has passed.")
        }
        (Place::Form, None) => "Wait for the teams to report before opening the round.".to_owned(),
        (Place::Draft, Some(later)) => format!(
            "Wait for the reports and preview again, or delete this draft and open one with {later}."
        ),
        (Place::Draft, None) => "Wait for the teams' reports and preview again: the round reads every report observed up to its \"As of\", however late it arrives.".to_owned(),
    }
}

fn warning_text(w: &Warning) -> String {
    match w {
        Warning::ThinEvidence {
            insufficient,
            taking_part,
        } => format!(
            "More than half the bets would have too little evidence ({insufficient} of {taking_part}): they would be judged on missing reports, not on their results, and their miss streaks would grow."
        ),
        Warning::TooSoon { since, usual } => format!(
            "Only {} since the last round, under half the usual interval of {}: the bets have had little time to report.",
            span(*since),
            span(*usual)
        ),
    }
}

/// The readiness as the page shows it; `min_reports` names what "too little evidence" means.
pub(super) fn view(r: &Readiness, min_reports: u32, place: Place) -> ReadinessView {
    let (evidence, kills_lead, kills) = match &r.evidence {
        Some(e) => (
            format!(
                "{} of {} would have too little evidence (fewer than {min_reports} reports in the window).",
                e.insufficient,
                count(e.taking_part, "bet")
            ),
            if e.killed.is_empty() {
                "No bet would be killed.".to_owned()
            } else {
                format!("{} would be killed:", count(e.killed.len(), "bet"))
            },
            e.killed
                .iter()
                .map(|k| KillRow {
                    bet_id: k.bet_id,
                    title: k.title.clone(),
                    why: k.why.clone(),
                })
                .collect(),
        ),
        None if place == Place::Form => (
            "How many bets would have too little evidence, and which would be killed, shows once the draft is opened and previewed.".to_owned(),
            String::new(),
            Vec::new(),
        ),
        None => (
            "Preview to see how many bets would have too little evidence and which would be killed.".to_owned(),
            String::new(),
            Vec::new(),
        ),
    };
    ReadinessView {
        timing: timing_text(&r.timing),
        evidence,
        kills,
        kills_lead,
        warnings: r.warnings.iter().map(warning_text).collect(),
        advice: if r.warnings.is_empty() {
            String::new()
        } else {
            advice(&r.timing, place)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_never_read_longer_than_they_are() {
        assert_eq!(span(TimeDelta::minutes(59)), "less than an hour");
        assert_eq!(span(TimeDelta::hours(1)), "1 hour");
        assert_eq!(span(TimeDelta::hours(23)), "23 hours");
        assert_eq!(span(TimeDelta::days(1)), "1 day");
        assert_eq!(span(TimeDelta::hours(24 * 14 + 23)), "14.9 days");
        assert_eq!(span(TimeDelta::days(30)), "30 days");
    }
}
