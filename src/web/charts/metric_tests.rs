//! Tests of the metric chart: the marks it must contain, escaping, and inputs that must not break
//! it (empty, NaN, one point, identical instants, huge ranges, chrono's extreme instants).

use super::testutil::{assert_readable_text, at, chart, check, report, titled};
use super::{MetricChart, ReportPoint, RoundMark, ThresholdStep, Tone, Trend, metric_chart};

fn full_sample() -> (Vec<ReportPoint>, Vec<ThresholdStep>, Vec<RoundMark>, Trend) {
    let reports = vec![
        report(1, at(3, 2), 100.0, None),
        report(2, at(3, 9), 120.0, Some(3)),
        report(3, at(3, 9), 112.5, None),
    ];
    let thresholds = vec![
        ThresholdStep {
            from: at(2, 1),
            target: 90.0,
        },
        ThresholdStep {
            from: at(3, 5),
            target: 105.0,
        },
    ];
    let rounds = vec![
        RoundMark {
            at: at(3, 1),
            label: "seed".into(),
            tone: Tone::Neutral,
            round_id: 4,
        },
        RoundMark {
            at: at(3, 10),
            label: "increase".into(),
            tone: Tone::Up,
            round_id: 5,
        },
    ];
    let trend = Trend {
        from: at(3, 2),
        to: at(3, 9),
        level: 112.0,
        slope_per_day: 1.5,
        se: 4.0,
        extend_to: Some(at(3, 16)),
    };
    (reports, thresholds, rounds, trend)
}

#[test]
fn contains_every_kind_of_mark() {
    let (reports, thresholds, rounds, trend) = full_sample();
    let svg = metric_chart(&chart(&reports, &thresholds, &rounds, Some(trend)));
    let counts = check(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(titled(&svg, "circle"), 3, "one titled dot per report");
    let hollow = svg
        .matches("fill=\"#ffffff\" stroke=\"#0072B2\" stroke-width=\"1.5\"><title>")
        .count();
    assert_eq!(hollow, 1, "the corrected report is hollow");
    assert!(svg.contains("<title>120 users · 2026-03-09 · corrected by report 3</title>"));
    assert!(svg.contains("<title>112.5 users · 2026-03-09</title>"));
    assert_eq!(
        svg.matches("stroke-dasharray=\"7 4\"><title>Threshold")
            .count(),
        1,
        "dashed threshold"
    );
    assert!(svg.contains("Threshold 90 users from 2026-02-01, then 105 users from 2026-03-05"));
    assert_eq!(
        svg.matches("stroke-dasharray=\"2 4\"").count(),
        1,
        "dotted trend extension"
    );
    assert!(
        svg.contains("fill-opacity=\"0.2\"/><path"),
        "trend band before its line"
    );
    assert!(
        svg.contains("<title>Round 4: seed, 2026-03-01</title>") && svg.contains(">seed</text>")
    );
    assert!(
        svg.contains("<title>Round 5: increase, 2026-03-10</title>")
            && svg.contains(">increase</text>")
    );
    assert!(
        svg.contains("stroke=\"#009E73\""),
        "the increase chip is green"
    );
    // Legend: four kinds present, so four names.
    for name in [
        ">Report<",
        ">Corrected report<",
        ">Trend ± se<",
        ">Threshold<",
    ] {
        assert!(svg.contains(name), "legend {name}");
    }
    assert!(svg.contains(">Date (UTC)</text>") && svg.contains(">Weekly signups (users)</text>"));
    assert!(svg.contains("role=\"img\"") && svg.contains("<desc id="));
    assert!(
        counts.get("line").copied().unwrap_or(0) >= 3,
        "round rules and the correction link"
    );
    assert_readable_text(&svg);
}

#[test]
fn legend_only_with_more_than_one_kind() {
    let reports = [
        report(1, at(3, 2), 1.0, None),
        report(2, at(3, 9), 2.0, None),
    ];
    let svg = metric_chart(&chart(&reports, &[], &[], None));
    assert!(check(&svg).is_ok());
    assert!(!svg.contains(">Report<"));
}

#[test]
fn output_is_deterministic_and_independent_of_input_order() {
    let (mut reports, thresholds, rounds, trend) = full_sample();
    let a = metric_chart(&chart(&reports, &thresholds, &rounds, Some(trend.clone())));
    reports.reverse();
    let b = metric_chart(&chart(&reports, &thresholds, &rounds, Some(trend)));
    assert_eq!(a, b);
}

#[test]
fn escapes_every_caller_string() {
    let evil = "<script>&\"'";
    let reports = [report(1, at(3, 2), 1.0, None)];
    let rounds = [RoundMark {
        at: at(3, 3),
        label: evil.into(),
        tone: Tone::Down,
        round_id: 1,
    }];
    let svg = metric_chart(&MetricChart {
        title: evil,
        metric: evil,
        unit: evil,
        reports: &reports,
        thresholds: &[],
        trend: None,
        rounds: &rounds,
    });
    assert!(check(&svg).is_ok(), "{svg}");
    assert!(!svg.contains("<script"));
    assert!(svg.contains("&lt;script&gt;&amp;&quot;&#39;"));
}

#[test]
fn many_rounds_close_together_stack_their_chips() {
    let reports = [
        report(1, at(3, 1), 1.0, None),
        report(2, at(9, 1), 2.0, None),
    ];
    let rounds: Vec<RoundMark> = (0..5)
        .map(|i| RoundMark {
            at: at(5, 1 + i),
            label: "increase".into(),
            tone: Tone::Up,
            round_id: i.into(),
        })
        .collect();
    let svg = metric_chart(&chart(&reports, &[], &rounds, None));
    assert!(check(&svg).is_ok());
    assert_eq!(svg.matches(">increase</text>").count(), 5);
    let chip_rows: std::collections::BTreeSet<&str> = svg
        .match_indices("height=\"22\" rx=\"4\"")
        .filter_map(|(i, _)| svg[..i].rsplit("y=\"").next()?.split('"').next())
        .collect();
    assert_eq!(chip_rows.len(), 3, "three rows of chips: {chip_rows:?}");
}
