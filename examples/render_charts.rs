//! Writes sample charts to /tmp/charts/*.svg for a visual check, each big chart in both its
//! layouts (`NAME-wide.svg`, `NAME-narrow.svg`):
//! `cargo run --example render_charts && for f in /tmp/charts/*.svg; do rsvg-convert -w 900 "$f" -o "${f%.svg}.png"; done`

use std::fs;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use horserace::web::charts::{
    Bar, Bars, MetricChart, ReportPoint, RoundMark, Series, StackedBars, ThresholdStep, Tone,
    Trend, bars, metric_chart, sparkline, stacked_bars,
};

fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Deterministic noise in -1..1 (a linear congruential generator), so the samples never change.
fn noise(state: &mut u64) -> f64 {
    f64::from(noise_int(state, 1 << 23)) / f64::from(1 << 23)
}

/// Deterministic whole-number noise in -amplitude..=amplitude.
fn noise_int(state: &mut u64, amplitude: i32) -> i32 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let draw = i64::try_from(*state >> 40).unwrap_or(0) % (2 * i64::from(amplitude) + 1);
    i32::try_from(draw).unwrap_or(0) - amplitude
}

fn weekly_metric() -> String {
    let start = day(2026, 1, 5);
    let mut state = 7;
    let mut reports: Vec<ReportPoint> = (0..26)
        .map(|week| {
            let trend = 10_000.0 + 130.0 * f64::from(week);
            ReportPoint {
                id: i64::from(week) + 1,
                at: start + TimeDelta::weeks(week.into()),
                value: (trend + 450.0 * noise(&mut state)).round(),
                superseded_by: None,
            }
        })
        .collect();
    // Two corrections: the first a typo fixed the same day, the second a late recount.
    for (old, new_id, value, delay) in [(8usize, 101, 10_870.0, 0), (17, 102, 12_020.0, 2)] {
        reports[old].superseded_by = Some(new_id);
        let at = reports[old].at + TimeDelta::days(delay);
        reports.push(ReportPoint {
            id: new_id,
            at,
            value,
            superseded_by: None,
        });
    }
    let thresholds = [
        ThresholdStep {
            from: day(2025, 12, 1),
            target: 10_500.0,
        },
        ThresholdStep {
            from: day(2026, 4, 1),
            target: 12_500.0,
        },
    ];
    let rounds = [
        RoundMark {
            at: day(2026, 1, 2),
            label: "seed".into(),
            tone: Tone::Neutral,
            round_id: 1,
        },
        RoundMark {
            at: day(2026, 3, 31),
            label: "increase".into(),
            tone: Tone::Up,
            round_id: 2,
        },
        RoundMark {
            at: day(2026, 6, 30),
            label: "hold".into(),
            tone: Tone::Neutral,
            round_id: 3,
        },
    ];
    let trend = Trend {
        from: day(2026, 4, 6),
        to: day(2026, 6, 29),
        level: 13_250.0,
        slope_per_day: 18.5,
        se: 240.0,
        extend_to: Some(day(2026, 7, 31)),
    };
    metric_chart(&MetricChart {
        title: "Weekly active users beat the raised threshold since May",
        metric: "Weekly active users",
        unit: "users",
        reports: &reports,
        thresholds: &thresholds,
        trend: Some(trend),
        rounds: &rounds,
    })
}

fn money_over_rounds(names: &[&str], killed: Option<(usize, usize)>) -> String {
    let categories: Vec<String> = [
        "2026-01-31",
        "2026-03-31",
        "2026-05-31",
        "2026-07-31",
        "2026-09-30",
    ]
    .iter()
    .enumerate()
    .map(|(i, d)| format!("R{} {d}", i + 1))
    .collect();
    let mut state = 11;
    let series: Vec<Series> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let base = 8_000_000 + 2_500_000 * i64::try_from(i % 4).unwrap_or(0);
            let ended = killed.filter(|k| k.0 == i).map(|k| k.1);
            let values = (0..5)
                .map(|r| {
                    if ended.is_some_and(|e| r > e) {
                        0
                    } else {
                        base + i64::from(noise_int(&mut state, 3_000_000))
                            + 1_500_000 * i64::try_from(r).unwrap_or(0)
                    }
                })
                .collect();
            Series {
                name: (*name).into(),
                values,
                ended_after: ended,
                key: i64::try_from(i).ok(),
            }
        })
        .collect();
    stacked_bars(&StackedBars {
        title: "Where the 2026 budget went, by bet and round",
        categories: &categories,
        series: &series,
        currency: "USD",
        exponent: 2,
    })
}

/// Everything long or crowded at once: a two-line title, a long metric name, negative values,
/// rounds a few days apart, and many categories with long names.
fn stress() -> (String, String) {
    let start = day(2024, 11, 20);
    let mut state = 3;
    let reports: Vec<ReportPoint> = (0..60_i32)
        .map(|i| ReportPoint {
            id: i.into(),
            at: start + TimeDelta::days(i64::from(i) * 9),
            value: -0.4 + 0.01 * f64::from(i) + 0.05 * noise(&mut state),
            superseded_by: None,
        })
        .collect();
    let labels = [
        "seed", "increase", "hold", "decrease", "cut", "pinned", "increase",
    ];
    let rounds: Vec<RoundMark> = labels
        .iter()
        .zip([0_i64, 4, 8, 200, 205, 209, 500])
        .zip([
            Tone::Neutral,
            Tone::Up,
            Tone::Neutral,
            Tone::Down,
            Tone::Down,
            Tone::Neutral,
            Tone::Up,
        ])
        .map(|((label, offset), tone)| RoundMark {
            at: start + TimeDelta::days(offset),
            label: (*label).into(),
            tone,
            round_id: offset,
        })
        .collect();
    let metric = metric_chart(&MetricChart {
        title: "Net promoter change per cohort turned positive after the onboarding rewrite, and has held above the raised threshold through three committee rounds",
        metric: "Net promoter score change per weekly cohort, seasonally adjusted",
        unit: "points",
        reports: &reports,
        thresholds: &[ThresholdStep {
            from: day(2025, 6, 1),
            target: 0.1,
        }],
        trend: None,
        rounds: &rounds,
    });
    let categories: Vec<String> = (1..=24)
        .map(|i| format!("Round {i} 2026-01-{:02}", i))
        .collect();
    let series = [
        Series {
            name: "A bet with a very long name about mobile messaging for small teams".into(),
            values: (0..24).map(|i| 1_000_000 + i * 50_000).collect(),
            ended_after: None,
            key: Some(1),
        },
        Series {
            name: "Short".into(),
            values: (0..24).map(|i| if i < 10 { 700_000 } else { 0 }).collect(),
            ended_after: Some(9),
            key: Some(2),
        },
    ];
    let stacked = stacked_bars(&StackedBars {
        title: "Two bets over 24 rounds",
        categories: &categories,
        series: &series,
        currency: "EUR",
        exponent: 2,
    });
    (metric, stacked)
}

/// Long labels, the largest amounts there are and a negative bar.
fn bars_stress() -> String {
    let data = [
        Bar {
            label: "An arena whose name goes on and on well past the label column".into(),
            value: i64::MAX,
            note: Some("+100%".into()),
        },
        Bar {
            label: "Refunds".into(),
            value: -4_000_000_000_000_000_000,
            note: Some("-3%".into()),
        },
        Bar {
            label: "Nothing yet".into(),
            value: 0,
            note: None,
        },
    ];
    bars(&Bars {
        title: "Extreme amounts stay inside the chart",
        bars: &data,
        currency: "USD",
        exponent: 2,
    })
}

fn arenas() -> String {
    let bars_data = [
        Bar {
            label: "Mobile messaging".into(),
            value: 125_000_000,
            note: Some("+12%".into()),
        },
        Bar {
            label: "Payments".into(),
            value: 83_050_000,
            note: Some("-5%".into()),
        },
        Bar {
            label: "Search".into(),
            value: 210_000_075,
            note: Some("+30%".into()),
        },
        Bar {
            label: "Developer tools".into(),
            value: 41_000_000,
            note: None,
        },
    ];
    bars(&Bars {
        title: "Search holds the most money after round 5",
        bars: &bars_data,
        currency: "USD",
        exponent: 2,
    })
}

fn main() -> std::io::Result<()> {
    fs::create_dir_all("/tmp/charts")?;
    let bets = ["Lens", "Atlas", "Courier", "Beacon", "Drift", "Harbor"];
    let many: Vec<String> = (1..=12).map(|i| format!("Bet {i:02}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let one = [ReportPoint {
        id: 1,
        at: day(2026, 6, 30),
        value: 42.0,
        superseded_by: None,
    }];
    let flat: Vec<ReportPoint> = (0..5)
        .map(|i| ReportPoint {
            id: i,
            at: day(2026, 6, 30),
            value: if i == 2 { f64::NAN } else { 7.0 },
            superseded_by: None,
        })
        .collect();
    let spark_values = [
        3.1,
        3.4,
        3.3,
        3.9,
        4.2,
        4.0,
        4.6,
        f64::NAN,
        4.9,
        5.3,
        5.1,
        5.6,
    ];
    let (stress_metric, stress_stacked) = stress();
    let samples = [
        ("metric", weekly_metric()),
        ("metric-stress", stress_metric),
        ("stacked-stress", stress_stacked),
        ("stacked", money_over_rounds(&bets, Some((4, 2)))),
        ("stacked-many", money_over_rounds(&many, Some((11, 3)))),
        ("bars", arenas()),
        ("bars-stress", bars_stress()),
        ("sparkline", sparkline(&spark_values, Some(4.5))),
        (
            "metric-empty",
            metric_chart(&MetricChart {
                title: "No evidence yet",
                metric: "Conversion",
                unit: "%",
                reports: &[],
                thresholds: &[],
                trend: None,
                rounds: &[],
            }),
        ),
        (
            "metric-one",
            metric_chart(&MetricChart {
                title: "One report <so far> & counting",
                metric: "Latency",
                unit: "ms",
                reports: &one,
                thresholds: &[],
                trend: None,
                rounds: &[],
            }),
        ),
        (
            "metric-flat",
            metric_chart(&MetricChart {
                title: "All reports equal, same instant",
                metric: "Score",
                unit: "",
                reports: &flat,
                thresholds: &[],
                trend: None,
                rounds: &[],
            }),
        ),
    ];
    for (name, html) in samples {
        // A big chart is `<div class="chart-wide">SVG</div><div class="chart-narrow">SVG</div>`.
        let layouts = html
            .strip_prefix("<div class=\"chart-wide\">")
            .and_then(|r| r.strip_suffix("</div>"))
            .and_then(|r| r.split_once("</div><div class=\"chart-narrow\">"));
        match layouts {
            Some((wide, narrow)) => {
                fs::write(format!("/tmp/charts/{name}-wide.svg"), wide)?;
                fs::write(format!("/tmp/charts/{name}-narrow.svg"), narrow)?;
            }
            None => fs::write(format!("/tmp/charts/{name}.svg"), html)?,
        }
    }
    Ok(())
}
