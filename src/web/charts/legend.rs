//! Legends: a swatch and a name per series, wrapped into rows across the chart's width (a narrow
//! chart gets more rows, and names cut to fit it). This module owns how each kind of mark is
//! shown in a legend and how an ended (killed) series reads there.

use super::frame::{FONT, INK, MUTED, PAD};
use super::svg::Svg;
use super::text::{fit, text_width};

pub(super) const LEGEND_ROW: f64 = 24.0;

/// How a legend entry is drawn before its name.
pub(super) enum Swatch {
    Dot(&'static str),
    Hollow(&'static str),
    /// A line over a translucent band (a fit with its error band).
    Band(&'static str),
    Dashed(&'static str),
    /// A filled square; the paint may be a colour or a `url(#pattern)`.
    Fill(String),
}

pub(super) struct LegendItem {
    pub swatch: Swatch,
    pub name: String,
    /// Ended series: the name is struck through and followed by "(killed)", so the state is
    /// told in words as well as by the marker in the plot.
    pub killed: bool,
}

const SWATCH: f64 = 18.0;

fn suffix_width(item: &LegendItem) -> f64 {
    if item.killed {
        text_width(" (killed)", FONT)
    } else {
        0.0
    }
}

/// The name as shown: at most 260 units, and never wider than a row of the chart leaves.
fn shown_name(item: &LegendItem, width: f64) -> String {
    let room = (width - 2.0 * PAD - SWATCH - 6.0 - suffix_width(item)).min(260.0);
    fit(&item.name, room, FONT)
}

fn item_width(item: &LegendItem, width: f64) -> f64 {
    SWATCH + 6.0 + text_width(&shown_name(item, width), FONT) + suffix_width(item)
}

/// Positions of the items, left to right, wrapped into rows within the chart's `width`, and the
/// height of all rows.
pub(super) fn legend_layout(items: &[LegendItem], width: f64) -> (Vec<(f64, f64)>, f64) {
    let (mut x, mut row) = (PAD, 0.0);
    let mut at = Vec::with_capacity(items.len());
    for item in items {
        let w = item_width(item, width);
        if x > PAD && x + w > width - PAD {
            x = PAD;
            row += 1.0;
        }
        at.push((x, row * LEGEND_ROW));
        x += w + 20.0;
    }
    let rows = if items.is_empty() { 0.0 } else { row + 1.0 };
    (at, rows * LEGEND_ROW)
}

/// Draws the legend with its first row centred on `top + LEGEND_ROW / 2`.
pub(super) fn draw_legend(svg: &mut Svg, items: &[LegendItem], top: f64, width: f64) {
    let (at, _) = legend_layout(items, width);
    for (item, (x, dy)) in items.iter().zip(at) {
        let cy = top + dy + LEGEND_ROW / 2.0;
        let cx = x + SWATCH / 2.0;
        match &item.swatch {
            Swatch::Dot(c) => svg
                .el("circle")
                .a("cx", cx)
                .a("cy", cy)
                .a("r", 5.0)
                .a("fill", *c)
                .end(),
            Swatch::Hollow(c) => svg
                .el("circle")
                .a("cx", cx)
                .a("cy", cy)
                .a("r", 4.5)
                .a("fill", "#ffffff")
                .a("stroke", *c)
                .a("stroke-width", 1.5)
                .end(),
            Swatch::Band(c) => {
                rect(svg, (x, cy - 6.0, SWATCH, 12.0), c, 0.2);
                hline(svg, (x, x + SWATCH, cy), c, None);
            }
            Swatch::Dashed(c) => hline(svg, (x, x + SWATCH, cy), c, Some("5 3")),
            Swatch::Fill(paint) => rect(svg, (x + 2.0, cy - 7.0, 14.0, 14.0), paint, 1.0),
        }
        let name = shown_name(item, width);
        let text = svg.el("text").a("x", x + SWATCH + 6.0).a("y", cy + 5.0);
        if item.killed {
            text.a("fill", MUTED).with(|s| {
                s.el("tspan")
                    .a("text-decoration", "line-through")
                    .text(&name);
                s.text(" (killed)");
            });
        } else {
            text.a("fill", INK).text(&name);
        }
    }
}

fn rect(svg: &mut Svg, (x, y, w, h): (f64, f64, f64, f64), paint: &str, opacity: f64) {
    let el = svg
        .el("rect")
        .a("x", x)
        .a("y", y)
        .a("width", w)
        .a("height", h)
        .a("fill", paint);
    if opacity < 1.0 {
        el.a("fill-opacity", opacity).end()
    } else {
        el.end()
    }
}

fn hline(svg: &mut Svg, (x0, x1, y): (f64, f64, f64), colour: &str, dash: Option<&str>) {
    let el = svg
        .el("line")
        .a("x1", x0)
        .a("y1", y)
        .a("x2", x1)
        .a("y2", y)
        .a("stroke", colour)
        .a("stroke-width", 2.0);
    match dash {
        Some(d) => el.a("stroke-dasharray", d).end(),
        None => el.end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::charts::frame::OKABE_ITO;

    #[test]
    fn legend_wraps_into_rows_of_either_width() {
        let mut items: Vec<LegendItem> = (0..12)
            .map(|i| LegendItem {
                swatch: Swatch::Fill(OKABE_ITO[i % 8].to_owned()),
                name: format!("Bet number {i}"),
                killed: false,
            })
            .collect();
        items.push(LegendItem {
            swatch: Swatch::Dot("#000000"),
            name: "A killed bet whose name goes on well past what a phone's row can hold".into(),
            killed: true,
        });
        for width in [720.0, 400.0] {
            let (at, height) = legend_layout(&items, width);
            assert!(height >= 2.0 * LEGEND_ROW);
            assert!(
                at.iter()
                    .zip(&items)
                    .all(|((x, _), it)| x + item_width(it, width) <= width - PAD + 0.01),
                "every entry inside {width}"
            );
        }
        let rows = |w| legend_layout(&items, w).1;
        assert!(rows(400.0) > rows(720.0), "a narrow legend wraps more");
        assert_eq!(legend_layout(&[], 720.0).1, 0.0);
    }
}
