//! Value scales: the linear map from data to viewBox coordinates, "nice" tick steps (1, 2, 2.5, 5
//! times a power of ten) and tick labels. This module owns degenerate domains (empty, one value,
//! all values equal, NaN, ranges too wide for `f64` arithmetic), so the charts never divide by
//! zero or loop on them.

use crate::web::format;

/// A linear map from a data interval onto a coordinate interval (which may run backwards, as the
/// y axis does).
#[derive(Debug, Clone, Copy)]
pub(super) struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    /// The domain must be finite and non-empty; [`nice_ticks`] and `dates::time_domain` make sure.
    pub(super) fn new((d0, d1): (f64, f64), (r0, r1): (f64, f64)) -> Self {
        Linear { d0, d1, r0, r1 }
    }

    pub(super) fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Ticks covering a domain: the domain is widened to whole steps so the axis starts and ends on
/// a labelled tick.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

/// Nice ticks for data between `lo` and `hi`: the finest step of 1, 2, 2.5 or 5 times a power of
/// ten whose whole multiples cover the data in at most `max_intervals` intervals (at least 1).
///
/// Non-finite bounds fall back to 0..1; a zero-width domain is widened by 10% of its value (or by
/// 1 around zero); a domain narrower than 1e-9 of its magnitude counts as zero-width, because
/// steps below that would not survive `f64` arithmetic.
pub(super) fn nice_ticks(lo: f64, hi: f64, max_intervals: usize) -> Ticks {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 1.0),
    };
    // Keep hi - lo finite.
    let (mut lo, mut hi) = (lo.clamp(-1e300, 1e300), hi.clamp(-1e300, 1e300));
    let magnitude = lo.abs().max(hi.abs());
    if hi - lo <= magnitude * 1e-9 {
        let mid = lo / 2.0 + hi / 2.0;
        let pad = if mid == 0.0 { 1.0 } else { mid.abs() * 0.1 };
        lo = mid - pad;
        hi = mid + pad;
    }
    let max = f64::from(u32::try_from(max_intervals.clamp(1, 40)).unwrap_or(1));
    // The tolerance keeps 0.30000000000000004 / 0.1 from counting as a fourth interval.
    let cover = |step: f64| ((lo / step + 1e-9).floor(), (hi / step - 1e-9).ceil());
    let step = nice_steps_from((hi - lo) / max)
        .find(|step| {
            let (first, last) = cover(*step);
            last - first <= max
        })
        .unwrap_or(hi - lo);
    let (first, last) = cover(step);
    let values: Vec<f64> = (0..=40)
        .map(f64::from)
        .map(|i| (first + i) * step)
        .take_while(|v| *v <= last * step + step / 2.0)
        .collect();
    Ticks {
        lo: first * step,
        hi: last * step,
        step,
        values,
    }
}

/// The nice steps (1, 2, 2.5, 5 times a power of ten) from the smallest one at least `raw`
/// upwards, a dozen of them; rounding the domain out to whole steps never needs more.
fn nice_steps_from(raw: f64) -> impl Iterator<Item = f64> {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let power = 10f64.powf(raw.log10().floor());
    [0.1, 1.0, 10.0, 100.0]
        .into_iter()
        .flat_map(move |p| [1.0, 2.0, 2.5, 5.0].map(|m| m * p * power))
        .filter(move |step| *step >= raw * (1.0 - 1e-12))
        .take(12)
}

/// Decimals needed to write every multiple of `step` exactly (0 for 250, 1 for 2.5, 2 for 0.25).
fn step_decimals(step: f64) -> usize {
    (0..=15)
        .find(|&d| {
            let scaled = step * 10f64.powi(i32::try_from(d).unwrap_or(0));
            (scaled - scaled.round()).abs() <= scaled.abs() * 1e-9
        })
        .unwrap_or(15)
}

/// A tick label: every tick of an axis gets the step's precision, so neighbours never read the
/// same (3 significant digits would turn 10,000 and 10,010 into "10,000" twice). Ticks too large
/// or too fine for positional notation fall back to [`format::sig3`].
pub(super) fn tick_label(v: f64, step: f64) -> String {
    if v.abs() >= 1e15 || step < 1e-6 {
        return format::sig3(v);
    }
    format::fixed(v, step_decimals(step))
}

/// An index or a count as a coordinate factor.
#[expect(
    clippy::cast_precision_loss,
    reason = "chart indexes and counts are far below 2^52, where f64 holds every integer"
)]
pub(super) fn idx(i: usize) -> f64 {
    i as f64
}

/// A non-negative float (a count or index computed in floats) as a `usize`, clamped to
/// 0..=1_000_000 so a wild input cannot ask for a huge allocation.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is clamped to 0..=1e6 first, and NaN casts to 0"
)]
pub(super) fn to_count(x: f64) -> usize {
    x.clamp(0.0, 1e6) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks(lo: f64, hi: f64, n: usize) -> (f64, f64, f64, Vec<String>) {
        let t = nice_ticks(lo, hi, n);
        let labels = t.values.iter().map(|v| tick_label(*v, t.step)).collect();
        (t.lo, t.hi, t.step, labels)
    }

    #[test]
    fn hand_checked_nice_ticks() {
        let (lo, hi, step, labels) = ticks(0.0, 100.0, 4);
        assert_eq!((lo, hi, step), (0.0, 100.0, 25.0));
        assert_eq!(labels, ["0", "25", "50", "75", "100"]);
        let (lo, hi, step, labels) = ticks(0.3, 9.7, 4);
        assert_eq!((lo, hi, step), (0.0, 10.0, 2.5));
        assert_eq!(labels, ["0.0", "2.5", "5.0", "7.5", "10.0"]);
        let (lo, hi, step, labels) = ticks(-3.0, 7.0, 6);
        assert_eq!((lo, hi, step), (-4.0, 8.0, 2.0));
        assert_eq!(labels, ["-4", "-2", "0", "2", "4", "6", "8"]);
        // Rounding out to whole steps must not push past the limit: 2 would need 6 intervals.
        assert_eq!(ticks(-3.0, 7.0, 5).2, 2.5);
        let (_, _, step, labels) = ticks(10_000.0, 10_040.0, 4);
        assert_eq!(step, 10.0);
        assert_eq!(labels, ["10,000", "10,010", "10,020", "10,030", "10,040"]);
        let (_, _, step, labels) = ticks(0.1, 0.3, 2);
        assert_eq!(step, 0.1);
        assert_eq!(labels, ["0.1", "0.2", "0.3"]);
        assert_eq!(ticks(0.0, 21_500.0, 5).1, 25_000.0);
        assert_eq!(ticks(0.0, 21_500.0, 4).1, 30_000.0);
    }

    #[test]
    fn degenerate_domains() {
        let t = nice_ticks(5.0, 5.0, 5);
        assert!(t.lo < 5.0 && t.hi > 5.0 && t.values.len() >= 3, "{t:?}");
        let t = nice_ticks(0.0, 0.0, 5);
        assert_eq!((t.lo, t.hi), (-1.0, 1.0));
        assert_eq!(nice_ticks(f64::NAN, f64::NAN, 5).lo, 0.0);
        let t = nice_ticks(f64::NAN, 3.0, 5);
        assert!(t.lo < 3.0 && t.hi > 3.0);
        let t = nice_ticks(9.0, 1.0, 5);
        assert_eq!((t.lo, t.hi), (0.0, 10.0));
        let t = nice_ticks(-f64::MAX, f64::MAX, 5);
        assert!(
            t.values.len() >= 2 && t.values.len() <= 41 && t.step.is_finite(),
            "{t:?}"
        );
        let t = nice_ticks(1e17, 1e17 + 16.0, 5);
        assert!(t.values.len() >= 2 && t.values.len() <= 41, "{t:?}");
        let t = nice_ticks(1e-300, 2e-300, 5);
        assert!(t.values.len() >= 2 && t.values.len() <= 41, "{t:?}");
    }

    #[test]
    fn linear_maps_and_survives_zero_span() {
        let s = Linear::new((0.0, 10.0), (300.0, 100.0));
        assert_eq!(s.map(0.0), 300.0);
        assert_eq!(s.map(5.0), 200.0);
        assert_eq!(Linear::new((1.0, 1.0), (0.0, 10.0)).map(1.0), 5.0);
    }

    #[test]
    fn steps_and_decimals() {
        let steps = |raw: f64| nice_steps_from(raw).take(3).collect::<Vec<f64>>();
        assert_eq!(steps(0.23), [0.25, 0.5, 1.0]);
        assert_eq!(steps(3.0), [5.0, 10.0, 20.0]);
        assert_eq!(steps(7.0), [10.0, 20.0, 25.0]);
        assert_eq!(steps(1000.0), [1000.0, 2000.0, 2500.0]);
        assert_eq!(steps(f64::NAN), [1.0, 2.0, 2.5]);
        assert_eq!(step_decimals(250.0), 0);
        assert_eq!(step_decimals(0.25), 2);
        assert_eq!(tick_label(3e15, 1e15), "3.00e15");
    }
}
