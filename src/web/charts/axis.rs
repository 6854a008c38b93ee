//! Axes: the plot rectangle, value axes (gridlines, tick labels, a title with the unit) and the
//! time axis. This module owns where tick labels go and how much room they take, so the charts
//! can size their margins before drawing.

use super::dates::{DateTick, secs};
use super::frame::{FONT, GRID, INK, MUTED, PAD, RULE};
use super::scale::{Linear, Ticks, idx, nice_ticks, tick_label, to_count};
use super::svg::Svg;
use super::text::{fit, text_width};

/// The data area of a chart, in viewBox units.
#[derive(Debug, Clone, Copy)]
pub(super) struct Plot {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Plot {
    pub(super) fn width(&self) -> f64 {
        self.right - self.left
    }

    pub(super) fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// Height below the plot taken by a time or value axis: two label lines and the axis title.
pub(super) const X_AXIS_HEIGHT: f64 = 72.0;

/// Nice ticks whose labels, laid along an axis `length` long, keep clear of each other: fewer
/// ticks are tried until the widest label plus a gap fits between two ticks.
pub(super) fn fitting_ticks(lo: f64, hi: f64, length: f64, horizontal: bool) -> Ticks {
    let mut target = if horizontal {
        (length / 90.0).clamp(2.0, 8.0)
    } else {
        (length / 44.0).clamp(2.0, 7.0)
    };
    loop {
        let ticks = nice_ticks(lo, hi, to_count(target));
        let room = length / idx(ticks.values.len().max(2) - 1);
        let needed = if horizontal {
            max_label_width(&ticks) + 14.0
        } else {
            FONT + 8.0
        };
        if room >= needed || target <= 2.0 {
            return ticks;
        }
        target -= 1.0;
    }
}

fn max_label_width(ticks: &Ticks) -> f64 {
    ticks
        .values
        .iter()
        .map(|v| text_width(&tick_label(*v, ticks.step), FONT))
        .fold(0.0, f64::max)
}

/// Room a left value axis needs: the rotated title, the widest tick label and a gap.
pub(super) fn y_axis_width(ticks: &Ticks) -> f64 {
    PAD + FONT + 10.0 + max_label_width(ticks) + 8.0
}

/// Gridlines, tick labels and the rotated axis title of a value axis on the left.
pub(super) fn y_axis(svg: &mut Svg, plot: &Plot, ticks: &Ticks, y: &Linear, title: (&str, &str)) {
    for v in &ticks.values {
        let at = y.map(*v);
        let grid = svg
            .el("line")
            .a("x1", plot.left)
            .a("x2", plot.right)
            .a("y1", at)
            .a("y2", at);
        grid.a("stroke", GRID).a("stroke-width", 1.0).end();
        svg.el("text")
            .a("x", plot.left - 8.0)
            .a("y", at + 5.0)
            .a("text-anchor", "end")
            .a("fill", MUTED)
            .text(&tick_label(*v, ticks.step));
    }
    let (cx, cy) = (PAD + FONT - 3.0, (plot.top + plot.bottom) / 2.0);
    svg.el("text")
        .a("x", cx)
        .a("y", cy)
        .a(
            "transform",
            &format!(
                "rotate(-90 {} {})",
                super::svg::num(cx),
                super::svg::num(cy)
            ),
        )
        .a("text-anchor", "middle")
        .a("fill", INK)
        .text(&with_unit(title, plot.height() + 40.0));
}

/// Vertical gridlines, tick labels and the title of a value axis along the bottom. A label
/// that would run past the chart's edge (`width`, less the margin) is moved in to end there:
/// on a narrow chart the bars reach the edge, and so does the last tick.
pub(super) fn x_value_axis(
    svg: &mut Svg,
    (plot, width): (&Plot, f64),
    ticks: &Ticks,
    x: &Linear,
    title: (&str, &str),
) {
    for v in &ticks.values {
        let at = x.map(*v);
        let grid = svg
            .el("line")
            .a("x1", at)
            .a("x2", at)
            .a("y1", plot.top)
            .a("y2", plot.bottom);
        grid.a("stroke", GRID).a("stroke-width", 1.0).end();
        let label = tick_label(*v, ticks.step);
        let half = text_width(&label, FONT) / 2.0;
        let centre = at.min(width - PAD - half).max(PAD + half);
        svg.el("text")
            .a("x", centre)
            .a("y", plot.bottom + 21.0)
            .a("text-anchor", "middle")
            .a("fill", MUTED)
            .text(&label);
    }
    baseline(svg, plot);
    axis_title(svg, plot, title, plot.bottom + 48.0);
}

/// The time axis: baseline, tick marks, date labels (with the year on a second line where it
/// changes) and the title "Date (UTC)".
pub(super) fn time_axis(svg: &mut Svg, plot: &Plot, ticks: &[DateTick], x: &Linear) {
    baseline(svg, plot);
    for tick in ticks {
        let at = x.map(secs(tick.at));
        let mark = svg
            .el("line")
            .a("x1", at)
            .a("x2", at)
            .a("y1", plot.bottom)
            .a("y2", plot.bottom + 5.0);
        mark.a("stroke", RULE).a("stroke-width", 1.0).end();
        svg.el("text")
            .a("x", at)
            .a("y", plot.bottom + 21.0)
            .a("text-anchor", "middle")
            .a("fill", MUTED)
            .text(&tick.label);
        if let Some(year) = &tick.year {
            svg.el("text")
                .a("x", at)
                .a("y", plot.bottom + 39.0)
                .a("text-anchor", "middle")
                .a("fill", MUTED)
                .text(year);
        }
    }
    axis_title(svg, plot, ("Date", "UTC"), plot.bottom + 62.0);
}

fn baseline(svg: &mut Svg, plot: &Plot) {
    let line = svg
        .el("line")
        .a("x1", plot.left)
        .a("x2", plot.right)
        .a("y1", plot.bottom)
        .a("y2", plot.bottom);
    line.a("stroke", RULE).a("stroke-width", 1.0).end();
}

fn axis_title(svg: &mut Svg, plot: &Plot, title: (&str, &str), y: f64) {
    svg.el("text")
        .a("x", (plot.left + plot.right) / 2.0)
        .a("y", y)
        .a("text-anchor", "middle")
        .a("fill", INK)
        .text(&with_unit(title, plot.width()));
}

/// An axis title, "name (unit)", within `max_width`: a long name is cut before the unit is, so
/// the unit always shows.
fn with_unit((name, unit): (&str, &str), max_width: f64) -> String {
    match (name.trim(), unit.trim()) {
        ("", "") => "Value".to_owned(),
        (name, "") => fit(name, max_width, FONT),
        ("", unit) => fit(unit, max_width, FONT),
        (name, unit) => {
            let suffix = format!(" ({unit})");
            let room = max_width - text_width(&suffix, FONT);
            if room < text_width("Value…", FONT) {
                fit(&format!("{name}{suffix}"), max_width, FONT)
            } else {
                format!("{}{suffix}", fit(name, room, FONT))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizontal_ticks_keep_their_labels_apart() {
        let t = fitting_ticks(0.0, 123_456_789.0, 300.0, true);
        let room = 300.0 / idx(t.values.len() - 1);
        assert!(room >= max_label_width(&t) + 14.0, "{t:?}");
        let t = fitting_ticks(0.0, 1e300, 100.0, true);
        assert!(t.values.len() >= 2);
    }

    #[test]
    fn axis_titles_keep_their_unit() {
        assert_eq!(
            with_unit(("Weekly users", "users"), 300.0),
            "Weekly users (users)"
        );
        let cut = with_unit(
            ("A metric name far too long for the axis it labels", "ms"),
            200.0,
        );
        assert!(
            cut.ends_with("… (ms)") && text_width(&cut, FONT) <= 200.0,
            "{cut}"
        );
        assert_eq!(with_unit(("", ""), 100.0), "Value");
        assert_eq!(with_unit((" ", "USD"), 100.0), "USD");
        assert_eq!(with_unit(("Amount", ""), 100.0), "Amount");
    }

    #[test]
    fn vertical_ticks_about_one_per_44_units() {
        let t = fitting_ticks(0.0, 100.0, 220.0, false);
        assert!((3..=8).contains(&t.values.len()), "{t:?}");
    }
}
