//! The data side of the stacked money chart: stacking (positive amounts up from zero, negative
//! ones down, sums in `i128` so no amount overflows), the legend entries and the summary. The
//! series' fills are `palette`'s.

use super::frame::amount;
use super::legend::{LegendItem, Swatch};
use super::palette::{Fill, paint};
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

/// Series names with their fills; ended series are struck through and marked "(killed)".
pub(super) fn legend(c: &StackedBars, fills: &[Fill], id: &str) -> Vec<LegendItem> {
    let item = |(s, fill): (&Series, &Fill)| LegendItem {
        swatch: Swatch::Fill(paint(*fill, id)),
        name: s.name.clone(),
        killed: s.ended_after.is_some(),
    };
    c.series.iter().zip(fills).map(item).collect()
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
                key: Some(1),
            },
            Series {
                name: "b".into(),
                values: vec![i64::MAX, 5],
                ended_after: Some(7),
                key: Some(2),
            },
            Series {
                name: "c".into(),
                values: vec![0],
                ended_after: None,
                key: None,
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
