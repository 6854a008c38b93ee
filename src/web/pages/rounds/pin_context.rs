//! What the pin form shows of the bet before the committee overrides it: its previewed grant,
//! decision, outcome and P(beat), its last grant and the miss streak it brings in, and whether
//! that preview is stale. Built without I/O from what `pins` reads.

use crate::db::rounds::{RoundPin, Standing};
use crate::domain::Currency;
use crate::engine::{Decision, Policy};
use crate::services::rounds::Evaluation;
use crate::web::format;
use crate::web::view::{Chip, chip, count, decision_chip, p_beat};

/// The bet's line in the draft's latest preview.
pub struct Previewed {
    pub grant: String,
    pub decision: Chip,
    pub outcome: Chip,
    pub p_beat: String,
    /// "2 of 2: killed", "0 of 2".
    pub streak: String,
}

pub struct PinContext {
    pub previewed: Option<Previewed>,
    /// Where the previewed figures come from, or why there are none.
    pub note: String,
    /// The preview predates a change of the pins.
    pub stale: bool,
    /// "USD 5,000.00 in the last committed round", or "nothing yet".
    pub last_grant: String,
    /// "1 missed round so far; 2 in a row kill it".
    pub streak: String,
}

/// What the pin form shows: from the bet's line in `evaluation` when there is one, else from
/// its standing after the committed rounds.
pub(super) fn context(
    bet_id: i64,
    evaluation: Option<&Evaluation>,
    pins: &[RoundPin],
    standing: Option<&Standing>,
    policy: &Policy,
    c: &Currency,
) -> PinContext {
    let line = evaluation.and_then(|e| e.results.iter().find(|l| l.result.bet_id == bet_id));
    let k = policy.kill_after_misses;
    let (prev_grant, prev_streak) = match (line, standing) {
        (Some(l), _) => (l.result.prev_grant, l.prev_streak.unwrap_or(0)),
        (None, Some(s)) => (s.prev_grant, u32::try_from(s.streak).unwrap_or(0)),
        (None, None) => (0, 0),
    };
    let stale = evaluation.is_some_and(|e| !e.reflects_pins(pins));
    let note = match (evaluation, line) {
        (None, _) => {
            "Not previewed yet: preview the round to see what it would decide for this bet."
                .to_owned()
        }
        (Some(_), None) => "The latest preview has no line for this bet: preview again.".to_owned(),
        (Some(e), Some(_)) if stale => format!(
            "From the preview of {}, made before the latest change of the pins: stale until previewed again.",
            format::datetime(e.evaluated_at)
        ),
        (Some(e), Some(_)) => format!("From the preview of {}.", format::datetime(e.evaluated_at)),
    };
    PinContext {
        previewed: line.map(|l| {
            let r = &l.result;
            Previewed {
                grant: c.format(r.grant),
                decision: decision_chip(r.decision, r.kill_waived),
                outcome: chip(r.outcome.as_str()),
                p_beat: p_beat(r.p_beat, policy.confidence),
                streak: if r.decision == Decision::Killed {
                    format!("{} of {k}: killed", r.streak)
                } else {
                    format!("{} of {k}", r.streak)
                },
            }
        }),
        note,
        stale,
        last_grant: if prev_grant > 0 {
            format!("{} in the last committed round", c.format(prev_grant))
        } else {
            "nothing in the last committed round".to_owned()
        },
        streak: format!(
            "{} so far; {} in a row kill it",
            count(usize::try_from(prev_streak).unwrap_or(0), "missed round"),
            k
        ),
    }
}
