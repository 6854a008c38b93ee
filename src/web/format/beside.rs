//! Probabilities shown beside the rules that judge them. A P(beat) of 0.796 next to a rule "at
//! least 80% is a beat" must not read "80%": the reader would conclude the bet beat. This owns
//! the one formatter that keeps a probability on its own side of every rule it is read against,
//! adding decimals only where whole percentages would cross a rule.

use super::{MISSING, percent};

/// A rule a probability is read against, as the engine applies it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Holds when p >= this (a beat at confidence c).
    AtLeast(f64),
    /// Holds when p <= this (a miss at 1 - c).
    AtMost(f64),
}

/// The most decimals a percentage gets before the formatter stops adding them.
const MAX_DECIMALS: usize = 6;

impl Rule {
    /// Whether the rule holds for `p`, exactly as the engine compares.
    fn holds(self, p: f64) -> bool {
        match self {
            Rule::AtLeast(t) => p >= t,
            Rule::AtMost(t) => p <= t,
        }
    }

    /// What a reader concludes from a value shown as lying in `lo..=hi` (a point when equal):
    /// the rule holds, does not, or cannot be told. The reader compares with the rule's value
    /// as written (1 - 0.8 reads 20%, not 19.999999999999996%).
    fn reads(self, lo: f64, hi: f64) -> Option<bool> {
        match self {
            Rule::AtLeast(t) => {
                let t = as_written(t);
                if lo >= t {
                    Some(true)
                } else if hi < t {
                    Some(false)
                } else {
                    None
                }
            }
            Rule::AtMost(t) => {
                let t = as_written(t);
                if hi <= t {
                    Some(true)
                } else if lo > t {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }
}

/// A rule's value without the float noise of its arithmetic (nine decimals).
fn as_written(t: f64) -> f64 {
    (t * 1e9).round() / 1e9
}

/// `p` as [`percent`] writes it, unless that reads across one of `rules`; then with as many
/// decimals as it takes (0.796 beside "at least 0.8" -> `"79.6%"`, 0.7996 -> `"79.96%"`), and
/// past six decimals rounded toward the side `p` is on. NaN -> `"–"`.
pub fn percent_beside(p: f64, rules: &[Rule]) -> String {
    if p.is_nan() {
        return MISSING.to_owned();
    }
    let right = |lo: f64, hi: f64| rules.iter().all(|r| r.reads(lo, hi) == Some(r.holds(p)));
    let plain = percent(p);
    let (lo, hi) = plain_range(p);
    if right(lo, hi) {
        return plain;
    }
    for decimals in 1..=MAX_DECIMALS {
        let text = format!("{:.*}", decimals, p * 100.0);
        if let Ok(shown) = text.parse::<f64>()
            && right(shown / 100.0, shown / 100.0)
        {
            return format!("{}%", trim(&text));
        }
    }
    // Within a millionth of a percent of a rule: round toward p's side of it.
    let scale = 10f64.powi(6);
    for shown in [
        (p * 100.0 * scale).floor() / scale,
        (p * 100.0 * scale).ceil() / scale,
    ] {
        if right(shown / 100.0, shown / 100.0) {
            return format!("{}%", trim(&format!("{shown:.6}")));
        }
    }
    plain
}

/// The values a reader takes [`percent`]'s text to mean: `">99%"` is anything from 99% to 100%,
/// `"<1%"` anything from 0 to 1%, a whole percentage that number.
fn plain_range(p: f64) -> (f64, f64) {
    if p <= 0.0 {
        return (0.0, 0.0);
    }
    if p >= 1.0 {
        return (1.0, 1.0);
    }
    let whole = (p * 100.0).round();
    if whole >= 100.0 {
        (0.99, 1.0)
    } else if whole < 1.0 {
        (0.0, 0.01)
    } else {
        (whole / 100.0, whole / 100.0)
    }
}

/// Drops trailing zeros of a fraction, and the point if nothing is left after it.
fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules of the default policy: a beat at 0.8, a miss at 1 - 0.8.
    fn judged(p: f64) -> String {
        percent_beside(p, &[Rule::AtLeast(0.8), Rule::AtMost(1.0 - 0.8)])
    }

    #[test]
    fn never_rounds_up_to_or_across_a_rule() {
        assert_eq!(judged(0.796), "79.6%");
        assert_eq!(judged(0.7996), "79.96%");
        assert_eq!(judged(0.799_999_9), "79.99999%");
        assert_eq!(judged(0.204), "20.4%");
        assert_eq!(judged(0.2004), "20.04%");
    }

    #[test]
    fn keeps_whole_percentages_where_they_read_right() {
        assert_eq!(judged(0.8), "80%");
        assert_eq!(judged(0.8004), "80%");
        // Exactly at a rule as written: the engine's float arithmetic (1 - 0.8 is a hair below
        // 0.2) decides, and no decimal can show that hair.
        assert_eq!(judged(0.2), "20%");
        assert_eq!(judged(0.196), "20%");
        assert_eq!(judged(0.5), "50%");
        assert_eq!(judged(0.973), "97%");
        assert_eq!(judged(0.996), ">99%");
        assert_eq!(judged(0.004), "<1%");
        assert_eq!(judged(1.0), "100%");
        assert_eq!(judged(0.0), "0%");
        assert_eq!(judged(f64::NAN), "–");
    }

    #[test]
    fn a_rule_inside_a_marked_range_gets_decimals() {
        // ">99%" beside a rule at 99.5% cannot be told apart: 99.6% can.
        assert_eq!(percent_beside(0.996, &[Rule::AtLeast(0.995)]), "99.6%");
        // 99% reads below 99.5%, as 0.9949 is.
        assert_eq!(percent_beside(0.9949, &[Rule::AtLeast(0.995)]), "99%");
        assert_eq!(percent_beside(0.004, &[Rule::AtMost(0.005)]), "0.4%");
    }

    #[test]
    fn without_rules_it_is_the_plain_percentage() {
        for p in [0.0, 0.004, 0.796, 0.7996, 0.996, 1.0] {
            assert_eq!(percent_beside(p, &[]), percent(p));
        }
    }
}
