//! The metric chart of one bet: reports over time against the threshold, the fitted trend and the
//! rounds that decided the bet's money. This module owns the layout of that chart in both widths
//! (title, legend, round chips, plot, axes, the notes under it); what the axes span is
//! `metric_range`'s, the report marks `metric_dots`'.

use super::MetricChart;
use super::axis::{Plot, X_AXIS_HEIGHT, time_axis, y_axis, y_axis_width};
use super::dates::date_ticks;
use super::frame::{
    FONT, INK, Layout, MUTED, OKABE_ITO, PAD, document, draw_title, empty, title_height,
    title_lines,
};
use super::legend::{LegendItem, Swatch, draw_legend, legend_layout};
use super::metric_data::{Data, describe, visible_thresholds};
use super::metric_dots::{Frame, draw_reports};
use super::metric_marks::{
    chip_rows, draw_chips, draw_rules, draw_threshold, draw_trend, layout_chips,
};
use super::metric_range::{notes, range};
use super::scale::{Linear, idx};
use super::svg::Svg;
use super::text::wrap;

pub(super) const REPORT: &str = OKABE_ITO[0];
/// Okabe-Ito purple: distinct from the blue dots for colour-blind readers and 3:1 on white.
pub(super) const TREND: &str = OKABE_ITO[3];
const NOTE_LINE: f64 = 19.0;

pub(super) fn render(c: &MetricChart, layout: Layout) -> String {
    let mut data = Data::new(c);
    let plot_height = if layout.is_narrow() { 200.0 } else { 230.0 };
    let Some(range) = range(&mut data, plot_height) else {
        return empty("metric", layout, c.title, "No reports yet");
    };
    let (t0, t1, y_ticks) = (range.t0, range.t1, &range.y_ticks);
    let width = layout.width();
    let left = y_axis_width(y_ticks);
    let right = width - PAD - if layout.is_narrow() { 12.0 } else { 24.0 };
    let x = Linear::new(
        (super::dates::secs(t0), super::dates::secs(t1)),
        (left, right),
    );

    let lines = title_lines(c.title, layout);
    let thresholds_shown = visible_thresholds(&data.thresholds, t0, t1)
        .next()
        .is_some();
    let legend = legend_items(&data, thresholds_shown);
    let legend_top = title_height(&lines);
    let legend_height = if legend.len() > 1 {
        legend_layout(&legend, width).1 + 4.0
    } else {
        0.0
    };
    let chips_top = legend_top + legend_height;
    let chip_room = if layout.is_narrow() { 110.0 } else { 150.0 };
    let chips = layout_chips(&data.rounds, &x, (left, width - PAD), chip_room);
    let plot_top = chips_top + chip_rows(&chips) + 8.0;
    let plot = Plot {
        left,
        top: plot_top,
        right,
        bottom: plot_top + plot_height,
    };
    let y = Linear::new((y_ticks.lo, y_ticks.hi), (plot.bottom, plot.top));
    let ticks = date_ticks(t0, t1, plot.width(), FONT);
    let written = notes(&range, c.unit);
    let note_lines: Vec<String> = written
        .iter()
        .flat_map(|n| wrap(n, width - 2.0 * PAD, FONT, 3))
        .collect();
    let notes_top = plot.bottom + X_AXIS_HEIGHT;
    let height = notes_top + NOTE_LINE * idx(note_lines.len()) + 6.0 * idx(written.len().min(1));
    let mut desc = describe(c, &data);
    for note in &written {
        // The glyph points at the marker; the description says it in words.
        desc.push_str(&format!(
            " {}.",
            note.trim_start_matches(['◀', '▲', '▼', ' '])
        ));
    }
    let rules: Vec<f64> = chips.iter().map(|chip| chip.x).collect();

    document("metric", (layout, height), c.title, &desc, |svg, _| {
        draw_title(svg, &lines);
        if legend.len() > 1 {
            draw_legend(svg, &legend, legend_top, width);
        }
        y_axis(svg, &plot, y_ticks, &y, (c.metric, c.unit));
        time_axis(svg, &plot, &ticks, &x);
        draw_rules(svg, &chips, chips_top, plot.bottom);
        if let Some(f) = &data.trend {
            draw_trend(svg, f, c.unit, &x, &y);
        }
        draw_threshold(svg, &data.thresholds, c.unit, (t0, t1), &x, &y);
        let frame = Frame {
            x: &x,
            y: &y,
            plot: &plot,
            range: &range,
            unit: c.unit,
            rules: &rules,
        };
        draw_reports(svg, &data.reports, &frame);
        draw_chips(svg, &chips, chips_top);
        draw_notes(svg, &note_lines, notes_top);
    })
}

/// What lies outside the axes, in words, under the chart.
fn draw_notes(svg: &mut Svg, notes: &[String], top: f64) {
    for (i, note) in notes.iter().enumerate() {
        svg.el("text")
            .a("x", PAD)
            .a("y", top + 14.0 + NOTE_LINE * idx(i))
            .a("fill", MUTED)
            .text(note);
    }
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
