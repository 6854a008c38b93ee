//! Tests of the money charts (stacked columns, horizontal bars) and the sparkline: marks and
//! titles, killed series, more than eight series, escaping, and extreme or empty inputs.

use super::testutil::{assert_readable_text, bar, categories, check, series, stacked, titled};
use super::{Bars, Series, bars, sparkline};

#[test]
fn stacked_segments_titles_and_killed_series() {
    let cats = categories(3);
    let data = [
        series("Lens", &[1_234_567, 2_000_000, 3_000_000], None),
        series("Drift", &[500_000, 400_000, 0], Some(1)),
    ];
    let svg = stacked(&cats, &data);
    check(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(
        titled(&svg, "rect"),
        5,
        "one titled segment per non-zero amount"
    );
    assert!(svg.contains("<title>Lens: USD 12,345.67 in R1 2026-02-30</title>"));
    assert!(
        svg.contains("<title>Drift ended after R2 2026-03-30 (killed)</title>"),
        "the × marker"
    );
    assert!(svg.contains("text-decoration=\"line-through\">Drift</tspan> (killed)"));
    assert!(svg.contains(">Amount (USD)</text>"));
    assert!(
        svg.contains("fill=\"#0072B2\"") && svg.contains("fill=\"#E69F00\""),
        "Okabe-Ito order"
    );
    assert_readable_text(&svg);
    assert_eq!(svg, stacked(&cats, &data), "deterministic");
}

#[test]
fn more_than_eight_series_get_patterns_that_exist() {
    let cats = categories(4);
    let data: Vec<Series> = (0..20)
        .map(|i| series(&format!("Bet {i}"), &[100, 200, 300, 400], None))
        .collect();
    let svg = stacked(&cats, &data);
    check(&svg).unwrap_or_else(|e| panic!("{e}"));
    for reference in svg.split("url(#").skip(1) {
        let id = reference.split(')').next().unwrap_or("");
        assert!(
            svg.contains(&format!("<pattern id=\"{id}\"")),
            "{id} is defined"
        );
    }
    assert!(
        svg.contains("-s0)") && svg.contains("-d3)"),
        "stripes, then dots"
    );
}

#[test]
fn bars_with_amounts_and_notes() {
    let data = [
        bar("Messaging", 125_000_000, Some("+12%")),
        bar("Payments", 83_050_000, None),
        bar("Search", -1_000, Some("-5%")),
    ];
    let svg = bars(&Bars {
        title: "Search lost money",
        bars: &data,
        currency: "USD",
        exponent: 2,
    });
    check(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(titled(&svg, "rect"), 3);
    assert!(svg.contains("<title>Messaging: USD 1,250,000.00 (+12%)</title>"));
    assert!(svg.contains(">USD 830,500.00</text>"));
    assert!(
        svg.contains(">Search</text>") && svg.contains("fill=\"#D55E00\""),
        "negative bar in the down colour"
    );
    assert!(svg.contains(">-5%</tspan>"));
    assert_readable_text(&svg);
}

#[test]
fn sparkline_marks_the_last_point() {
    let svg = sparkline(&[1.0, f64::NAN, 3.0, 2.0], Some(2.5));
    let counts = check(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert!(svg.contains("viewBox=\"0 0 80 20\"") && svg.contains("role=\"img\""));
    assert_eq!(counts.get("circle"), Some(&1));
    assert_eq!(counts.get("line"), Some(&1), "threshold");
    assert_eq!(counts.get("text"), None, "no text");
    let points = svg
        .split("points=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("");
    assert_eq!(points.split(' ').count(), 3, "NaN skipped: {points}");
    assert!(svg.contains(">Latest 2 (threshold 2.5)</title>"));
    assert_ne!(
        svg,
        sparkline(&[1.0, 3.0, 2.0], None),
        "different data, different id"
    );
}
