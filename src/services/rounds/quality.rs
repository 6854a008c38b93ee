//! Evidence quality, shown to the committee beside every result: staleness and outliers. The
//! flags inform; they never change what the engine computes.

use crate::domain::approx;

/// A bet with no report in this many days before the round's instant is stale.
pub const STALE_AFTER_DAYS: f64 = 14.0;
/// A report is an outlier when its robust z-score against the bet's previous reports exceeds
/// this.
pub const OUTLIER_Z: f64 = 5.0;
/// How many previous reports the outlier check compares with.
pub const LOOKBACK: usize = 20;
/// Fewer previous reports than this and no report is judged.
const MIN_HISTORY: usize = 5;
/// Scales the median absolute deviation to a normal standard deviation (1 / 1.4826).
const MAD_SCALE: f64 = 0.6745;
/// Scales the mean absolute deviation, the fallback when the MAD is 0 (sqrt(pi / 2)).
const MEAN_AD_SCALE: f64 = 1.253_314;

/// The robust z-score of `value` against `previous`: 0.6745 (x - median) / MAD. When more than
/// half the previous values are equal (MAD = 0), the mean absolute deviation stands in; when
/// all are equal, any other value is infinitely far. None with too little history.
pub fn robust_z(value: f64, previous: &[f64]) -> Option<f64> {
    if previous.len() < MIN_HISTORY {
        return None;
    }
    let center = median(&mut previous.to_vec());
    let mut deviations: Vec<f64> = previous.iter().map(|v| (v - center).abs()).collect();
    let mad = median(&mut deviations);
    let distance = value - center;
    if mad > 0.0 {
        return Some(MAD_SCALE * distance / mad);
    }
    let mean_ad = deviations.iter().sum::<f64>() / approx::count(deviations.len());
    if mean_ad > 0.0 {
        return Some(distance / (MEAN_AD_SCALE * mean_ad));
    }
    Some(if distance == 0.0 {
        0.0
    } else {
        f64::INFINITY.copysign(distance)
    })
}

pub fn is_outlier(value: f64, previous: &[f64]) -> bool {
    robust_z(value, previous).is_some_and(|z| z.abs() > OUTLIER_Z)
}

/// The positions `from..` of `values` (in time order) that are outliers against the
/// `LOOKBACK` values before each. Same verdicts as [`is_outlier`], but the previous values are
/// kept sorted as the window slides, so a million reports take one pass instead of two sorts
/// each, and most reports are cleared by [`surely_within`] without their exact score.
pub fn outliers(values: &[f64], from: usize) -> Vec<usize> {
    let mut window: Vec<f64> = Vec::with_capacity(LOOKBACK + 1);
    let mut found = Vec::new();
    let start = from.saturating_sub(LOOKBACK);
    for (i, &value) in values.iter().enumerate().skip(start) {
        if i >= from
            && window.len() >= MIN_HISTORY
            && !surely_within(value, &window)
            && z_sorted(value, &window).abs() > OUTLIER_Z
        {
            found.push(i);
        }
        let at = window.partition_point(|&w| w.total_cmp(&value).is_lt());
        window.insert(at, value);
        if window.len() > LOOKBACK {
            let old = values[i - LOOKBACK];
            let pos = window.partition_point(|w| w.total_cmp(&old).is_lt());
            if window.get(pos).is_some_and(|w| w.total_cmp(&old).is_eq()) {
                window.remove(pos);
            }
        }
    }
    found
}

/// True when `value` is certainly not an outlier against the sorted, non-empty `window`: most
/// reports are ordinary, and this settles them without sorting the deviations. The score is
/// below 5 when the MAD is at least `reach`, 0.6745 |value - center| / 5 widened by a millionth
/// (far more than rounding can move a score), and the MAD (the middle deviation, or the mean of
/// the two middle ones) is at least `reach` when no more than (n - 1) / 2 deviations, computed
/// exactly as [`z_sorted`] computes them, fall below it. Anything this cannot clear gets the
/// exact score.
fn surely_within(value: f64, sorted: &[f64]) -> bool {
    let center = middle(sorted);
    let reach = MAD_SCALE * (value - center).abs() / OUTLIER_Z * (1.0 + 1e-6);
    if !(reach > 0.0 && reach.is_finite()) {
        return false;
    }
    let closer = sorted
        .iter()
        .filter(|&&w| (w - center).abs() < reach)
        .count();
    closer <= (sorted.len() - 1) / 2
}

/// The median of sorted, non-empty values.
fn middle(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// [`robust_z`] over an already sorted, non-empty window.
fn z_sorted(value: f64, sorted: &[f64]) -> f64 {
    let n = sorted.len();
    let center = middle(sorted);
    // Deviations from the center, smallest first: walk outward from it on both sides.
    let split = sorted.partition_point(|&w| w < center);
    let (mut left, mut right) = (split, split);
    let mut deviations = [0.0f64; LOOKBACK + 1];
    for slot in deviations.iter_mut().take(n) {
        let below = (left > 0).then(|| center - sorted[left - 1]);
        let above = (right < n).then(|| sorted[right] - center);
        *slot = match (below, above) {
            (Some(b), Some(a)) if b <= a => {
                left -= 1;
                b
            }
            (_, Some(a)) => {
                right += 1;
                a
            }
            (Some(b), None) => {
                left -= 1;
                b
            }
            (None, None) => 0.0,
        };
    }
    let mad = if n % 2 == 1 {
        deviations[n / 2]
    } else {
        (deviations[n / 2 - 1] + deviations[n / 2]) / 2.0
    };
    let distance = value - center;
    if mad > 0.0 {
        return MAD_SCALE * distance / mad;
    }
    let mean_ad = deviations[..n].iter().sum::<f64>() / approx::count(n);
    if mean_ad > 0.0 {
        return distance / (MEAN_AD_SCALE * mean_ad);
    }
    if distance == 0.0 {
        0.0
    } else {
        f64::INFINITY.copysign(distance)
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    if values.is_empty() {
        0.0
    } else {
        middle(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wild_value_is_an_outlier() {
        let history = [100.0, 102.0, 98.0, 101.0, 99.0, 100.0, 103.0];
        // median 100, deviations 0,2,2,1,1,0,3 -> MAD 1; z(130) = 0.6745 * 30 = 20.2.
        assert!(is_outlier(130.0, &history));
        // z(104) = 0.6745 * 4 = 2.7.
        assert!(!is_outlier(104.0, &history));
        assert!(is_outlier(70.0, &history));
    }

    #[test]
    fn the_sliding_window_agrees_with_the_plain_definition() {
        // A fixed pseudo-random walk with spikes, flat stretches and ties.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut values = Vec::new();
        let mut level = 100.0;
        for i in 0..2_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let r = f64::from(u32::try_from(state >> 32).unwrap()) / 4_294_967_296.0;
            level += r - 0.5;
            let value = match i % 97 {
                0 => level + 40.0,
                1..=12 => 7.0,
                _ => (level * 4.0).round() / 4.0,
            };
            values.push(value);
        }
        for from in [0, 3, 25, 700] {
            let plain: Vec<usize> = (from..values.len())
                .filter(|&i| is_outlier(values[i], &values[i.saturating_sub(LOOKBACK)..i]))
                .collect();
            assert_eq!(outliers(&values, from), plain, "from {from}");
        }
        assert!(!outliers(&values, 0).is_empty(), "the spikes are found");
    }

    #[test]
    fn reports_on_the_edge_get_the_exact_verdict() {
        // Histories of odd and even length with a known MAD, and values a hair either side of a
        // score of exactly 5: the quick clearance must never call an outlier ordinary.
        let odd = [100.0, 99.0, 101.0, 98.0, 102.0, 100.0, 97.0];
        let even = [100.0, 99.0, 101.0, 98.0, 102.0, 100.0, 97.0, 103.0];
        for history in [&odd[..], &even[..]] {
            let mut sorted = history.to_vec();
            let center = median(&mut sorted);
            let mad = median(
                &mut history
                    .iter()
                    .map(|v| (v - center).abs())
                    .collect::<Vec<_>>(),
            );
            let edge = OUTLIER_Z * mad / MAD_SCALE;
            for step in -40..=40 {
                for side in [1.0, -1.0] {
                    let value = center + side * edge * (1.0 + f64::from(step) * 1e-9);
                    let mut values = history.to_vec();
                    values.push(value);
                    let expected = is_outlier(value, history);
                    let found = outliers(&values, history.len()) == vec![history.len()];
                    assert_eq!(found, expected, "value {value} after {history:?}");
                }
            }
        }
    }

    #[test]
    fn too_little_history_judges_nothing() {
        assert_eq!(robust_z(1e9, &[1.0, 2.0, 3.0, 4.0]), None);
    }

    #[test]
    fn a_flat_history_falls_back_to_the_mean_deviation() {
        // median 10, MAD 0 (five of six equal), mean absolute deviation 1/6.
        let history = [10.0, 10.0, 10.0, 10.0, 10.0, 11.0];
        let z = robust_z(12.0, &history).unwrap();
        assert!((z - 2.0 / (MEAN_AD_SCALE / 6.0)).abs() < 1e-9);
        assert!(is_outlier(12.0, &history));
        assert!(!is_outlier(10.0, &[10.0; 6]));
        assert!(is_outlier(10.5, &[10.0; 6]));
    }
}
