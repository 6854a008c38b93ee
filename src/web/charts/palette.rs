//! The fills of named series (bets, kinds of flow): twelve that stay apart for colour-blind
//! readers and keep some contrast on white, and the grey of "the rest taken together". This
//! module owns which series gets which fill: it follows each series' stable key (a bet's id),
//! not its place in a list, so a bet keeps its fill in every chart and on every reload.

use super::svg::Svg;

/// Six Okabe-Ito hues, from 5.2:1 (blue) down to 2.3:1 (orange, sky blue) on white. Its yellow
/// (1.3:1) is left out, being nearly invisible on white, and so is its black, which would
/// outweigh every other series and the black text.
pub(super) const HUES: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
];
/// Keyed series prefer one of the first this many fills: the six hues solid, then the same
/// six with white stripes, so that twelve series differ in colour or in texture, never in a
/// shade alone.
pub(super) const SLOTS: usize = 12;
/// Fills there are in all: past twelve series the hues repeat with dots.
const FILLS: usize = 18;
/// "The rest taken together": a mid grey with no hue (2.6:1 on white), so it never reads as
/// one more bet.
pub(super) const OTHER: &str = "#A0A0A0";

/// A series' fill: one of the 18 slots (0-5 solid, 6-11 striped, 12-17 dotted) or the grey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fill {
    Slot(usize),
    Other,
}

/// The fill of each series, from its key: the slot `key mod 12`, or when a smaller key of the
/// same chart holds it, the next free one. Keys are visited in ascending order, so the result
/// depends on the set of keys shown, not on their order; a series without a key is "the rest".
pub(super) fn assign(keys: &[Option<i64>]) -> Vec<Fill> {
    let mut order: Vec<(i64, usize)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| k.map(|k| (k, i)))
        .collect();
    order.sort_unstable();
    let mut taken = [false; FILLS];
    let mut fills = vec![Fill::Other; keys.len()];
    for (key, i) in order {
        let preferred = usize::try_from(key.rem_euclid(12)).unwrap_or(0);
        let slot = (0..SLOTS)
            .map(|k| (preferred + k) % SLOTS)
            .chain(SLOTS..FILLS)
            .find(|s| !taken[*s])
            // More series than fills: they repeat, as they must.
            .unwrap_or(preferred);
        taken[slot] = true;
        fills[i] = Fill::Slot(slot);
    }
    fills
}

/// The paint of a fill: a colour, or a pattern defined by [`patterns`] under the chart's id.
pub(super) fn paint(fill: Fill, id: &str) -> String {
    match fill {
        Fill::Other => OTHER.to_owned(),
        Fill::Slot(s) if s < HUES.len() => HUES[s].to_owned(),
        Fill::Slot(s) => format!("url(#{id}-f{s})"),
    }
}

/// The `<defs>` for the patterned fills among `fills`, each once.
pub(super) fn patterns(svg: &mut Svg, fills: &[Fill], id: &str) {
    let mut slots: Vec<usize> = fills
        .iter()
        .filter_map(|f| match f {
            Fill::Slot(s) if *s >= HUES.len() => Some(*s),
            _ => None,
        })
        .collect();
    slots.sort_unstable();
    slots.dedup();
    if slots.is_empty() {
        return;
    }
    svg.el("defs").with(|s| {
        for slot in slots {
            let dots = slot >= SLOTS;
            let pattern = s
                .el("pattern")
                .a("id", &format!("{id}-f{slot}"))
                .a("width", 6.0)
                .a("height", 6.0)
                .a("patternUnits", "userSpaceOnUse");
            let pattern = if dots {
                pattern
            } else {
                pattern.a("patternTransform", "rotate(45)")
            };
            pattern.with(|p| {
                p.el("rect")
                    .a("width", 6.0)
                    .a("height", 6.0)
                    .a("fill", HUES[slot % HUES.len()])
                    .end();
                // The marks cover a third of the area at most, so the hue still carries it.
                let mark = if dots {
                    p.el("circle").a("cx", 3.0).a("cy", 3.0).a("r", 1.5)
                } else {
                    p.el("rect").a("width", 2.0).a("height", 6.0)
                };
                mark.a("fill", "#ffffff").a("fill-opacity", 0.75).end();
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_keeps_its_fill_whatever_the_order_and_company() {
        let a = assign(&[Some(7), Some(3), None]);
        let b = assign(&[None, Some(3), Some(40), Some(7)]);
        assert_eq!(a[0], b[3], "bet 7 keeps its fill");
        assert_eq!(a[1], b[1], "bet 3 keeps its fill");
        assert_eq!((a[2], b[0]), (Fill::Other, Fill::Other));
        assert_eq!(a[0], Fill::Slot(7));
    }

    #[test]
    fn twelve_keys_get_twelve_fills_even_when_they_collide() {
        // 1, 13, 25... all prefer slot 1: the smaller key keeps it, the others move on.
        let keys: Vec<Option<i64>> = (0..12).map(|i| Some(1 + 12 * i)).collect();
        let fills = assign(&keys);
        assert_eq!(fills[0], Fill::Slot(1));
        let mut slots: Vec<String> = fills.iter().map(|f| paint(*f, "x")).collect();
        slots.sort();
        slots.dedup();
        assert_eq!(slots.len(), 12, "{fills:?}");
        assert!(!slots.contains(&OTHER.to_owned()));
        // Negative and extreme keys are slots too.
        let fills = assign(&[Some(i64::MIN), Some(-1), Some(i64::MAX)]);
        assert!(
            fills
                .iter()
                .all(|f| matches!(f, Fill::Slot(s) if *s < SLOTS))
        );
    }

    #[test]
    fn past_twelve_the_fills_are_dotted_then_repeat() {
        let keys: Vec<Option<i64>> = (0..20).map(Some).collect();
        let fills = assign(&keys);
        assert_eq!(fills[12], Fill::Slot(12));
        assert_eq!(fills[17], Fill::Slot(17));
        assert_eq!(paint(fills[13], "c"), "url(#c-f13)");
        let mut svg = Svg::new();
        patterns(&mut svg, &fills, "c");
        let defs = svg.finish();
        assert_eq!(defs.matches("<pattern ").count(), 12, "6 striped, 6 dotted");
    }
}
