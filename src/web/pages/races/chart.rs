//! The race's chart from what was read: each racer still in the race with the reports the
//! engine counted (in the measure: the metric, or progress as a percentage of the way to its
//! own threshold) and its fitted trend read by `RacerFit::at` from its first report to the
//! finish, solid up to where the evidence stops. The drawing is `charts::race`'s.

use chrono::{DateTime, Utc};

use super::load::Loaded;
use super::view::name_of;
use super::words::Scale;
use crate::domain::RacerFate;
use crate::engine::RacerFit;
use crate::web::charts::race::{RaceChart, RaceSeries, RaceTrend, TrendPoint, race_chart};

/// How many instants a trend is read at: enough for its band's curve to look smooth.
const SAMPLES: i32 = 24;

/// The instants a trend is read at: evenly from `from` to `to`, and `until` (where it turns
/// from solid to dotted) exactly.
fn instants(from: DateTime<Utc>, to: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut out: Vec<DateTime<Utc>> = (0..=SAMPLES)
        .map(|i| from + (to - from) * i / SAMPLES)
        .collect();
    if from < until && until < to {
        out.push(until);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn trend(fit: &RacerFit, from: DateTime<Utc>, until: DateTime<Utc>, scale: &Scale) -> RaceTrend {
    let points = instants(from, fit.finish, until)
        .into_iter()
        .map(|at| {
            let (value, se) = fit.at(at);
            TrendPoint {
                at,
                value: scale.plotted(value),
                se: scale.plotted(se),
            }
        })
        .collect();
    RaceTrend {
        points,
        solid_until: until,
    }
}

pub fn chart(loaded: &Loaded, scale: &Scale, title: &str) -> String {
    let r = &loaded.readable;
    let race = &r.race;
    let mut series = Vec::new();
    let mut gone = Vec::new();
    for racer in &r.racers {
        let Some(label) = r.labels.get(&racer.bet_id) else {
            continue;
        };
        if racer.fate == Some(RacerFate::Left) {
            gone.push(label.title.clone());
            continue;
        }
        let reports: Vec<(DateTime<Utc>, f64)> = loaded
            .evidence
            .get(&racer.bet_id)
            .map(|e| {
                let span = e.threshold - e.baseline;
                e.observations
                    .iter()
                    .map(|o| {
                        let v = if scale.progress {
                            (o.value - e.baseline) / span
                        } else {
                            o.value
                        };
                        (o.at, scale.plotted(v))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let fit = loaded
            .standings
            .as_ref()
            .and_then(|s| s.racers.iter().find(|s| s.bet_id == racer.bet_id))
            .and_then(|s| s.fit.as_ref());
        let first = reports.iter().map(|(at, _)| *at).min();
        series.push(RaceSeries {
            key: racer.bet_id,
            name: name_of(label),
            trend: fit
                .zip(first)
                .map(|(fit, from)| trend(fit, from, loaded.evidence_until, scale)),
            reports,
        });
    }
    let note = match gone.as_slice() {
        [] => String::new(),
        [one] => format!("{one} left the race (closed) and is not drawn."),
        many => format!(
            "{} left the race (closed) and are not drawn.",
            many.join(", ")
        ),
    };
    let keys: Vec<i64> = r.racers.iter().map(|r| r.bet_id).collect();
    let (measure, unit) = scale.axis(race);
    race_chart(&RaceChart {
        title,
        measure: &measure,
        unit: &unit,
        start: race.starts_at.and_utc(),
        finish: race.finish_at.and_utc(),
        racers: &series,
        keys: &keys,
        note: &note,
    })
}
