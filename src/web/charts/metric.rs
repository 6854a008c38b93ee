//! The metric chart of one bet: reports over time against the threshold, the fitted trend and the
//! rounds that decided the bet's money. This module owns the layout of that chart (title, legend,
//! round chips, plot, axes) and the report dots with what they say when hovered.

use chrono::{DateTime, Utc};

use super::axis::{Plot, X_AXIS_HEIGHT, fitting_ticks, time_axis, y_axis, y_axis_width};
use super::dates::{date_ticks, secs, time_domain};
use super::frame::{
    FONT, INK, OKABE_ITO, PAD, RULE, WIDTH, document, draw_title, empty, title_height, title_lines,
};
use super::legend::{LegendItem, Swatch, draw_legend, legend_layout};
use super::metric_data::{Data, describe, visible_thresholds, with_unit};
use super::metric_marks::{
    chip_rows, draw_chips, draw_rules, draw_threshold, draw_trend, layout_chips,
};
use super::scale::Linear;
use super::svg::Svg;
use super::{MetricChart, ReportPoint};
use crate::web::format::{date, full};

const PLOT_HEIGHT: f64 = 230.0;
pub(super) const REPORT: &str = OKABE_ITO[0];
/// Okabe-Ito purple: distinct from the blue dots for colour-blind readers and 3:1 on white.
pub(super) const TREND: &str = OKABE_ITO[3];
const DOT_R: f64 = 4.5;

pub(super) fn render(c: &MetricChart) -> String {
    let data = Data::new(c);
    let Some(first) = data.reports.first().map(|r| r.at) else {
        return empty("metric", c.title, "No reports yet");
    };
    let mut instants: Vec<DateTime<Utc>> = data.reports.iter().map(|r| r.at).collect();
    instants.extend(data.rounds.iter().map(|r| r.at));
    // Thresholds set long before the first report would only stretch the axis; later ones
    // (a planned step up) are worth the room.
    instants.extend(data.thresholds.iter().map(|t| t.0).filter(|t| *t >= first));
    if let Some(f) = &data.trend {
        instants.extend([f.from, f.to].into_iter().chain(f.extension.map(|e| e.0)));
    }
    let Some((t0, t1)) = time_domain(instants) else {
        return empty("metric", c.title, "No reports yet");
    };

    let mut values: Vec<f64> = data.reports.iter().map(|r| r.value).collect();
    values.extend(visible_thresholds(&data.thresholds, t0, t1).map(|t| t.1));
    if let Some(f) = &data.trend {
        values.extend([
            f.start - f.se,
            f.start + f.se,
            f.level - f.se,
            f.level + f.se,
        ]);
        values.extend(f.extension.map(|e| e.1));
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let y_ticks = fitting_ticks(lo, hi, PLOT_HEIGHT, false);

    let left = y_axis_width(&y_ticks);
    let right = WIDTH - PAD - 24.0;
    let x = Linear::new((secs(t0), secs(t1)), (left, right));

    let lines = title_lines(c.title);
    let thresholds_shown = visible_thresholds(&data.thresholds, t0, t1)
        .next()
        .is_some();
    let legend = legend_items(&data, thresholds_shown);
    let legend_top = title_height(&lines);
    let legend_height = if legend.len() > 1 {
        legend_layout(&legend).1 + 4.0
    } else {
        0.0
    };
    let chips_top = legend_top + legend_height;
    let chips = layout_chips(&data.rounds, &x, (left, WIDTH - PAD));
    let plot_top = chips_top + chip_rows(&chips) + 8.0;
    let plot = Plot {
        left,
        top: plot_top,
        right,
        bottom: plot_top + PLOT_HEIGHT,
    };
    let y = Linear::new((y_ticks.lo, y_ticks.hi), (plot.bottom, plot.top));
    let ticks = date_ticks(t0, t1, plot.width(), FONT);

    document(
        "metric",
        (WIDTH, plot.bottom + X_AXIS_HEIGHT),
        c.title,
        &describe(c, &data),
        |svg, _| {
            draw_title(svg, &lines);
            if legend.len() > 1 {
                draw_legend(svg, &legend, legend_top);
            }
            y_axis(svg, &plot, &y_ticks, &y, (c.metric, c.unit));
            time_axis(svg, &plot, &ticks, &x);
            draw_rules(svg, &chips, chips_top, plot.bottom);
            if let Some(f) = &data.trend {
                draw_trend(svg, f, c.unit, &x, &y);
            }
            draw_threshold(svg, &data.thresholds, c.unit, (t0, t1), &x, &y);
            draw_reports(svg, &data.reports, c.unit, &x, &y);
            draw_chips(svg, &chips, chips_top);
        },
    )
}

/// One entry per kind of mark drawn; shown only when there are at least two kinds.
fn legend_items(data: &Data, thresholds_shown: bool) -> Vec<LegendItem> {
    let item = |swatch, name: &str| LegendItem {
        swatch,
        name: name.to_owned(),
        killed: false,
    };
    let mut items = Vec::new();
    if data.has_current() {
        items.push(item(Swatch::Dot(REPORT), "Report"));
    }
    if data.has_corrected() {
        items.push(item(Swatch::Hollow(REPORT), "Corrected report"));
    }
    if data.trend.is_some() {
        items.push(item(Swatch::Band(TREND), "Trend ± se"));
    }
    if thresholds_shown {
        items.push(item(Swatch::Dashed(INK), "Threshold"));
    }
    items
}

fn draw_reports(svg: &mut Svg, reports: &[&ReportPoint], unit: &str, x: &Linear, y: &Linear) {
    let at = |r: &ReportPoint| (x.map(secs(r.at)), y.map(r.value));
    for r in reports {
        let Some(next) = r
            .superseded_by
            .and_then(|id| reports.iter().find(|n| n.id == id))
        else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (at(r), at(next));
        let link = svg
            .el("line")
            .a("x1", x1)
            .a("y1", y1)
            .a("x2", x2)
            .a("y2", y2);
        link.a("stroke", RULE).a("stroke-width", 1.0).end();
    }
    // Hollow dots first, so a replacement at the same spot stays on top.
    let (old, current): (Vec<&&ReportPoint>, Vec<&&ReportPoint>) =
        reports.iter().partition(|r| r.superseded_by.is_some());
    for r in old.into_iter().chain(current) {
        let (cx, cy) = at(r);
        let mut title = format!("{} · {}", with_unit(full(r.value), unit), date(r.at));
        let dot = svg.el("circle").a("cx", cx).a("cy", cy).a("r", DOT_R);
        let dot = match r.superseded_by {
            Some(id) => {
                title.push_str(&format!(" · corrected by report {id}"));
                dot.a("fill", "#ffffff")
                    .a("stroke", REPORT)
                    .a("stroke-width", 1.5)
            }
            None => dot
                .a("fill", REPORT)
                .a("stroke", "#ffffff")
                .a("stroke-width", 1.0),
        };
        dot.with(|s| s.el("title").text(&title));
    }
}
