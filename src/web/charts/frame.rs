//! What every chart shares: the two layouts a big chart is drawn in and the markup that puts
//! both in a page, the `<svg>` root with its accessible name and description, the colours, the
//! wrapped title, the "no data" frame and money amounts. Keeping them here is what makes the
//! four charts look like one family.

use super::scale::idx;
use super::svg::Svg;
use super::text::wrap;

/// The two layouts every big chart is drawn in; the page carries both and its stylesheet shows
/// the one that fits the chart's box (a container query on `.chart-box`).
///
/// Every chart of a layout has the same viewBox width, and the stylesheet never draws a chart
/// wider than its viewBox in pixels, so one unit is at most one pixel: the 15-unit labels of
/// every chart render at the same 15 px in any box at least as wide as the layout, and charts on
/// one page read alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// 720 units, shown in boxes at least 720 px wide, at 720 px.
    Wide,
    /// 400 units, shown in narrower boxes: in the 326 px chart box of a 390 px phone the 15-unit
    /// labels render at 15 x 326 / 400 = 12.2 px, and they stay at least 11 px down to a 293 px
    /// box (a 360 px phone). 440 units would be the most that keeps 11 px at 326 px; 400 leaves
    /// room for narrower phones.
    Narrow,
}

impl Layout {
    pub(super) const BOTH: [Layout; 2] = [Layout::Wide, Layout::Narrow];

    /// The viewBox width in units.
    pub(super) fn width(self) -> f64 {
        match self {
            Layout::Wide => 720.0,
            Layout::Narrow => 400.0,
        }
    }

    /// The name in the wrapper's class (`chart-wide`) and in the chart's ids.
    pub(super) fn name(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Narrow => "narrow",
        }
    }

    /// Lines a title may take before it is cut: a narrow chart wraps more.
    fn title_lines(self) -> usize {
        match self {
            Layout::Wide => 2,
            Layout::Narrow => 3,
        }
    }

    pub(super) fn is_narrow(self) -> bool {
        self == Layout::Narrow
    }
}

/// Both layouts of a chart, each in the wrapper the stylesheet shows or hides:
/// `<div class="chart-wide">…</div><div class="chart-narrow">…</div>`. The hidden one is
/// `display: none`, so it is out of the accessibility tree too.
pub(super) fn both(draw: impl Fn(Layout) -> String) -> String {
    let mut out = String::new();
    for layout in Layout::BOTH {
        out.push_str(&format!(
            "<div class=\"chart-{}\">{}</div>",
            layout.name(),
            draw(layout)
        ));
    }
    out
}
/// Outer margin.
pub(super) const PAD: f64 = 14.0;
/// Label size in viewBox units.
pub(super) const FONT: f64 = 15.0;
const TITLE_FONT: f64 = 17.0;
const TITLE_LINE: f64 = 22.0;

/// Main text, 17:1 on white.
pub(super) const INK: &str = "#1a1a1a";
/// Secondary text, 7.5:1 on white.
pub(super) const MUTED: &str = "#555555";
/// Axis lines and rules: the lightest grey that keeps 4.5:1 on white.
pub(super) const RULE: &str = "#767676";
/// Gridlines: decoration only, so they may be faint.
pub(super) const GRID: &str = "#e4e4e4";
/// Okabe-Ito, safe for colour-blind readers, in the order categories take them.
pub(super) const OKABE_ITO: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];
pub(super) const UP: &str = "#009E73";
pub(super) const DOWN: &str = "#D55E00";

/// Writes a whole chart: root element, accessible name and description, white background, then
/// `body`, which gets the writer and an id prefix unique to this chart's content (for `<defs>`).
pub(super) fn document(
    kind: &str,
    (layout, height): (Layout, f64),
    title: &str,
    desc: &str,
    body: impl FnOnce(&mut Svg, &str),
) -> String {
    // Ids come from the content, not a counter, so output is deterministic, and two different
    // charts on one page do not share ids; the layout is part of them, because both layouts of a
    // chart are in the page.
    let width = layout.width();
    let name = layout.name();
    let id = format!(
        "hr-{kind}-{name}-{:012x}",
        fnv1a(&[kind, name, title, desc]) >> 16
    );
    let (title_id, desc_id) = (format!("{id}-t"), format!("{id}-d"));
    let view_box = format!("0 0 {} {}", super::svg::num(width), super::svg::num(height));
    let class = format!("hr-chart hr-chart-{kind}");
    let mut svg = Svg::new();
    svg.el("svg")
        .a("xmlns", "http://www.w3.org/2000/svg")
        .a("viewBox", &view_box)
        .a("width", "100%")
        .a("role", "img")
        .a("aria-labelledby", &title_id)
        .a("aria-describedby", &desc_id)
        .a("class", &class)
        .a("font-family", "system-ui, sans-serif")
        .a("font-size", FONT)
        .with(|s| {
            s.el("title").a("id", &title_id).text(title);
            s.el("desc").a("id", &desc_id).text(desc);
            s.el("rect")
                .a("width", width)
                .a("height", height)
                .a("fill", "#ffffff")
                .end();
            body(s, &id);
        });
    svg.finish()
}

pub(super) fn fnv1a(parts: &[&str]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.bytes().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The title wrapped to the chart's width, in at most two lines (three when narrow).
pub(super) fn title_lines(title: &str, layout: Layout) -> Vec<String> {
    // Titles are bold, about 12% wider than the regular text the width estimate is for.
    let room = (layout.width() - 2.0 * PAD) / 1.12;
    wrap(title, room, TITLE_FONT, layout.title_lines())
}

/// Height the title takes, margin included.
pub(super) fn title_height(lines: &[String]) -> f64 {
    PAD + TITLE_LINE * idx(lines.len()) + 6.0
}

pub(super) fn draw_title(svg: &mut Svg, lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        svg.el("text")
            .a("x", PAD)
            .a("y", PAD + 16.0 + TITLE_LINE * idx(i))
            .a("font-size", TITLE_FONT)
            .a("font-weight", "600")
            .a("fill", INK)
            .text(line);
    }
}

/// A chart with nothing to plot: its title, an empty frame and `message` in the middle.
pub(super) fn empty(kind: &str, layout: Layout, title: &str, message: &str) -> String {
    let lines = title_lines(title, layout);
    let top = title_height(&lines) + 8.0;
    let height = top + 200.0 + PAD;
    let width = layout.width();
    document(kind, (layout, height), title, message, |svg, _| {
        draw_title(svg, &lines);
        svg.el("rect")
            .a("x", PAD)
            .a("y", top)
            .a("width", width - 2.0 * PAD)
            .a("height", 200.0)
            .a("fill", "none")
            .a("stroke", GRID)
            .end();
        svg.el("text")
            .a("x", width / 2.0)
            .a("y", top + 105.0)
            .a("text-anchor", "middle")
            .a("fill", MUTED)
            .text(message);
    })
}

/// A money amount in major units with separators, from minor units: `(1234567, 2)` ->
/// `"12,345.67"`. Exponents above 18 are treated as 18 (ISO 4217 uses at most 4). Takes `i128`
/// so that sums of `i64` amounts are written exactly too.
pub(super) fn money(minor: i128, exponent: u32) -> String {
    let exponent = usize::try_from(exponent.min(18)).unwrap_or(18);
    let digits = format!("{:0>width$}", minor.unsigned_abs(), width = exponent + 1);
    let (int, frac) = digits.split_at(digits.len() - exponent);
    let int = crate::web::format::group_digits(int);
    let sign = if minor < 0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// An amount with its currency code in front, as `docs/pages.md` writes money: `USD 1,234,567.89`.
pub(super) fn amount(currency: &str, minor: i128, exponent: u32) -> String {
    let value = money(minor, exponent);
    if currency.trim().is_empty() {
        value
    } else {
        format!("{currency} {value}")
    }
}

/// Minor units as a float in major units, for positions only (labels use [`money`]).
#[expect(
    clippy::cast_precision_loss,
    reason = "a position needs ~4 significant digits; amounts above 2^53 minor units lose only sub-unit precision"
)]
pub(super) fn major(minor: i128, exponent: u32) -> f64 {
    minor as f64 / 10f64.powi(i32::try_from(exponent.min(18)).unwrap_or(18))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_major_units() {
        assert_eq!(money(1_234_567, 2), "12,345.67");
        assert_eq!(money(-5, 2), "-0.05");
        assert_eq!(money(0, 2), "0.00");
        assert_eq!(money(1_234, 0), "1,234");
        assert_eq!(money(i64::MIN.into(), 2), "-92,233,720,368,547,758.08");
        assert_eq!(
            money(i128::MIN, 0),
            "-170,141,183,460,469,231,731,687,303,715,884,105,728"
        );
        assert_eq!(amount("USD", 5, 2), "USD 0.05");
        assert_eq!(amount(" ", 5, 0), "5");
        assert_eq!(money(7, u32::MAX), "0.000000000000000007");
        assert_eq!(major(1_234_567, 2), 12_345.67);
    }
}
