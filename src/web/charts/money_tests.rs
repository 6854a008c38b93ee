//! Tests of the money charts (stacked columns, horizontal bars) and the sparkline: marks and
//! titles, killed series, fills that follow the series' keys, more than twelve series,
//! escaping, and extreme or empty inputs. Each big chart is checked in both its layouts.

use super::testutil::{assert_readable_text, bar, categories, layouts, series, stacked, titled};
use super::{Bars, Series, bars, sparkline};

#[test]
fn stacked_segments_titles_and_killed_series() {
    let cats = categories(3);
    let mut data = [
        series("Lens", &[1_234_567, 2_000_000, 3_000_000], None),
        series("Drift", &[500_000, 400_000, 0], Some(1)),
    ];
    (data[0].key, data[1].key) = (Some(0), Some(1));
    let html = stacked(&cats, &data);
    assert_eq!(html, stacked(&cats, &data), "deterministic");
    for svg in layouts(&html) {
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
            "keys 0 and 1 take the first two hues"
        );
        assert_readable_text(&svg);
    }
}

/// The fill of the first segment titled `name: …`: its colour, or for a pattern (whose id is
/// the chart's own) the slot it names, `f8)`.
fn fill_of(svg: &str, name: &str) -> String {
    let at = svg.find(&format!("<title>{name}: ")).unwrap_or(0);
    let paint = svg[..at]
        .rsplit("fill=\"")
        .next()
        .and_then(|r| r.split('"').next())
        .unwrap_or("");
    paint.rsplit('-').next().unwrap_or(paint).to_owned()
}

#[test]
fn a_series_keeps_its_fill_across_charts_and_orders() {
    let cats = categories(2);
    let keyed = |name: &str, key: i64| Series {
        key: Some(key),
        ..series(name, &[100, 200], None)
    };
    let one = [keyed("Lens", 5), keyed("Atlas", 8)];
    let other = [keyed("Courier", 2), keyed("Atlas", 8), keyed("Lens", 5)];
    for (a, b) in layouts(&stacked(&cats, &one))
        .iter()
        .zip(&layouts(&stacked(&cats, &other)))
    {
        for name in ["Lens", "Atlas"] {
            assert_eq!(fill_of(a, name), fill_of(b, name), "{name}");
        }
        assert_ne!(fill_of(b, "Lens"), fill_of(b, "Courier"));
    }
    let [wide, narrow] = layouts(&stacked(&cats, &one));
    assert_eq!(fill_of(&wide, "Lens"), fill_of(&narrow, "Lens"));
}

#[test]
fn the_rest_is_grey_and_twelve_bets_differ() {
    let cats = categories(2);
    let mut data: Vec<Series> = (0..12)
        .map(|i| Series {
            key: Some(1 + 12 * i),
            ..series(&format!("Bet {i}"), &[100, 200], None)
        })
        .collect();
    data.push(Series {
        key: None,
        ..series("other bets", &[50, 60], None)
    });
    for svg in layouts(&stacked(&cats, &data)) {
        let mut fills: Vec<String> = (0..12)
            .map(|i| fill_of(&svg, &format!("Bet {i}")))
            .collect();
        assert_eq!(fill_of(&svg, "other bets"), "#A0A0A0");
        fills.push(fill_of(&svg, "other bets"));
        fills.sort();
        fills.dedup();
        assert_eq!(fills.len(), 13, "{fills:?}");
    }
}

#[test]
fn more_than_twelve_series_get_patterns_that_exist() {
    let cats = categories(4);
    let data: Vec<Series> = (0..20)
        .map(|i| series(&format!("Bet {i}"), &[100, 200, 300, 400], None))
        .collect();
    for svg in layouts(&stacked(&cats, &data)) {
        for reference in svg.split("url(#").skip(1) {
            let id = reference.split(')').next().unwrap_or("");
            assert!(
                svg.contains(&format!("<pattern id=\"{id}\"")),
                "{id} is defined"
            );
        }
        assert!(
            svg.contains("patternTransform=\"rotate(45)\"") && svg.contains("<circle cx=\"3\""),
            "stripes, then dots"
        );
    }
}

#[test]
fn bars_with_amounts_and_notes() {
    let data = [
        bar("Messaging", 125_000_000, Some("+12%")),
        bar("Payments", 83_050_000, None),
        bar("Search", -1_000, Some("-5%")),
    ];
    let html = bars(&Bars {
        title: "Search lost money",
        bars: &data,
        currency: "USD",
        exponent: 2,
    });
    for svg in layouts(&html) {
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
}

#[test]
fn sparkline_marks_the_last_point() {
    let svg = sparkline(&[1.0, f64::NAN, 3.0, 2.0], Some(2.5));
    let counts = super::testutil::check(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
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
