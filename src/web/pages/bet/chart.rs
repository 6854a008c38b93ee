//! The bet's race drawn as one chart: every report (corrected ones visibly replaced), the
//! threshold steps, the rounds with their decisions, and the fitted trend on to the next round.

use super::Loaded;
use crate::domain::approx;
use crate::engine::Decision;
use crate::web::charts::{self, MetricChart, ReportPoint, RoundMark, ThresholdStep, Tone, Trend};
use crate::web::format;

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
    let title = match &loaded.projection {
        Some(p) => format!(
            "{}: {} for round on {}",
            bet.title,
            p.verdict(),
            format::date(p.next_round_at)
        ),
        None => format!("{} over time", bet.metric_name),
    };
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
