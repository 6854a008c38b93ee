//! The race chart's tests: both layouts well formed and readable, each racer in the fill its
//! key has everywhere, the trend split at the end of the evidence, and no input that breaks it.

use chrono::{DateTime, TimeDelta};

use super::{RaceChart, RaceSeries, RaceTrend, TrendPoint, p_best_bar, race_chart};
use crate::web::charts::palette::HUES;
use crate::web::charts::testutil::{assert_readable_text, at, check, layouts, titled};

fn trend(from: DateTime<chrono::Utc>, to: DateTime<chrono::Utc>, level: f64) -> RaceTrend {
    let points = (0..=8)
        .map(|i| {
            let t = from + (to - from) * i / 8;
            TrendPoint {
                at: t,
                value: level + f64::from(i),
                se: 1.0 + f64::from(i) / 4.0,
            }
        })
        .collect();
    RaceTrend {
        points,
        solid_until: from + (to - from) / 2,
    }
}

fn racer(key: i64, name: &str, base: f64, with_trend: bool) -> RaceSeries {
    let reports = (0..5)
        .map(|d| {
            (
                at(3, 2) + TimeDelta::days(d),
                base + 2.0 * f64::from(i32::try_from(d).unwrap_or(0)),
            )
        })
        .collect();
    RaceSeries {
        key,
        name: name.to_owned(),
        reports,
        trend: with_trend.then(|| trend(at(3, 2), at(3, 20), base)),
    }
}

fn chart(racers: &[RaceSeries], keys: &[i64]) -> String {
    race_chart(&RaceChart {
        title: "Chat stickers leads with P(best) 96.2%",
        measure: "weekly active users",
        unit: "users",
        start: at(3, 1),
        finish: at(3, 20),
        racers,
        keys,
        note: "Partner bots left the race (closed) and is not drawn.",
    })
}

#[test]
fn both_layouts_draw_every_racer_with_its_marks_and_the_finish() {
    let racers = [
        racer(1, "Chat stickers (Pod A)", 130.0, true),
        racer(2, "Voice notes (Pod B)", 100.0, true),
        racer(3, "Partner bots (another team)", 90.0, false),
    ];
    let html = chart(&racers, &[1, 2, 3, 4]);
    for svg in layouts(&html) {
        let counts = check(&svg).unwrap_or_default();
        assert_eq!(counts.get("circle").copied(), Some(15), "five dots each");
        assert_readable_text(&svg);
        assert_eq!(titled(&svg, "circle"), 15, "every dot says its value");
        assert!(svg.contains("Finish 2026-03-20"), "{svg}");
        assert!(svg.contains("Chat stickers (Pod A): 130 users · 2026-03-02"));
        assert!(
            svg.contains("stroke-dasharray=\"2 4\""),
            "the forecast is dotted"
        );
        assert!(
            svg.contains("± 1 standard error"),
            "the band is said in words"
        );
        assert!(svg.contains("Partner bots left the race"));
        assert!(svg.contains("too few reports for a trend"));
        for hue in &HUES[1..=3] {
            assert!(svg.contains(hue), "each racer in its slot's hue");
        }
    }
}

#[test]
fn a_racer_keeps_its_fill_whoever_is_drawn_beside_it() {
    let alone = chart(&[racer(8, "Eight", 10.0, true)], &[8, 20]);
    let company = chart(
        &[
            racer(20, "Twenty", 10.0, true),
            racer(8, "Eight", 10.0, true),
        ],
        &[8, 20],
    );
    // Bet 8 takes slot 8 (orange, striped): squares in orange in both.
    for html in [alone, company] {
        let [wide, _] = layouts(&html);
        let square = format!("width=\"9\" height=\"9\" fill=\"{}\"", HUES[2]);
        assert!(wide.contains(&square), "{wide:.400}");
    }
    let bar = p_best_bar(&[8, 20], 8, 0.5, 0.9);
    assert!(
        bar.contains("hr-pbest-8-f8") && bar.contains("width=\"50\""),
        "{bar}"
    );
    assert!(check(&bar).is_ok());
    assert!(p_best_bar(&[1, 2], 1, f64::NAN, 0.9).contains("width=\"0\""));
}

#[test]
fn nothing_to_draw_and_wild_values_give_a_chart() {
    let html = chart(&[], &[]);
    for svg in layouts(&html) {
        assert!(svg.contains("No reports since the race began"));
    }
    let mut wild = racer(1, "Wild", 1e300, true);
    wild.reports.push((at(3, 3), f64::NAN));
    wild.reports.push((at(3, 4), f64::INFINITY));
    if let Some(t) = wild.trend.as_mut() {
        t.points.push(TrendPoint {
            at: at(3, 19),
            value: f64::NAN,
            se: 1.0,
        });
    }
    let html = chart(&[wild, racer(2, "Tame", -1e300, false)], &[1, 2]);
    for svg in layouts(&html) {
        assert!(check(&svg).is_ok());
    }
}

#[test]
fn the_same_race_gives_the_same_bytes_in_any_order() {
    let (a, b) = (racer(1, "A", 10.0, true), racer(2, "B", 12.0, true));
    assert_eq!(
        chart(&[a.clone(), b.clone()], &[1, 2]),
        chart(&[b, a], &[2, 1])
    );
}
