//! The marks of the race chart: each racer's band, trend and dots in its fill, and the finish.
//! This module owns how a racer's fill reads on lines and dots: the hue of its palette slot,
//! and, since twelve slots share six hues, a dot shape for the slot's texture (circles for the
//! solid fills, squares for the striped, diamonds for the dotted), so two racers of one hue
//! still differ in something other than a shade.

use chrono::{DateTime, Utc};

use super::TrendPoint;
use crate::web::charts::axis::Plot;
use crate::web::charts::dates::secs;
use crate::web::charts::frame::INK;
use crate::web::charts::palette::{Fill, HUES, OTHER};
use crate::web::charts::scale::Linear;
use crate::web::charts::svg::{Svg, num};
use crate::web::format::{date, full, sig3};

const DOT: f64 = 4.5;

/// How a racer is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Style {
    pub colour: &'static str,
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Circle,
    Square,
    Diamond,
}

impl Style {
    pub(super) fn of(fill: Fill) -> Style {
        match fill {
            Fill::Other => Style {
                colour: OTHER,
                shape: Shape::Circle,
            },
            Fill::Slot(slot) => Style {
                colour: HUES[slot % HUES.len()],
                shape: match slot / HUES.len() {
                    0 => Shape::Circle,
                    1 => Shape::Square,
                    _ => Shape::Diamond,
                },
            },
        }
    }
}

/// The scales and words a racer's marks are drawn with.
pub(super) struct Frame<'a> {
    pub x: &'a Linear,
    pub y: &'a Linear,
    pub unit: &'a str,
}

impl Frame<'_> {
    fn at(&self, t: DateTime<Utc>, v: f64) -> (f64, f64) {
        (self.x.map(secs(t)), self.y.map(v))
    }

    fn with_unit(&self, value: String) -> String {
        if self.unit.trim().is_empty() {
            value
        } else {
            format!("{value} {}", self.unit)
        }
    }
}

/// "Chat stickers (Pod A): trend 214 ± 4.10 users at 2027-01-15".
pub(super) fn trend_title(name: &str, last: &TrendPoint, unit: &str) -> String {
    let spread = if unit.trim().is_empty() {
        sig3(last.se)
    } else {
        format!("{} {unit}", sig3(last.se))
    };
    format!(
        "{name}: trend {} ± {spread} at {}",
        sig3(last.value),
        date(last.at)
    )
}

/// The band: the trend ± 1 se at each instant, translucent, under every line.
pub(super) fn draw_band(svg: &mut Svg, points: &[TrendPoint], style: Style, f: &Frame) {
    if points.len() < 2 {
        return;
    }
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        let (x, y) = f.at(p.at, p.value + p.se);
        d.push_str(&format!(
            "{}{} {}",
            if i == 0 { "M" } else { "L" },
            num(x),
            num(y)
        ));
    }
    for p in points.iter().rev() {
        let (x, y) = f.at(p.at, p.value - p.se);
        d.push_str(&format!("L{} {}", num(x), num(y)));
    }
    d.push('Z');
    svg.el("path")
        .a("d", &d)
        .a("fill", style.colour)
        .a("fill-opacity", 0.15)
        .end();
}

/// The fitted line: solid over the evidence, dotted from `solid_until` on to the finish, with
/// what it says at its end on hover.
pub(super) fn draw_trend(
    svg: &mut Svg,
    (points, solid_until): (&[TrendPoint], DateTime<Utc>),
    (name, style): (&str, Style),
    f: &Frame,
) {
    let Some(last) = points.last() else {
        return;
    };
    let path = |part: &[&TrendPoint]| {
        let mut d = String::new();
        for (i, p) in part.iter().enumerate() {
            let (x, y) = f.at(p.at, p.value);
            d.push_str(&format!(
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                num(x),
                num(y)
            ));
        }
        d
    };
    let solid: Vec<&TrendPoint> = points.iter().filter(|p| p.at <= solid_until).collect();
    let dotted: Vec<&TrendPoint> = points.iter().filter(|p| p.at >= solid_until).collect();
    let title = trend_title(name, last, f.unit);
    svg.el("g").with(|s| {
        s.el("title").text(&title);
        if solid.len() >= 2 {
            s.el("path")
                .a("d", &path(&solid))
                .a("fill", "none")
                .a("stroke", style.colour)
                .a("stroke-width", 2.5)
                .end();
        }
        if dotted.len() >= 2 {
            s.el("path")
                .a("d", &path(&dotted))
                .a("fill", "none")
                .a("stroke", style.colour)
                .a("stroke-width", 2.0)
                .a("stroke-dasharray", "2 4")
                .a("stroke-linecap", "round")
                .end();
        }
    });
}

/// A dot per report in the racer's shape, each with its value and date on hover.
pub(super) fn draw_dots(
    svg: &mut Svg,
    reports: &[(DateTime<Utc>, f64)],
    (name, style): (&str, Style),
    f: &Frame,
) {
    for (at, value) in reports {
        let (x, y) = f.at(*at, *value);
        let title = format!("{name}: {} · {}", f.with_unit(full(*value)), date(*at));
        let el = match style.shape {
            Shape::Circle => svg.el("circle").a("cx", x).a("cy", y).a("r", DOT),
            Shape::Square => svg
                .el("rect")
                .a("x", x - DOT)
                .a("y", y - DOT)
                .a("width", 2.0 * DOT)
                .a("height", 2.0 * DOT),
            Shape::Diamond => {
                let r = DOT + 1.0;
                let d = format!(
                    "M{} {}L{} {}L{} {}L{} {}Z",
                    num(x),
                    num(y - r),
                    num(x + r),
                    num(y),
                    num(x),
                    num(y + r),
                    num(x - r),
                    num(y)
                );
                svg.el("path").a("d", &d)
            }
        };
        el.a("fill", style.colour)
            .a("stroke", "#ffffff")
            .a("stroke-width", 1.0)
            .with(|s| s.el("title").text(&title));
    }
}

/// The finish: a dashed rule through the plot, labelled above it ("Finish 2027-01-15"), to
/// the left of the rule, which stands near the right edge.
pub(super) fn draw_finish(svg: &mut Svg, finish: DateTime<Utc>, x: &Linear, plot: &Plot) {
    let at = x.map(secs(finish));
    let label = format!("Finish {}", date(finish));
    svg.el("g").with(|s| {
        s.el("title")
            .text(&format!("Finish {}", crate::web::format::datetime(finish)));
        s.el("line")
            .a("x1", at)
            .a("x2", at)
            .a("y1", plot.top - 22.0)
            .a("y2", plot.bottom)
            .a("stroke", INK)
            .a("stroke-width", 1.5)
            .a("stroke-dasharray", "6 4")
            .end();
        s.el("text")
            .a("x", at - 6.0)
            .a("y", plot.top - 8.0)
            .a("text-anchor", "end")
            .a("fill", INK)
            .text(&label);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_keeps_its_hue_and_its_texture_becomes_a_shape() {
        assert_eq!(
            Style::of(Fill::Slot(1)),
            Style {
                colour: HUES[1],
                shape: Shape::Circle
            }
        );
        assert_eq!(Style::of(Fill::Slot(7)).colour, HUES[1]);
        assert_eq!(Style::of(Fill::Slot(7)).shape, Shape::Square);
        assert_eq!(Style::of(Fill::Slot(13)).shape, Shape::Diamond);
        assert_eq!(Style::of(Fill::Other).colour, OTHER);
    }
}
