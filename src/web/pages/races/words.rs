//! A race in words: P(best) beside the confidence that calls the race, values, spreads and gaps
//! in the measure's unit (a metric's own, or percentage points of progress), the call, and what
//! a racing team's bet needs to take the lead (its time is `time_words`'). Every function is
//! pure, so each sentence is tested here.

use crate::db::races::Race;
use crate::domain::RaceMeasure;
use crate::engine::RaceCall;
use crate::web::format::{MISSING, Rule, count, percent_beside, sig3};

/// How a race's measure reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// Progress toward each racer's own threshold (q, shown as a percentage of the way).
    pub progress: bool,
    pub unit: String,
    pub lower_is_better: bool,
}

impl Scale {
    pub fn of(race: &Race) -> Scale {
        Scale {
            progress: race.measure == RaceMeasure::Progress,
            unit: race.metric_unit.clone().unwrap_or_default(),
            lower_is_better: race.direction.as_deref() == Some("lower_is_better"),
        }
    }

    /// The value axis of the chart: its name and unit.
    pub fn axis(&self, race: &Race) -> (String, String) {
        if self.progress {
            ("Progress toward its threshold".to_owned(), "%".to_owned())
        } else {
            (
                race.metric_name.clone().unwrap_or_default(),
                self.unit.clone(),
            )
        }
    }

    /// The number the chart plots for a value of the measure: q as a percentage.
    pub fn plotted(&self, v: f64) -> f64 {
        if self.progress { v * 100.0 } else { v }
    }

    fn with_unit(&self, number: String) -> String {
        if self.unit.trim().is_empty() {
            number
        } else {
            format!("{number} {}", self.unit)
        }
    }

    /// A level: "214 users", or "62.3%" of the way to the threshold.
    pub fn level(&self, v: f64) -> String {
        if self.progress {
            format!("{}%", sig3(v * 100.0))
        } else {
            self.with_unit(sig3(v))
        }
    }

    /// A spread or a loss: "4.10 users", "4.10 points" (percentage points of progress).
    pub fn amount(&self, v: f64) -> String {
        if self.progress {
            format!("{} points", sig3(v * 100.0))
        } else {
            self.with_unit(sig3(v))
        }
    }

    /// A forecast with its standard error: "214 ± 4.10 users".
    pub fn forecast(&self, v: f64, se: f64) -> String {
        if self.progress {
            format!("{}% ± {}", sig3(v * 100.0), self.amount(se))
        } else {
            self.with_unit(format!("{} ± {}", sig3(v), sig3(se)))
        }
    }

    /// How far a forecast must move, in its better direction, to equal the leader's:
    /// "+38.2 users", "-38.2 ms" when lower is better, "+12.5 percentage points of progress".
    pub fn gap(&self, gap: f64) -> String {
        if self.progress {
            return format!("+{} percentage points of progress", sig3(gap * 100.0));
        }
        let sign = if self.lower_is_better { "-" } else { "+" };
        self.with_unit(format!("{sign}{}", sig3(gap)))
    }

    /// The gap in a table cell: the same with "points" for progress.
    pub fn gap_cell(&self, gap: f64) -> String {
        if self.progress {
            format!("+{}", self.amount(gap))
        } else {
            self.gap(gap)
        }
    }
}

/// The confidence a race needs, as a percentage: "90%", "92.5%".
pub fn needed(confidence: f64) -> String {
    let text = format!("{:.2}", confidence * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// P(best) with one decimal ("96.2%"), never on the other side of the confidence it is read
/// against: 0.89996 beside 90% is "89.996%", not "90.0%". Within a twentieth of a percent of
/// certainty it reads ">99.9%" (or "<0.1%"), not "100.0%".
pub fn p_best(p: Option<f64>, confidence: f64) -> String {
    let Some(p) = p.filter(|p| !p.is_nan()) else {
        return "not enough data".to_owned();
    };
    let (text, lo, hi) = if p >= 1.0 {
        ("100%".to_owned(), 1.0, 1.0)
    } else if p <= 0.0 {
        ("0%".to_owned(), 0.0, 0.0)
    } else {
        let one = format!("{:.1}", p * 100.0);
        match one.as_str() {
            "100.0" => (">99.9%".to_owned(), 0.999, 1.0),
            "0.0" => ("<0.1%".to_owned(), 0.0, 0.001),
            _ => {
                let shown = one.parse::<f64>().unwrap_or(p * 100.0) / 100.0;
                (format!("{one}%"), shown, shown)
            }
        }
    };
    let reached = p >= confidence;
    let reads = if lo >= confidence {
        Some(true)
    } else if hi < confidence {
        Some(false)
    } else {
        None
    };
    if reads == Some(reached) {
        text
    } else {
        percent_beside(p, &[Rule::AtLeast(confidence)])
    }
}

/// What the call says, for the race's readers: who leads and whether that is enough.
pub struct CallFacts<'a> {
    pub call: RaceCall,
    /// The leader's title and P(best).
    pub leader: Option<(&'a str, Option<f64>)>,
    pub confidence: f64,
    /// Racers compared, of those still in the race, and the reports each needs.
    pub compared: u32,
    pub in_race: usize,
    pub min_reports: u32,
}

/// "Pod A leads with P(best) 96.2%: enough to call it (90% needed)", "Too close to call: the
/// leader has 71.0%, 90% needed", "Not enough data yet: 1 of 3 racers has 3 reports".
pub fn call_text(f: &CallFacts) -> String {
    let needed = needed(f.confidence);
    let p = |p: Option<f64>| p_best(p, f.confidence);
    match (f.call, f.leader) {
        (RaceCall::Winner { .. }, Some((title, pb))) => format!(
            "{title} leads with P(best) {}: enough to call it ({needed} needed)",
            p(pb)
        ),
        (RaceCall::TooCloseToCall, Some((_, pb))) => {
            format!(
                "Too close to call: the leader has {}, {needed} needed",
                p(pb)
            )
        }
        (RaceCall::NotEnoughData, _) | (_, None) => {
            let verb = if f.compared == 1 { "has" } else { "have" };
            format!(
                "Not enough data yet: {} of {} {verb} {}",
                f.compared,
                count(f.in_race, "racer", "racers"),
                count(
                    usize::try_from(f.min_reports).unwrap_or(0),
                    "report",
                    "reports"
                )
            )
        }
    }
}

/// Where a racing team's own bet stands, in one sentence for its people.
pub fn own_line(
    title: &str,
    (leads, gap, reports): (bool, Option<f64>, u32),
    min_reports: u32,
    scale: &Scale,
) -> String {
    if leads {
        return format!("{title}, your team's bet, leads the race.");
    }
    match gap {
        Some(g) if g > 0.0 => {
            format!(
                "To take the lead, {title} needs {} by the finish.",
                scale.gap(g)
            )
        }
        Some(_) => format!(
            "{title}'s forecast is already level with or ahead of the leader's, but less sure: \
             more reports before the finish would settle it."
        ),
        None => {
            let more = min_reports.saturating_sub(reports).max(1);
            let noun = if more == 1 { "report" } else { "reports" };
            format!(
                "{title} needs {more} more {noun} in the race to be compared ({min_reports} \
                 needed)."
            )
        }
    }
}

/// A value or the dash.
pub fn or_missing(v: Option<String>) -> String {
    v.unwrap_or_else(|| MISSING.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_best_has_one_decimal_and_never_crosses_the_confidence() {
        assert_eq!(p_best(Some(0.962), 0.9), "96.2%");
        assert_eq!(p_best(Some(0.71), 0.9), "71.0%");
        assert_eq!(p_best(Some(0.896), 0.9), "89.6%");
        assert_eq!(p_best(Some(0.89996), 0.9), "89.996%");
        assert_eq!(p_best(Some(0.9), 0.9), "90.0%");
        assert_eq!(p_best(Some(0.99996), 0.9), ">99.9%");
        assert_eq!(p_best(Some(0.0004), 0.9), "<0.1%");
        assert_eq!(p_best(Some(1.0), 0.9), "100%");
        assert_eq!(p_best(None, 0.9), "not enough data");
        assert_eq!(needed(0.9), "90%");
        assert_eq!(needed(0.925), "92.5%");
    }

    #[test]
    fn the_call_in_words() {
        let facts = |call, leader, compared| CallFacts {
            call,
            leader,
            confidence: 0.9,
            compared,
            in_race: 3,
            min_reports: 3,
        };
        assert_eq!(
            call_text(&facts(
                RaceCall::Winner { bet_id: 1 },
                Some(("Pod A", Some(0.962))),
                3
            )),
            "Pod A leads with P(best) 96.2%: enough to call it (90% needed)"
        );
        assert_eq!(
            call_text(&facts(
                RaceCall::TooCloseToCall,
                Some(("Pod A", Some(0.71))),
                2
            )),
            "Too close to call: the leader has 71.0%, 90% needed"
        );
        assert_eq!(
            call_text(&facts(RaceCall::NotEnoughData, None, 1)),
            "Not enough data yet: 1 of 3 racers has 3 reports"
        );
        assert_eq!(
            call_text(&facts(RaceCall::NotEnoughData, None, 0)),
            "Not enough data yet: 0 of 3 racers have 3 reports"
        );
    }

    #[test]
    fn what_a_team_needs_to_take_the_lead() {
        let users = Scale {
            progress: false,
            unit: "users".into(),
            lower_is_better: false,
        };
        assert_eq!(
            own_line("Voice notes", (false, Some(38.2), 6), 3, &users),
            "To take the lead, Voice notes needs +38.2 users by the finish."
        );
        let ms = Scale {
            unit: "ms".into(),
            lower_is_better: true,
            ..users.clone()
        };
        assert_eq!(ms.gap(38.2), "-38.2 ms");
        let progress = Scale {
            progress: true,
            ..users.clone()
        };
        assert_eq!(
            own_line("Lens", (false, Some(0.125), 6), 3, &progress),
            "To take the lead, Lens needs +12.5 percentage points of progress by the finish."
        );
        assert_eq!(
            own_line("Lens", (false, None, 1), 3, &progress),
            "Lens needs 2 more reports in the race to be compared (3 needed)."
        );
        assert_eq!(progress.forecast(0.623, 0.041), "62.3% ± 4.10 points");
        assert_eq!(users.forecast(214.0, 4.1), "214 ± 4.10 users");
        assert!(own_line("A", (true, Some(0.0), 6), 3, &users).contains("leads"));
    }
}
