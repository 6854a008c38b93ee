//! The bet's race drawn as one chart: every report (corrected ones visibly replaced), the
//! threshold steps, the rounds with their decisions, and the fitted trend on to the next round;
//! and its title, which says how the bet has fared: how often it beat its threshold in the
//! rounds that judged it, and where it stands for the next one.

use chrono::{DateTime, Utc};

use super::Loaded;
use crate::domain::{BetStatus, approx};
use crate::engine::{Decision, Outcome};
use crate::web::charts::{self, MetricChart, ReportPoint, RoundMark, ThresholdStep, Tone, Trend};
use crate::web::format;

/// Where the bet stands for the next round, in the words of a title.
fn standing(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Beat => "on track",
        Outcome::Miss => "at risk",
        Outcome::Uncertain => "too close to call",
        Outcome::InsufficientData => "short of reports",
    }
}

/// The finding the chart shows: "Group stickers beat its threshold in 3 of 4 rounds; on track
/// for the round on 2026-07-31", "Group stickers: on track for its first round on 2026-07-31",
/// "Drift beat its threshold in 0 of 2 rounds; killed in round 4".
fn title(
    bet: &str,
    outcomes: &[Outcome],
    next: Option<(Outcome, DateTime<Utc>)>,
    killed_in: Option<i64>,
) -> String {
    let beat = outcomes.iter().filter(|o| **o == Outcome::Beat).count();
    let record = (!outcomes.is_empty()).then(|| {
        format!(
            "{bet} beat its threshold in {beat} of {}",
            format::count(outcomes.len(), "round", "rounds")
        )
    });
    let ahead = next.map(|(outcome, at)| {
        let which = if outcomes.is_empty() {
            "its first"
        } else {
            "the"
        };
        format!(
            "{} for {which} round on {}",
            standing(outcome),
            format::date(at)
        )
    });
    match (record, ahead, killed_in) {
        (Some(record), Some(ahead), _) => format!("{record}; {ahead}"),
        (Some(record), None, Some(round)) => format!("{record}; killed in round {round}"),
        (Some(record), None, None) => record,
        (None, Some(ahead), _) => format!("{bet}: {ahead}"),
        (None, None, _) => format!("{bet}: no round has judged it yet"),
    }
}

pub(super) fn chart(loaded: &Loaded, unit: &str) -> String {
    let bet = &loaded.bet;
    let reports: Vec<ReportPoint> = loaded
        .chart_reports
        .iter()
        .map(|(r, by)| ReportPoint {
            id: r.id,
            at: r.observed_at.and_utc(),
            value: r.value,
            superseded_by: *by,
        })
        .collect();
    let thresholds: Vec<ThresholdStep> = loaded
        .thresholds
        .iter()
        .map(|t| ThresholdStep {
            from: t.effective_from.and_utc(),
            target: t.target,
        })
        .collect();
    let rounds: Vec<RoundMark> = loaded
        .grants
        .iter()
        .map(|(r, as_of)| RoundMark {
            at: as_of.and_utc(),
            tone: match r.decision {
                Decision::Increase | Decision::Seed => Tone::Up,
                Decision::Decrease | Decision::Cut | Decision::Killed => Tone::Down,
                Decision::Hold | Decision::Pinned => Tone::Neutral,
            },
            label: r.decision.as_str().to_owned(),
            round_id: r.round_id,
        })
        .collect();
    let trend = loaded.projection.as_ref().and_then(|p| {
        let r = &p.result;
        let (level, slope, se) = (r.level?, r.slope?, r.se?);
        // The fit runs over the current window; draw it from the last round to now, and dashed
        // on to the next round where the projection is read.
        let from = loaded
            .grants
            .last()
            .map(|(_, at)| at.and_utc())
            .or_else(|| reports.iter().map(|p| p.at).min())?;
        let to = crate::domain::time::now();
        let days_left = approx::days(p.next_round_at - to);
        Some(Trend {
            from,
            to,
            level: level - slope * days_left,
            slope_per_day: slope,
            se,
            extend_to: Some(p.next_round_at),
        })
    });
    let outcomes: Vec<Outcome> = loaded.grants.iter().map(|(r, _)| r.outcome).collect();
    let killed_in = loaded
        .grants
        .iter()
        .rev()
        .find(|(r, _)| r.decision == Decision::Killed)
        .filter(|_| bet.status == BetStatus::Killed)
        .map(|(r, _)| r.round_id);
    let title = title(
        &bet.title,
        &outcomes,
        loaded
            .projection
            .as_ref()
            .map(|p| (p.result.outcome, p.next_round_at)),
        killed_in,
    );
    charts::metric_chart(&MetricChart {
        title: &title,
        metric: &bet.metric_name,
        unit,
        reports: &reports,
        thresholds: &thresholds,
        trend,
        rounds: &rounds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The title with its dates' no-break hyphens (`format::date`) spelled `-`.
    fn title(
        bet: &str,
        outcomes: &[Outcome],
        next: Option<(Outcome, DateTime<Utc>)>,
        killed_in: Option<i64>,
    ) -> String {
        super::title(bet, outcomes, next, killed_in).replace('\u{2011}', "-")
    }

    fn july() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, 31, 0, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_title_counts_the_rounds_the_bet_beat() {
        use Outcome::{Beat, InsufficientData, Miss};
        assert_eq!(
            title(
                "Group stickers",
                &[Beat, Beat, Miss, Beat],
                Some((Beat, july())),
                None
            ),
            "Group stickers beat its threshold in 3 of 4 rounds; on track for the round on 2026-07-31"
        );
        assert_eq!(
            title("Group stickers", &[Beat], None, None),
            "Group stickers beat its threshold in 1 of 1 round"
        );
        assert_eq!(
            title("Drift", &[InsufficientData, Miss], None, Some(4)),
            "Drift beat its threshold in 0 of 2 rounds; killed in round 4"
        );
    }

    #[test]
    fn before_any_round_the_title_looks_ahead() {
        assert_eq!(
            title("Lens", &[], Some((Outcome::Miss, july())), None),
            "Lens: at risk for its first round on 2026-07-31"
        );
        assert_eq!(
            title("Lens", &[], Some((Outcome::InsufficientData, july())), None),
            "Lens: short of reports for its first round on 2026-07-31"
        );
        assert_eq!(
            title("Lens", &[], None, None),
            "Lens: no round has judged it yet"
        );
    }
}
