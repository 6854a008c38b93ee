//! Money over rounds: one stacked column per category, one fill per series. This module owns the
//! layout and drawing of that chart in both widths: columns and their hover titles, column
//! totals, category labels (cut to what fits, thinned out when even their short form, "R4",
//! does not), and the × after an ended series.

use super::StackedBars;
use super::axis::{Plot, fitting_ticks, y_axis, y_axis_width};
use super::frame::{
    FONT, INK, Layout, MUTED, PAD, RULE, amount, document, draw_title, empty, major, title_height,
    title_lines,
};
use super::legend::{draw_legend, legend_layout};
use super::palette::{Fill, assign, paint, patterns};
use super::scale::{Linear, idx, to_count};
use super::stacking::{Segment, describe, ended, legend, stack};
use super::svg::{Svg, num};
use super::text::{text_width, wrap};
use crate::web::format;

const LABEL_LINE: f64 = 19.0;

/// Where the columns go: the plot, the y scale, each category's band and the column width.
struct Columns {
    plot: Plot,
    y: Linear,
    band: f64,
    column: f64,
    /// Every how many categories a label is written.
    every: usize,
}

impl Columns {
    fn centre(&self, category: usize) -> f64 {
        self.plot.left + self.band * (idx(category) + 0.5)
    }
}

pub(super) fn render(c: &StackedBars, layout: Layout) -> String {
    let n = c.categories.len();
    if n == 0 || c.series.is_empty() {
        return empty("stacked", layout, c.title, "No data yet");
    }
    let width = layout.width();
    let plot_height = if layout.is_narrow() { 220.0 } else { 240.0 };
    let keys: Vec<Option<i64>> = c.series.iter().map(|s| s.key).collect();
    let fills = assign(&keys);
    let (segments, totals) = stack(c);
    let lo = totals.iter().map(|t| t.0).min().unwrap_or(0);
    let hi = totals.iter().map(|t| t.1).max().unwrap_or(0);
    // All zero: show 0..1 minor unit rather than a range around zero.
    let hi = if lo == 0 && hi == 0 { 1 } else { hi };
    let y_ticks = fitting_ticks(
        major(lo, c.exponent),
        major(hi, c.exponent),
        plot_height,
        false,
    );

    let lines = title_lines(c.title, layout);
    let show_legend = c.series.len() > 1 || c.series.iter().any(|s| s.ended_after.is_some());
    let legend_top = title_height(&lines);
    let legend_height = if show_legend {
        legend_layout(&legend(c, &fills, ""), width).1
    } else {
        0.0
    };
    // The extra 26 units leave room for the total written above the tallest column.
    let top = legend_top + legend_height + 26.0;
    // The right margin leaves room for the × of a series ended in the last column.
    let plot = Plot {
        left: y_axis_width(&y_ticks),
        top,
        right: width - PAD - 16.0,
        bottom: top + plot_height,
    };
    let band = plot.width() / idx(n);
    // Show every k-th category label, so that the short form of every label fits its share
    // ("R4" of "R4 2026-06-30"; what does not fit of the rest is left to the hover title).
    let widest_short = c
        .categories
        .iter()
        .map(|l| text_width(&short_form(l), FONT))
        .fold(0.0, f64::max);
    let cols = Columns {
        plot,
        y: Linear::new((y_ticks.lo, y_ticks.hi), (plot.bottom, plot.top)),
        band,
        column: (band * 0.56).clamp(1.0, 72.0),
        every: to_count(((widest_short + 12.0) / band).ceil()).max(1),
    };
    let height = plot.bottom + 2.0 * LABEL_LINE + 10.0 + PAD;

    document(
        "stacked",
        (layout, height),
        c.title,
        &describe(c, &totals),
        |svg, id| {
            patterns(svg, &fills, id);
            draw_title(svg, &lines);
            if show_legend {
                draw_legend(svg, &legend(c, &fills, id), legend_top, width);
            }
            y_axis(svg, &plot, &y_ticks, &cols.y, ("Amount", c.currency));
            draw_segments(svg, c, &cols, &segments, (&fills, id));
            let zero = cols.y.map(0.0);
            let axis = svg.el("line").a("x1", plot.left).a("x2", plot.right);
            axis.a("y1", zero)
                .a("y2", zero)
                .a("stroke", RULE)
                .a("stroke-width", 1.0)
                .end();
            draw_labels(svg, c, &cols, &totals);
            draw_ended(svg, c, &cols, &segments, &totals);
        },
    )
}

fn draw_segments(
    svg: &mut Svg,
    c: &StackedBars,
    layout: &Columns,
    segments: &[Segment],
    (fills, id): (&[Fill], &str),
) {
    for seg in segments {
        let top = layout.y.map(major(seg.hi, c.exponent));
        let bottom = layout.y.map(major(seg.lo, c.exponent));
        let title = format!(
            "{}: {} in {}",
            c.series[seg.series].name,
            amount(c.currency, seg.amount.into(), c.exponent),
            c.categories[seg.category]
        );
        svg.el("rect")
            .a("x", layout.centre(seg.category) - layout.column / 2.0)
            .a("y", top)
            .a("width", layout.column)
            .a("height", (bottom - top).max(0.5))
            .a("fill", &paint(fills[seg.series], id))
            .a("stroke", "#ffffff")
            .a("stroke-width", 0.75)
            .with(|el| el.el("title").text(&title));
    }
}

/// The total above each column (where it fits) and the category names below.
fn draw_labels(svg: &mut Svg, c: &StackedBars, layout: &Columns, totals: &[(i128, i128)]) {
    for (j, (category, (_, up))) in c.categories.iter().zip(totals).enumerate() {
        let x = layout.centre(j);
        let total = major(*up, c.exponent);
        let label = format::sig3(total);
        if *up > 0 && text_width(&label, FONT) <= layout.band - 4.0 {
            let text = svg.el("text").a("x", x).a("y", layout.y.map(total) - 6.0);
            text.a("text-anchor", "middle")
                .a("fill", MUTED)
                .text(&label);
        }
        if j % layout.every != 0 {
            continue;
        }
        let width = layout.band * idx(layout.every) - 8.0;
        for (i, line) in label_lines(category, width).iter().enumerate() {
            let y = layout.plot.bottom + 20.0 + LABEL_LINE * idx(i);
            let text = svg.el("text").a("x", x).a("y", y);
            text.a("text-anchor", "middle").a("fill", INK).text(line);
        }
    }
}

/// The words of a label up to the first with a digit in it, which tells the categories apart:
/// "R4" of "R4 2026-06-30", "Round 12" of "Round 12 2026-01-12"; the first word when none has.
fn short_form(label: &str) -> String {
    let words: Vec<&str> = label.split_whitespace().collect();
    let end = words
        .iter()
        .position(|w| w.chars().any(|ch| ch.is_ascii_digit()))
        .unwrap_or(0);
    words.get(..=end).map_or_else(String::new, |w| w.join(" "))
}

/// A category label in at most two lines of `width`: the first cut with an ellipsis when even
/// it does not fit, the second kept only when it fits whole (a date cut to "2026-0…" says
/// nothing; the hover titles name the whole category).
fn label_lines(label: &str, width: f64) -> Vec<String> {
    let mut lines = wrap(label, width, FONT, 2);
    if lines.len() == 2 && lines[1].ends_with('…') && !label.trim_end().ends_with('…') {
        lines.truncate(1);
    }
    lines
}

/// A × just right of an ended series' last column, level with its last segment, titled in words.
fn draw_ended(
    svg: &mut Svg,
    c: &StackedBars,
    layout: &Columns,
    segments: &[Segment],
    totals: &[(i128, i128)],
) {
    for (i, s) in c.series.iter().enumerate() {
        let Some(last) = ended(s, c.categories.len()) else {
            continue;
        };
        let level = segments
            .iter()
            .find(|seg| seg.series == i && seg.category == last)
            .map_or(totals[last].1, |seg| seg.lo / 2 + seg.hi / 2);
        let x = layout.centre(last) + layout.column / 2.0 + 8.0;
        let y = layout.y.map(major(level, c.exponent));
        let (x0, x1, y0, y1) = (num(x - 4.5), num(x + 4.5), num(y - 4.5), num(y + 4.5));
        let d = format!("M{x0} {y0}L{x1} {y1}M{x0} {y1}L{x1} {y0}");
        let title = format!("{} ended after {} (killed)", s.name, c.categories[last]);
        svg.el("path")
            .a("d", &d)
            .a("stroke", INK)
            .a("stroke-width", 2.0)
            .a("stroke-linecap", "round")
            .with(|el| el.el("title").text(&title));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_what_tells_them_apart() {
        assert_eq!(short_form("R4 2026-06-30"), "R4");
        assert_eq!(short_form("Round 12 2026-01-12"), "Round 12");
        assert_eq!(short_form("Spring launch"), "Spring");
        assert_eq!(short_form(""), "");
        assert_eq!(label_lines("R4 2026-06-30", 40.0), ["R4"]);
        assert_eq!(label_lines("R4 2026-06-30", 100.0), ["R4", "2026-06-30"]);
        assert_eq!(label_lines("R4 2026-06-30", 200.0), ["R4 2026-06-30"]);
    }
}
