//! The race chart's layout in both widths: the title, a legend of the racers (and the finish),
//! room for the finish's label, the plot with its value and time axes, and the written summary
//! that is the chart's `<desc>`. What the marks look like is `marks`'.

use chrono::{DateTime, Utc};

use super::marks::{Frame, Style, draw_band, draw_dots, draw_finish, draw_trend, trend_title};
use super::{RaceChart, RaceSeries, TrendPoint};
use crate::web::charts::axis::{
    Plot, X_AXIS_HEIGHT, fitting_ticks, time_axis, y_axis, y_axis_width,
};
use crate::web::charts::dates::{date_ticks, secs, time_domain};
use crate::web::charts::frame::{
    FONT, INK, Layout, PAD, document, draw_title, empty, title_height, title_lines,
};
use crate::web::charts::legend::{LegendItem, Swatch, draw_legend, legend_layout};
use crate::web::charts::palette::{Fill, assign, paint, patterns};
use crate::web::charts::scale::Linear;
use crate::web::format::{count, date, full};

/// Room above the plot for the finish's label.
const FINISH_ROOM: f64 = 26.0;

/// A racer ready to draw: finite values only, in time order, with its fill.
struct Clean<'a> {
    series: &'a RaceSeries,
    reports: Vec<(DateTime<Utc>, f64)>,
    trend: Vec<TrendPoint>,
    solid_until: DateTime<Utc>,
    fill: Fill,
}

/// The racers with what cannot be plotted dropped, each with the fill its key has among every
/// key of the race, so that the output depends on neither the order nor on who is drawn.
fn clean<'a>(c: &RaceChart<'a>) -> Vec<Clean<'a>> {
    let mut keys: Vec<i64> = c.keys.to_vec();
    keys.extend(c.racers.iter().map(|r| r.key));
    keys.sort_unstable();
    keys.dedup();
    let fills = assign(&keys.iter().copied().map(Some).collect::<Vec<_>>());
    let fill_of = |key: i64| {
        keys.binary_search(&key)
            .ok()
            .and_then(|i| fills.get(i).copied())
            .unwrap_or(Fill::Other)
    };
    let mut out: Vec<Clean> = c
        .racers
        .iter()
        .map(|s| {
            let mut reports: Vec<(DateTime<Utc>, f64)> = s
                .reports
                .iter()
                .copied()
                .filter(|(_, v)| v.is_finite())
                .collect();
            reports.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let (mut trend, solid_until) = s.trend.as_ref().map_or((Vec::new(), c.finish), |t| {
                (t.points.clone(), t.solid_until)
            });
            trend.retain(|p| p.value.is_finite() && p.se.is_finite());
            trend.iter_mut().for_each(|p| p.se = p.se.abs());
            trend.sort_by_key(|p| p.at);
            Clean {
                series: s,
                reports,
                trend,
                solid_until,
                fill: fill_of(s.key),
            }
        })
        .collect();
    out.sort_by_key(|r| r.series.key);
    out
}

fn legend(racers: &[Clean], id: &str) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = racers
        .iter()
        .map(|r| LegendItem {
            swatch: Swatch::Fill(paint(r.fill, id)),
            name: r.series.name.clone(),
            killed: false,
        })
        .collect();
    items.push(LegendItem {
        swatch: Swatch::Dashed(INK),
        name: "Finish".to_owned(),
        killed: false,
    });
    items
}

pub(super) fn render(c: &RaceChart, layout: Layout) -> String {
    let racers = clean(c);
    let values: Vec<f64> = racers
        .iter()
        .flat_map(|r| {
            let dots = r.reports.iter().map(|(_, v)| *v);
            let band = r
                .trend
                .iter()
                .flat_map(|p| [p.value - p.se, p.value + p.se]);
            dots.chain(band).collect::<Vec<f64>>()
        })
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return empty("race", layout, c.title, "No reports since the race began");
    }
    let instants = racers
        .iter()
        .flat_map(|r| {
            let dots = r.reports.iter().map(|(at, _)| *at);
            dots.chain(r.trend.iter().map(|p| p.at)).collect::<Vec<_>>()
        })
        .chain([c.start, c.finish]);
    let Some((t0, t1)) = time_domain(instants) else {
        return empty("race", layout, c.title, "No reports since the race began");
    };
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let plot_height = if layout.is_narrow() { 210.0 } else { 240.0 };
    let y_ticks = fitting_ticks(lo, hi, plot_height, false);
    let width = layout.width();
    let lines = title_lines(c.title, layout);
    let legend_top = title_height(&lines);
    let legend_height = legend_layout(&legend(&racers, ""), width).1 + 4.0;
    let top = legend_top + legend_height + FINISH_ROOM;
    let plot = Plot {
        left: y_axis_width(&y_ticks),
        top,
        right: width - PAD - if layout.is_narrow() { 8.0 } else { 16.0 },
        bottom: top + plot_height,
    };
    let x = Linear::new((secs(t0), secs(t1)), (plot.left, plot.right));
    let y = Linear::new((y_ticks.lo, y_ticks.hi), (plot.bottom, plot.top));
    let ticks = date_ticks(t0, t1, plot.width(), FONT);
    let height = plot.bottom + X_AXIS_HEIGHT + 4.0;
    let fills: Vec<Fill> = racers.iter().map(|r| r.fill).collect();
    let desc = describe(c, &racers);
    document("race", (layout, height), c.title, &desc, |svg, id| {
        patterns(svg, &fills, id);
        draw_title(svg, &lines);
        draw_legend(svg, &legend(&racers, id), legend_top, width);
        y_axis(svg, &plot, &y_ticks, &y, (c.measure, c.unit));
        time_axis(svg, &plot, &ticks, &x);
        let frame = Frame {
            x: &x,
            y: &y,
            unit: c.unit,
        };
        for r in &racers {
            draw_band(svg, &r.trend, Style::of(r.fill), &frame);
        }
        draw_finish(svg, c.finish, &x, &plot);
        for r in &racers {
            let who = (r.series.name.as_str(), Style::of(r.fill));
            draw_trend(svg, (&r.trend, r.solid_until), who, &frame);
        }
        for r in &racers {
            let who = (r.series.name.as_str(), Style::of(r.fill));
            draw_dots(svg, &r.reports, who, &frame);
        }
    })
}

/// The chart in words: what is drawn over which span, each racer's reports and where its
/// trend ends, and what the band is.
fn describe(c: &RaceChart, racers: &[Clean]) -> String {
    let measure = match (c.measure.trim(), c.unit.trim()) {
        ("", "") => "the measure".to_owned(),
        (m, "") => m.to_owned(),
        ("", u) => u.to_owned(),
        (m, u) => format!("{m} ({u})"),
    };
    let whose = match racers.len() {
        1 => "One racer's".to_owned(),
        n => format!("{n} racers'"),
    };
    let mut d = format!(
        "{whose} {measure} from the start on {} to the finish on {}.",
        date(c.start),
        date(c.finish)
    );
    let with_unit = |v: String| {
        if c.unit.trim().is_empty() {
            v
        } else {
            format!("{v} {}", c.unit)
        }
    };
    for r in racers {
        let reports = count(r.reports.len(), "report", "reports");
        let latest = r
            .reports
            .last()
            .map(|(at, v)| format!(", latest {} on {}", with_unit(full(*v)), date(*at)))
            .unwrap_or_default();
        let trend = r.trend.last().map_or_else(
            || "; too few reports for a trend".to_owned(),
            |last| {
                format!(
                    "; {}",
                    trend_title("", last, c.unit).trim_start_matches(": ")
                )
            },
        );
        d.push_str(&format!(" {}: {reports}{latest}{trend}.", r.series.name));
    }
    d.push_str(
        " Each trend is solid over its racer's reports and dotted on to the finish; its band is \
         the trend ± 1 standard error of the fitted line at each instant, as on a bet's chart, \
         and widens toward the finish.",
    );
    if !c.note.trim().is_empty() {
        d.push_str(&format!(" {}", c.note.trim()));
    }
    d
}
