//! Tests of the metric chart: the marks it must contain, escaping, and inputs that must not break
//! it (empty, NaN, one point, identical instants, huge ranges, chrono's extreme instants).

use super::testutil::{assert_readable_text, at, chart, check, layouts, report, titled};
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
    for svg in layouts(&metric_chart(&chart(
        &reports,
        &thresholds,
        &rounds,
        Some(trend),
    ))) {
        every_kind_of_mark(&svg);
    }
}

fn every_kind_of_mark(svg: &str) {
    let counts = check(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(titled(svg, "circle"), 3, "one titled dot per report");
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
    assert!(counts.get("line").copied().unwrap_or(0) >= 2, "round rules");
    assert!(
        svg.contains("<title>Report 2 corrected by report 3</title>"),
        "the correction link"
    );
    assert_readable_text(svg);
}

#[test]
fn legend_only_with_more_than_one_kind() {
    let reports = [
        report(1, at(3, 2), 1.0, None),
        report(2, at(3, 9), 2.0, None),
    ];
    for svg in layouts(&metric_chart(&chart(&reports, &[], &[], None))) {
        assert!(!svg.contains(">Report<"));
    }
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
    let html = metric_chart(&MetricChart {
        title: evil,
        metric: evil,
        unit: evil,
        reports: &reports,
        thresholds: &[],
        trend: None,
        rounds: &rounds,
    });
    for svg in layouts(&html) {
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&#39;"));
    }
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
    for svg in layouts(&metric_chart(&chart(&reports, &[], &rounds, None))) {
        assert_eq!(svg.matches(">increase</text>").count(), 5);
        let chip_rows: std::collections::BTreeSet<&str> = svg
            .match_indices("height=\"22\" rx=\"4\"")
            .filter_map(|(i, _)| svg[..i].rsplit("y=\"").next()?.split('"').next())
            .collect();
        assert_eq!(chip_rows.len(), 3, "three rows of chips: {chip_rows:?}");
    }
}

/// Twenty weekly latency reports from 2026-01-05 between 200 and 300 ms; the eighth was first
/// typed as 2,049 ms and corrected (report 100, at the same instant, 249 ms).
fn latency() -> Vec<ReportPoint> {
    let mut reports: Vec<ReportPoint> = (0..20_i32)
        .map(|w| {
            let when = at(1, 5) + chrono::TimeDelta::weeks(w.into());
            report(w.into(), when, 200.0 + f64::from((w * 37) % 100), None)
        })
        .collect();
    reports[7].value = 2_049.0;
    reports[7].superseded_by = Some(100);
    reports.push(report(100, reports[7].at, 249.0, None));
    reports
}

fn latency_chart(reports: &[ReportPoint], rounds: &[RoundMark]) -> String {
    metric_chart(&MetricChart {
        title: "Checkout latency",
        metric: "p95 latency",
        unit: "ms",
        reports,
        thresholds: &[],
        trend: None,
        rounds,
    })
}

/// The value labels of the y axis, as numbers.
fn y_labels(svg: &str) -> Vec<f64> {
    svg.split("text-anchor=\"end\" fill=\"#555555\">")
        .skip(1)
        .filter_map(|r| r.split('<').next()?.replace(',', "").parse().ok())
        .collect()
}

#[test]
fn a_corrected_outlier_does_not_set_the_scale() {
    let reports = latency();
    for svg in layouts(&latency_chart(&reports, &[])) {
        let top = y_labels(&svg).into_iter().fold(f64::MIN, f64::max);
        assert!(
            (299.0..=400.0).contains(&top),
            "scaled to the reports in force: {top}"
        );
        assert!(svg.contains(
            "<title>2,049 ms · 2026-02-23 · corrected by report 100 · above the scale</title>"
        ));
        // The note wraps on a narrow chart.
        assert!(
            svg.contains(">▲ 1 corrected report lies above the scale: 2,049"),
            "a note says so"
        );
        assert!(svg.contains("1 corrected report lies above the scale: 2,049 ms on 2026-02-23."));
    }
}

#[test]
fn a_correction_link_bows_clear_of_a_round_rule() {
    let reports = latency();
    let rounds = [RoundMark {
        at: reports[7].at,
        label: "hold".into(),
        tone: Tone::Neutral,
        round_id: 3,
    }];
    for svg in layouts(&latency_chart(&reports, &rounds)) {
        let link = svg
            .split("<path d=\"M")
            .skip(1)
            .find(|p| p.contains("<title>Report 7 corrected by report 100</title>"))
            .unwrap_or_else(|| panic!("no link in {svg}"));
        assert!(link.contains("stroke=\"#0072B2\"") && link.contains("stroke-dasharray=\"3 3\""));
        let numbers: Vec<f64> = link
            .split('"')
            .next()
            .unwrap_or("")
            .split(['Q', ' '])
            .filter_map(|n| n.parse().ok())
            .collect();
        let (start, control) = (numbers[0], numbers[2]);
        let rule = svg
            .split("<line x1=\"")
            .skip(1)
            .filter_map(|l| {
                let x1: f64 = l.split('"').next()?.parse().ok()?;
                let x2: f64 = l.split("x2=\"").nth(1)?.split('"').next()?.parse().ok()?;
                (x1 == x2 && l.contains("stroke=\"#767676\"")).then_some(x1)
            })
            .find(|x| (x - start).abs() < 0.01);
        assert!(
            rule.is_some(),
            "the round's rule runs through the corrected report"
        );
        assert!(
            (control - start).abs() >= 15.0,
            "the link bows clear: {link:.60}"
        );
    }
}

#[test]
fn a_back_dated_report_is_marked_not_stretched_to() {
    let mut reports = latency();
    let old = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 1, 3, 12, 0, 0)
        .single()
        .unwrap_or_default();
    reports.push(report(200, old, 250.0, None));
    for svg in layouts(&latency_chart(&reports, &[])) {
        assert!(
            svg.contains(">◀ 1 report on 2025-01-03 lies before the chart<"),
            "a note says so"
        );
        assert!(svg.contains("<title>250 ms · 2025-01-03 · before the chart</title>"));
        assert!(
            !svg.contains(">2025<"),
            "the axis is not stretched back to 2025"
        );
        assert!(svg.contains(">2026<"));
    }
}
