//! The data side of the stacked money chart: stacking (positive amounts up from zero, negative
//! ones down, sums in `i128` so no amount overflows), series fills (Okabe-Ito, then the same
//! colours with stripes and dots past eight series), the legend entries and the summary.

use super::frame::{OKABE_ITO, amount};
use super::legend::{LegendItem, Swatch};
use super::svg::Svg;
use super::{Series, StackedBars};

/// One drawn piece of a column, in minor units.
pub(super) struct Segment {
    pub series: usize,
    pub category: usize,
    pub lo: i128,
    pub hi: i128,
    pub amount: i64,
}

/// Stacks every category: the non-zero segments, and each column's (negative, positive) total.
pub(super) fn stack(c: &StackedBars) -> (Vec<Segment>, Vec<(i128, i128)>) {
    let mut segments = Vec::new();
    let mut totals = Vec::with_capacity(c.categories.len());
    for category in 0..c.categories.len() {
        let (mut up, mut down) = (0_i128, 0_i128);
        for (series, s) in c.series.iter().enumerate() {
            let amount = s.values.get(category).copied().unwrap_or(0);
            let (lo, hi) = if amount >= 0 {
                (up, up + i128::from(amount))
            } else {
                (down + i128::from(amount), down)
            };
            (up, down) = (up.max(hi), down.min(lo));
            if amount != 0 {
                segments.push(Segment {
                    series,
                    category,
                    lo,
                    hi,
                    amount,
                });
            }
        }
        totals.push((down, up));
    }
    (segments, totals)
}

/// The fill of series `i`: its Okabe-Ito colour, and from the ninth series on the same colours
/// with stripes, then dots, so more than eight series stay distinguishable.
pub(super) fn paint(i: usize, id: &str) -> String {
    match (i / 8) % 3 {
        0 => OKABE_ITO[i % 8].to_owned(),
        1 => format!("url(#{id}-s{})", i % 8),
        _ => format!("url(#{id}-d{})", i % 8),
    }
}

/// The `<defs>` for the patterned fills that `count` series use.
pub(super) fn patterns(svg: &mut Svg, count: usize, id: &str) {
    if count <= 8 {
        return;
    }
    svg.el("defs").with(|s| {
        for i in 8..count.min(24) {
            let colour = OKABE_ITO[i % 8];
            let dots = (i / 8) % 3 == 2;
            let pid = format!("{id}-{}{}", if dots { "d" } else { "s" }, i % 8);
            let pattern = s
                .el("pattern")
                .a("id", &pid)
                .a("width", 6.0)
                .a("height", 6.0);
            let pattern = pattern.a("patternUnits", "userSpaceOnUse");
            let pattern = if dots {
                pattern
            } else {
                pattern.a("patternTransform", "rotate(45)")
            };
            pattern.with(|p| {
                p.el("rect")
                    .a("width", 6.0)
                    .a("height", 6.0)
                    .a("fill", colour)
                    .end();
                let mark = if dots {
                    p.el("circle").a("cx", 3.0).a("cy", 3.0).a("r", 1.5)
                } else {
                    p.el("rect").a("width", 2.5).a("height", 6.0)
                };
                mark.a("fill", "#ffffff").a("fill-opacity", 0.75).end();
            });
        }
    });
}

/// Series names with their fills; ended series are struck through and marked "(killed)".
pub(super) fn legend(c: &StackedBars, id: &str) -> Vec<LegendItem> {
    let item = |(i, s): (usize, &Series)| LegendItem {
        swatch: Swatch::Fill(paint(i, id)),
        name: s.name.clone(),
        killed: s.ended_after.is_some(),
    };
    c.series.iter().enumerate().map(item).collect()
}

/// The last category of an ended series, clamped to the categories there are.
pub(super) fn ended(s: &Series, categories: usize) -> Option<usize> {
    s.ended_after.map(|i| i.min(categories.saturating_sub(1)))
}

pub(super) fn describe(c: &StackedBars, totals: &[(i128, i128)]) -> String {
    let (first, last) = (c.categories.first(), c.categories.last());
    let mut d = format!(
        "{} series over {} categories from {} to {}.",
        c.series.len(),
        c.categories.len(),
        first.map_or("", String::as_str),
        last.map_or("", String::as_str)
    );
    if let (Some(last), Some((down, up))) = (last, totals.last()) {
        let total = amount(c.currency, up + down, c.exponent);
        d.push_str(&format!(" Total in {last}: {total}."));
    }
    for s in c.series {
        if let Some(i) = ended(s, c.categories.len()) {
            let (name, category) = (&s.name, &c.categories[i]);
            d.push_str(&format!(" {name} ended after {category} (killed)."));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_up_and_down_without_overflow() {
        let categories = ["R1".to_owned(), "R2".to_owned()];
        let series = [
            Series {
                name: "a".into(),
                values: vec![i64::MAX, -3],
                ended_after: None,
            },
            Series {
                name: "b".into(),
                values: vec![i64::MAX, 5],
                ended_after: Some(7),
            },
            Series {
                name: "c".into(),
                values: vec![0],
                ended_after: None,
            },
        ];
        let c = StackedBars {
            title: "",
            categories: &categories,
            series: &series,
            currency: "USD",
            exponent: 0,
        };
        let (segments, totals) = stack(&c);
        assert_eq!(segments.len(), 4);
        assert_eq!(totals, [(0, 2 * i128::from(i64::MAX)), (-3, 5)]);
        assert_eq!((segments[2].lo, segments[2].hi), (-3, 0));
        assert_eq!(ended(&series[1], 2), Some(1));
        assert!(describe(&c, &totals).ends_with("Total in R2: USD 2. b ended after R2 (killed)."));
    }
}
