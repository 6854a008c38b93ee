//! Inputs that must not break a chart: empty data, NaN and infinities (skipped), one point,
//! identical instants, extreme amounts and instants, hostile strings. Each must give well-formed
//! SVG with no "NaN" or "inf" in it.

use chrono::{DateTime, TimeDelta, Utc};

use super::testutil::*;
use super::{
    Bars, ReportPoint, RoundMark, StackedBars, ThresholdStep, Tone, Trend, bars, metric_chart,
    sparkline, stacked_bars,
};

#[test]
fn empty_data_says_so() {
    let thresholds = [ThresholdStep {
        from: at(1, 1),
        target: 3.0,
    }];
    for reports in [vec![], vec![report(1, at(3, 2), f64::NAN, None)]] {
        for svg in layouts(&metric_chart(&chart(&reports, &thresholds, &[], None))) {
            assert!(
                svg.contains(">No reports yet</text>")
                    && svg.contains(">Signups beat the threshold</text>")
            );
        }
    }
}

#[test]
fn non_finite_values_are_skipped() {
    let reports = [
        report(1, at(3, 2), 5.0, None),
        report(2, at(3, 3), f64::NAN, None),
        report(3, at(3, 4), f64::INFINITY, None),
        report(4, at(3, 5), 6.0, Some(2)),
    ];
    let thresholds = [ThresholdStep {
        from: at(3, 1),
        target: f64::NEG_INFINITY,
    }];
    let trend = Trend {
        from: at(3, 2),
        to: at(3, 5),
        level: f64::NAN,
        slope_per_day: 1.0,
        se: 1.0,
        extend_to: None,
    };
    for svg in layouts(&metric_chart(&chart(
        &reports,
        &thresholds,
        &[],
        Some(trend),
    ))) {
        // The corrected 6 lies above the scale the report in force sets: a marker at the edge.
        assert_eq!(titled(&svg, "circle"), 1);
        assert!(svg.contains(
            "<title>6 users · 2026-03-05 · corrected by report 2 · above the scale</title>"
        ));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("Trend") && !svg.contains("Threshold"));
    }
}

#[test]
fn degenerate_inputs_still_draw() {
    let t = at(6, 30);
    let same: Vec<ReportPoint> = (0..4).map(|i| report(i, t, 7.0, None)).collect();
    let huge = [
        report(1, at(1, 1), -1e300, None),
        report(2, at(12, 31), 1e300, None),
        report(3, at(6, 1), f64::MAX, None),
    ];
    let extremes = [
        report(1, DateTime::<Utc>::MIN_UTC, 1.0, None),
        report(2, DateTime::<Utc>::MAX_UTC, 2.0, None),
    ];
    let rounds = [RoundMark {
        at: t,
        label: String::new(),
        tone: Tone::Neutral,
        round_id: 9,
    }];
    let far = Trend {
        from: t,
        to: t - TimeDelta::days(3),
        level: 1e308,
        slope_per_day: 1e308,
        se: 1e308,
        extend_to: Some(DateTime::<Utc>::MAX_UTC),
    };
    for (reports, trend) in [
        (&same[..], None),
        (&same[..1], Some(far)),
        (&huge[..], None),
        (&extremes[..], None),
    ] {
        for svg in layouts(&metric_chart(&chart(reports, &[], &rounds, trend.clone()))) {
            assert!(titled(&svg, "circle") + titled(&svg, "path") >= 1);
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
        }
    }
}

#[test]
fn stacked_survives_odd_input() {
    let cats = categories(2);
    let evil = "<script>&\"'";
    let cases = [
        vec![
            series(evil, &[i64::MAX, i64::MAX], None),
            series("b", &[i64::MIN, 5], Some(99)),
        ],
        vec![series("short", &[], None)],
        vec![series("zero", &[0, 0], Some(0))],
        vec![series("neg", &[-5_000, -1], None)],
    ];
    for data in &cases {
        let html = stacked_bars(&StackedBars {
            title: evil,
            categories: &cats,
            series: data,
            currency: evil,
            exponent: u32::MAX,
        });
        for svg in layouts(&html) {
            assert!(!svg.contains("<script") && !svg.contains("NaN") && !svg.contains("inf"));
        }
    }
    let many = categories(40);
    for svg in layouts(&stacked(&many, &[series("a", &[1; 40], None)])) {
        assert!(
            svg.matches(">R").count() < 40,
            "category labels thinned out"
        );
    }
    for (cats, data) in [(&cats[..0], &cases[0][..]), (&cats[..], &[][..])] {
        for svg in layouts(&stacked(cats, data)) {
            assert!(svg.contains(">No data yet</text>"));
        }
    }
}

#[test]
fn bars_survive_odd_input() {
    let evil = "<script>&\"'";
    let long = "a label far too long to fit in the label column of a bar chart, really";
    let cases = [
        vec![
            bar(evil, i64::MAX, Some(evil)),
            bar(long, i64::MIN, Some("")),
        ],
        vec![bar("zero", 0, None)],
    ];
    for data in &cases {
        let html = bars(&Bars {
            title: evil,
            bars: data,
            currency: "",
            exponent: 0,
        });
        for svg in layouts(&html) {
            assert!(!svg.contains("<script") && !svg.contains("NaN"));
        }
    }
    let html = bars(&Bars {
        title: "t",
        bars: &[],
        currency: "USD",
        exponent: 2,
    });
    for svg in layouts(&html) {
        assert!(svg.contains(">No data yet</text>"));
    }
}

#[test]
fn sparkline_edge_cases() {
    for (values, threshold) in [
        (&[][..], None),
        (&[f64::NAN][..], Some(f64::NAN)),
        (&[4.0][..], None),
        (&[4.0, 4.0, 4.0][..], Some(4.0)),
        (&[-f64::MAX, f64::MAX][..], None),
    ] {
        let svg = sparkline(values, threshold);
        assert!(check(&svg).is_ok(), "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
    assert!(
        sparkline(&[], None).contains("<title id=\"hr-spark-")
            && sparkline(&[], None).contains(">No data</title>")
    );
    assert!(!sparkline(&[4.0], None).contains("polyline"));
}
