//! Tests of the two layouts every big chart comes in: both are in the output with their own
//! ids, the narrow one keeps its text at least 11 px in a phone's 326 px chart box, no text runs
//! off either, the narrow one thins its ticks, and the stylesheet shows exactly one of them
//! without letting a chart scroll sideways.

use super::testutil::{at, bar, categories, chart, layouts, report, series, stacked, view_width};
use super::text::text_width;
use super::{Bars, MetricChart, ReportPoint, RoundMark, Tone, bars, metric_chart};

/// The width of a phone's chart box: a 390 px screen less the page's and the card's padding.
const PHONE_BOX: f64 = 326.0;

fn long_metric(reports: &[ReportPoint], rounds: &[RoundMark]) -> String {
    metric_chart(&MetricChart {
        title: "Net promoter change per cohort turned positive after the onboarding rewrite, \
                and has held above the raised threshold through three committee rounds",
        metric: "Net promoter score change per weekly cohort, seasonally adjusted",
        unit: "points",
        reports,
        thresholds: &[],
        trend: None,
        rounds,
    })
}

/// One of each big chart, with long names everywhere.
fn samples() -> Vec<String> {
    let reports: Vec<ReportPoint> = (0..26_i32)
        .map(|w| {
            let when = at(1, 5) + chrono::TimeDelta::weeks(w.into());
            report(w.into(), when, 100.0 + 3.0 * f64::from(w), None)
        })
        .collect();
    let rounds = [RoundMark {
        at: at(3, 31),
        label: "a decision with a long name".into(),
        tone: Tone::Up,
        round_id: 2,
    }];
    let names = [
        "A bet with a very long name about mobile messaging for small teams",
        "Atlas",
        "Courier",
        "Beacon",
        "Drift",
        "Harbor",
        "Lens",
        "Quill",
    ];
    let data: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            series(
                n,
                &[100_000_000, 200_000_000, 300_000_000],
                (i == 4).then_some(1),
            )
        })
        .collect();
    let bar_data = [
        bar(
            "An arena whose name goes on and on well past the label column",
            125_000_000,
            Some("+12%"),
        ),
        bar("Payments", 83_050_000, Some("8%")),
        bar("Refunds", -4_000_000, None),
        // The longest bar ends on a tick, whose label would run off a narrow chart's edge.
        bar("Search", 200_000_000, None),
    ];
    vec![
        long_metric(&reports, &rounds),
        stacked(&categories(4), &data),
        stacked(&categories(24), &data[..2]),
        bars(&Bars {
            title: "An arena whose name goes on and on took the most of round 4: 42% of USD 3,000,000.00",
            bars: &bar_data,
            currency: "USD",
            exponent: 2,
        }),
    ]
}

/// Every value of attribute `name` in `xml`.
fn attributes<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    xml.split(&format!(" {name}=\""))
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect()
}

#[test]
fn both_layouts_with_ids_of_their_own() {
    for html in samples() {
        let [wide, narrow] = layouts(&html);
        assert_eq!((view_width(&wide), view_width(&narrow)), (720.0, 400.0));
        let mut ids = attributes(&html, "id");
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "no id twice in the page's markup");
        for svg in [&wide, &narrow] {
            let own = attributes(svg, "id");
            for reference in attributes(svg, "aria-labelledby")
                .into_iter()
                .chain(attributes(svg, "aria-describedby"))
                .chain(
                    svg.split("url(#")
                        .skip(1)
                        .filter_map(|r| r.split(')').next()),
                )
            {
                assert!(
                    own.contains(&reference),
                    "{reference} is in the same layout"
                );
            }
        }
    }
}

#[test]
fn narrow_text_is_at_least_11px_in_a_phone_box() {
    for html in samples() {
        let [_, narrow] = layouts(&html);
        let scale = PHONE_BOX / view_width(&narrow);
        for size in attributes(&narrow, "font-size") {
            let px = size.parse::<f64>().unwrap_or(0.0) * scale;
            assert!(px >= 11.0, "{size} units render at {px:.1} px");
        }
    }
}

/// Each `<text>` without a transform: its x, anchor, font size and estimated width.
fn texts(svg: &str) -> Vec<(f64, &str, f64, String)> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|rest| {
            let (tag, body) = rest.split_once('>')?;
            let body = body.split("</text>").next()?;
            if tag.contains("transform=") {
                return None;
            }
            let attr = |name: &str| {
                tag.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
            };
            let size = attr("font-size")
                .and_then(|s| s.parse().ok())
                .unwrap_or(15.0);
            let x = attr("x").and_then(|s| s.parse().ok()).unwrap_or(0.0);
            let plain: String = body
                .split('<')
                .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
                .collect::<String>()
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
            Some((x, attr("text-anchor").unwrap_or("start"), size, plain))
        })
        .collect()
}

#[test]
fn no_text_runs_off_either_layout() {
    for html in samples() {
        for svg in layouts(&html) {
            let width = view_width(&svg);
            for (x, anchor, size, text) in texts(&svg) {
                // Bold titles are about 12% wider; the tspan of a note adds its 8-unit gap.
                let w = text_width(&text, size) * if size > 15.0 { 1.12 } else { 1.0 } + 8.0;
                let (from, to) = match anchor {
                    "middle" => (x - w / 2.0, x + w / 2.0),
                    "end" => (x - w, x),
                    _ => (x, x + w),
                };
                assert!(
                    from >= -0.5 && to <= width + 0.5,
                    "{text:?} spans {from:.0}..{to:.0} in a chart {width} wide"
                );
            }
        }
    }
}

#[test]
fn a_narrow_chart_has_fewer_ticks_and_wraps_more() {
    let reports: Vec<ReportPoint> = (0..26)
        .map(|w| report(w, at(1, 5) + chrono::TimeDelta::weeks(w), 1.0, None))
        .collect();
    let [wide, narrow] = layouts(&metric_chart(&chart(&reports, &[], &[], None)));
    let months = |svg: &str| {
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
            .iter()
            .filter(|m| svg.contains(&format!(">{m}")))
            .count()
    };
    assert!(
        months(&narrow) < months(&wide),
        "{} vs {}",
        months(&narrow),
        months(&wide)
    );
    assert!(months(&narrow) >= 2);
    let [wide, narrow] = layouts(&long_metric(&reports, &[]));
    let title_lines = |svg: &str| svg.matches("font-weight=\"600\"").count();
    assert!(title_lines(&narrow) > title_lines(&wide));
}

#[test]
fn the_stylesheet_shows_one_layout_and_never_scrolls_a_chart() {
    let css = include_str!("../../../web/static/app.css");
    let rules: String = css.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        rules.contains(".chart-box { container-type: inline-size;"),
        "a container"
    );
    assert!(
        !rules.contains("min-width: 560px"),
        "no minimum that forces scrolling"
    );
    assert!(
        !rules.contains(".chart-box { overflow-x: auto"),
        "the box never scrolls"
    );
    assert!(
        rules.contains(".chart-wide { display: none; }"),
        "narrow first"
    );
    assert!(
        rules.contains("@container (min-width: 720px) { .chart-wide { display: block; } .chart-narrow { display: none; } }"),
        "wide from 720 px"
    );
}
