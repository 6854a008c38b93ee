//! Horizontal bars comparing amounts across a few labelled items (arenas, teams). This module owns
//! the parts of that chart in both widths: labels, bars from zero, and the amount written with
//! each bar, with room for the longest amount reserved so no label leaves the chart. Wide, the
//! labels are a column on the left and each amount sits at its bar's end; narrow, each label and
//! amount share a line above a bar as wide as the chart.

use super::axis::{Plot, fitting_ticks, x_value_axis};
use super::frame::{
    DOWN, FONT, INK, Layout, MUTED, OKABE_ITO, PAD, amount, document, draw_title, empty, major,
    title_height, title_lines,
};
use super::scale::{Linear, idx};
use super::svg::Svg;
use super::text::{fit, text_width};
use super::{Bar, Bars};

const ROW: f64 = 32.0;
const BAR: f64 = 20.0;
/// A narrow row: a line of text, then the bar.
const NARROW_ROW: f64 = 46.0;
const NARROW_BAR: f64 = 16.0;
const MAX_LABEL: f64 = 200.0;
/// The narrowest the bars may get before the label column is cut further.
const MIN_PLOT: f64 = 200.0;

/// The text at the bar's end: the amount, then the note.
fn end_label(c: &Bars, bar: &Bar) -> (String, Option<String>) {
    let note = bar
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| fit(n, 90.0, FONT));
    (amount(c.currency, bar.value.into(), c.exponent), note)
}

fn end_width((amount, note): &(String, Option<String>)) -> f64 {
    text_width(amount, FONT) + note.as_deref().map_or(0.0, |n| text_width(n, FONT) + 8.0)
}

/// Where each part of a row goes. Wide: the label in a column left of the bars, the amount at
/// the bar's end. Narrow: the label and the amount share a line above a bar that takes the
/// whole width, so neither has to be cut to a sliver beside the other.
struct Rows {
    plot: Plot,
    labels: Vec<String>,
    row: f64,
    narrow: bool,
    width: f64,
}

impl Rows {
    fn new(c: &Bars, ends: &[(String, Option<String>)], layout: Layout) -> Self {
        let width = layout.width();
        let end_room = ends.iter().map(end_width).fold(0.0, f64::max);
        if layout.is_narrow() {
            let labels = c
                .bars
                .iter()
                .zip(ends)
                .map(|(b, e)| fit(&b.label, width - 2.0 * PAD - end_width(e) - 12.0, FONT))
                .collect();
            return Rows {
                plot: Plot {
                    left: PAD + 1.0,
                    top: 0.0,
                    right: width - PAD - 1.0,
                    bottom: 0.0,
                },
                labels,
                row: NARROW_ROW,
                narrow: true,
                width,
            };
        }
        // Amounts are never cut, so the label column gives way when they are long.
        let label_room = (width - 2.0 * PAD - end_room - 20.0 - MIN_PLOT).clamp(60.0, MAX_LABEL);
        let labels: Vec<String> = c
            .bars
            .iter()
            .map(|b| fit(&b.label, label_room, FONT))
            .collect();
        let label_width = labels
            .iter()
            .map(|l| text_width(l, FONT))
            .fold(0.0, f64::max);
        Rows {
            plot: Plot {
                left: PAD + label_width + 12.0,
                top: 0.0,
                right: width - PAD - end_room - 8.0,
                bottom: 0.0,
            },
            labels,
            row: ROW,
            narrow: false,
            width,
        }
    }

    /// The vertical centre of row `i`'s bar.
    fn bar_centre(&self, i: usize) -> f64 {
        let top = self.plot.top + self.row * idx(i);
        if self.narrow {
            top + 30.0
        } else {
            top + self.row / 2.0
        }
    }
}

pub(super) fn render(c: &Bars, layout: Layout) -> String {
    if c.bars.is_empty() {
        return empty("bars", layout, c.title, "No data yet");
    }
    let ends: Vec<(String, Option<String>)> = c.bars.iter().map(|b| end_label(c, b)).collect();
    let mut rows = Rows::new(c, &ends, layout);
    let lo = c.bars.iter().map(|b| b.value).min().unwrap_or(0).min(0);
    let hi = c.bars.iter().map(|b| b.value).max().unwrap_or(0).max(0);
    // All zero: a 0..1 minor unit axis rather than one around zero.
    let hi = if lo == 0 && hi == 0 { 1 } else { hi };
    let (lo, hi) = (major(lo.into(), c.exponent), major(hi.into(), c.exponent));
    let mut x_ticks = fitting_ticks(lo, hi, rows.plot.width(), true);
    // The longest bar ends at the right edge, not at the next round tick: bars are read by their
    // length and their written amount, so empty axis beyond the data would only shrink them.
    x_ticks
        .values
        .retain(|v| *v >= lo - x_ticks.step * 1e-9 && *v <= hi + x_ticks.step * 1e-9);
    let x = Linear::new((lo, hi), (rows.plot.left, rows.plot.right));

    let lines = title_lines(c.title, layout);
    rows.plot.top = title_height(&lines) + 10.0;
    rows.plot.bottom = rows.plot.top + rows.row * idx(c.bars.len());
    let plot = rows.plot;
    let height = plot.bottom + 56.0 + PAD;
    let desc: Vec<String> = c
        .bars
        .iter()
        .zip(&ends)
        .map(|(b, e)| format!("{}: {}", b.label, end_text(e)))
        .collect();

    document(
        "bars",
        (layout, height),
        c.title,
        &format!("{}.", desc.join("; ")),
        |svg, _| {
            draw_title(svg, &lines);
            x_value_axis(
                svg,
                (&plot, rows.width),
                &x_ticks,
                &x,
                ("Amount", c.currency),
            );
            for (i, (bar, end)) in c.bars.iter().zip(&ends).enumerate() {
                draw_row(svg, &rows, (i, bar, end), (&x, c.exponent));
            }
            // The zero line; on a narrow chart only beside each bar, so it does not run
            // through the labels above them.
            let zero = x.map(0.0);
            let spans: Vec<(f64, f64)> = if rows.narrow {
                let half = NARROW_BAR / 2.0 + 3.0;
                (0..c.bars.len())
                    .map(|i| (rows.bar_centre(i) - half, rows.bar_centre(i) + half))
                    .collect()
            } else {
                vec![(plot.top, plot.bottom)]
            };
            for (y1, y2) in spans {
                let axis = svg.el("line").a("x1", zero).a("x2", zero).a("y1", y1);
                axis.a("y2", y2)
                    .a("stroke", super::frame::RULE)
                    .a("stroke-width", 1.0)
                    .end();
            }
        },
    )
}

/// One bar with its label and the amount (and note) it is worth.
fn draw_row(
    svg: &mut Svg,
    rows: &Rows,
    (i, bar, end): (usize, &Bar, &(String, Option<String>)),
    (x, exponent): (&Linear, u32),
) {
    let cy = rows.bar_centre(i);
    let zero = x.map(0.0);
    let to = x.map(major(bar.value.into(), exponent));
    let height = if rows.narrow { NARROW_BAR } else { BAR };
    let colour = if bar.value < 0 { DOWN } else { OKABE_ITO[0] };
    let title = format!("{}: {}", bar.label, end_text(end));
    let length = (to - zero)
        .abs()
        .max(if bar.value == 0 { 0.0 } else { 1.0 });
    svg.el("rect")
        .a("x", zero.min(to))
        .a("y", cy - height / 2.0)
        .a("width", length)
        .a("height", height)
        .a("fill", colour)
        .with(|s| s.el("title").text(&title));
    let label = &rows.labels[i];
    let (value, note) = end;
    let write_end = |s: &mut Svg| {
        s.text(value);
        if let Some(note) = note {
            s.el("tspan").a("dx", 8.0).a("fill", MUTED).text(note);
        }
    };
    if rows.narrow {
        let line = cy - 14.0;
        let text = svg.el("text").a("x", PAD).a("y", line);
        text.a("fill", INK).text(label);
        let text = svg.el("text").a("x", rows.width - PAD).a("y", line);
        text.a("text-anchor", "end").a("fill", INK).with(write_end);
    } else {
        svg.el("text")
            .a("x", rows.plot.left - 10.0)
            .a("y", cy + 5.0)
            .a("text-anchor", "end")
            .a("fill", INK)
            .text(label);
        let text = svg.el("text").a("x", zero.max(to) + 6.0).a("y", cy + 5.0);
        text.a("fill", INK).with(write_end);
    }
}

fn end_text((amount, note): &(String, Option<String>)) -> String {
    match note {
        Some(n) => format!("{amount} ({n})"),
        None => amount.clone(),
    }
}
