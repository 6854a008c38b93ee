//! Whether a round is ready to be decided: how long since the last committed round against the
//! portfolio's usual interval, how many bets would have too little evidence, which would be
//! killed and why, and the warnings that follow. The committee sees it before preview and
//! commit, so that a round as of the wrong instant is never committed by surprise. It reads the
//! committed rounds and an evaluation; it never changes what a round decides.

use chrono::{DateTime, TimeDelta, Utc};

use super::evaluation::Evaluation;
use crate::db::DbConnection;
use crate::db::rounds::Round;
use crate::domain::RoundStatus;
use crate::engine::{Decision, Outcome};
use crate::error::AppError;

/// How many committed rounds the usual interval looks back over (so up to 4 intervals).
pub const USUAL_OVER_ROUNDS: usize = 5;

/// The last committed round before a round's instant.
#[derive(Debug, Clone, PartialEq)]
pub struct LastRound {
    pub id: i64,
    pub as_of: DateTime<Utc>,
}

/// A round's instant against the portfolio's rhythm.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub as_of: DateTime<Utc>,
    pub last: Option<LastRound>,
    /// The median of the intervals between the last five committed rounds; none with fewer than
    /// two committed rounds.
    pub usual: Option<TimeDelta>,
    /// How many intervals that median is taken over (0 to 4).
    pub intervals: usize,
}

impl Timing {
    /// `as_of` minus the last committed round's `as_of`.
    pub fn since_last(&self) -> Option<TimeDelta> {
        self.last.as_ref().map(|l| self.as_of - l.as_of)
    }

    /// The instant one usual interval after the last round: what to set "As of" to.
    pub fn suggested_as_of(&self) -> Option<DateTime<Utc>> {
        Some(self.last.as_ref()?.as_of + self.usual?)
    }
}

/// A bet the round would kill, and the engine's words for why.
#[derive(Debug, Clone, PartialEq)]
pub struct Kill {
    pub bet_id: i64,
    pub title: String,
    /// The evidence line and the kill line of its reasons: "insufficient data: 1 report in the
    /// window, 3 needed (miss 2 of 2); killed after 2 missed rounds".
    pub why: String,
}

/// What an evaluation says about the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceSummary {
    /// The bets taking part (active, with a threshold in force).
    pub taking_part: usize,
    pub insufficient: usize,
    pub killed: Vec<Kill>,
}

/// A reason to stop before previewing or committing.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// More than half the bets taking part have too little evidence.
    ThinEvidence {
        insufficient: usize,
        taking_part: usize,
    },
    /// Less than half the usual interval has passed since the last round.
    TooSoon { since: TimeDelta, usual: TimeDelta },
}

/// A round's readiness: its timing, and once there is an evaluation, its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    pub timing: Timing,
    pub evidence: Option<EvidenceSummary>,
    pub warnings: Vec<Warning>,
}

impl Readiness {
    pub fn new(timing: Timing, evaluation: Option<&Evaluation>) -> Self {
        let evidence = evaluation.map(evidence);
        let warnings = warnings(&timing, evidence.as_ref());
        Self {
            timing,
            evidence,
            warnings,
        }
    }
}

/// The timing of a round as of `as_of`, from the committed rounds before it.
pub fn timing(conn: &mut DbConnection, as_of: DateTime<Utc>) -> Result<Timing, AppError> {
    // A portfolio has few rounds (about one a month): the listing, newest first, is cheap.
    let recent: Vec<(i64, DateTime<Utc>)> = Round::list(conn)?
        .into_iter()
        .filter(|r| r.status == RoundStatus::Committed && r.as_of.and_utc() < as_of)
        .take(USUAL_OVER_ROUNDS)
        .map(|r| (r.id, r.as_of.and_utc()))
        .collect();
    let instants: Vec<DateTime<Utc>> = recent.iter().map(|&(_, t)| t).collect();
    let last = recent.first().map(|&(id, as_of)| LastRound { id, as_of });
    Ok(Timing {
        as_of,
        last,
        usual: usual_interval(&instants),
        intervals: instants.len().saturating_sub(1),
    })
}

/// The median of the intervals between consecutive instants (given in any order; the mean of
/// the two middle intervals when there is an even number of them); none with fewer than two.
pub fn usual_interval(instants: &[DateTime<Utc>]) -> Option<TimeDelta> {
    let mut sorted = instants.to_vec();
    sorted.sort_unstable();
    let mut gaps: Vec<TimeDelta> = sorted.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let n = gaps.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return gaps.get(n / 2).copied();
    }
    let (a, b) = (gaps.get(n / 2 - 1)?, gaps.get(n / 2)?);
    Some(*a + (*b - *a) / 2)
}

/// Counts the bets with too little evidence and lists the kills with their reasons.
pub fn evidence(e: &Evaluation) -> EvidenceSummary {
    EvidenceSummary {
        taking_part: e.results.len(),
        insufficient: e
            .results
            .iter()
            .filter(|l| l.result.outcome == Outcome::InsufficientData)
            .count(),
        killed: e
            .results
            .iter()
            .filter(|l| l.result.decision == Decision::Killed)
            .map(|l| Kill {
                bet_id: l.result.bet_id,
                title: l.bet.title.clone(),
                why: l
                    .result
                    .reasons
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| *i == 0 || r.starts_with("killed after"))
                    .map(|(_, r)| r.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
    }
}

/// The warnings: more than half the bets with too little evidence, or less than half the usual
/// interval since the last round. No usual interval, no warning on that ground.
pub fn warnings(timing: &Timing, evidence: Option<&EvidenceSummary>) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if let Some(e) = evidence
        && e.insufficient * 2 > e.taking_part
    {
        warnings.push(Warning::ThinEvidence {
            insufficient: e.insufficient,
            taking_part: e.taking_part,
        });
    }
    if let (Some(since), Some(usual)) = (timing.since_last(), timing.usual)
        && since * 2 < usual
    {
        warnings.push(Warning::TooSoon { since, usual });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(d: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + TimeDelta::days(d)
    }

    #[test]
    fn the_usual_interval_is_the_median_of_the_last_intervals() {
        assert_eq!(usual_interval(&[]), None);
        assert_eq!(usual_interval(&[day(0)]), None);
        assert_eq!(
            usual_interval(&[day(30), day(0)]),
            Some(TimeDelta::days(30))
        );
        // Intervals 10, 30, 31: the median is 30, whatever the order given.
        assert_eq!(
            usual_interval(&[day(71), day(0), day(40), day(10)]),
            Some(TimeDelta::days(30))
        );
        // Intervals 10, 20, 30, 90: the mean of the middle two, 25.
        assert_eq!(
            usual_interval(&[day(150), day(60), day(30), day(10), day(0)]),
            Some(TimeDelta::days(25))
        );
    }

    fn timing(since: i64, usual: Option<i64>) -> Timing {
        Timing {
            as_of: day(since),
            last: Some(LastRound {
                id: 1,
                as_of: day(0),
            }),
            usual: usual.map(TimeDelta::days),
            intervals: 4,
        }
    }

    #[test]
    fn too_soon_is_under_half_the_usual_interval() {
        assert_eq!(
            warnings(&timing(14, Some(30)), None),
            vec![Warning::TooSoon {
                since: TimeDelta::days(14),
                usual: TimeDelta::days(30)
            }]
        );
        assert!(warnings(&timing(15, Some(30)), None).is_empty());
        assert!(warnings(&timing(1, None), None).is_empty());
        assert_eq!(timing(14, Some(30)).suggested_as_of(), Some(day(30)));
    }

    #[test]
    fn thin_evidence_is_more_than_half() {
        let e = |insufficient| EvidenceSummary {
            taking_part: 4,
            insufficient,
            killed: Vec::new(),
        };
        assert!(warnings(&timing(30, Some(30)), Some(&e(2))).is_empty());
        assert_eq!(
            warnings(&timing(30, Some(30)), Some(&e(3))),
            vec![Warning::ThinEvidence {
                insufficient: 3,
                taking_part: 4
            }]
        );
    }
}
