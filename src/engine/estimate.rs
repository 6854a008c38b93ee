//! Step 1: the level at `as_of` from one bet's observations in the window, its standard
//! error, and the probability P that it beats the threshold. The least-squares fit itself
//! (`fit_window`) also serves the races (`race::standing`), read at the race's finish.

use chrono::{DateTime, Utc};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::error::EngineError;
use super::money::count;
use super::types::{BetEvidence, Observation};

/// The evidence window (window_start, as_of].
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub start: Option<DateTime<Utc>>,
    pub as_of: DateTime<Utc>,
}

impl Window {
    pub(super) fn contains(self, at: DateTime<Utc>) -> bool {
        at <= self.as_of && self.start.is_none_or(|start| at > start)
    }

    /// x = (at - as_of) in days, at microsecond precision (millisecond beyond +-292,000 years,
    /// where microseconds overflow an i64).
    #[expect(
        clippy::cast_precision_loss,
        reason = "offsets beyond 2^53 microseconds (285 years) lose sub-microsecond precision only"
    )]
    pub(super) fn days(self, at: DateTime<Utc>) -> f64 {
        let delta = at - self.as_of;
        let seconds = match delta.num_microseconds() {
            Some(us) => us as f64 / 1e6,
            None => delta.num_milliseconds() as f64 / 1e3,
        };
        seconds / 86_400.0
    }
}

/// The estimate of a bet with at least `min_reports` observations in the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Estimate {
    pub level: f64,
    /// The fitted line's change per day (0 when every report shares one instant).
    pub slope: f64,
    pub se: f64,
    pub nu: u32,
    pub p_beat: f64,
}

/// The least-squares line through a bet's observations in a window, read at x = 0 (the
/// window's `as_of`): everything needed to read it, and its standard error, at any x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fit {
    /// The line's value at x = 0.
    pub level: f64,
    /// The line's change per day (0 when every report shares one instant).
    pub slope: f64,
    /// The standard error of `level`.
    pub se: f64,
    pub nu: u32,
    /// The mean offset of the reports from x = 0, in days.
    pub x_bar: f64,
    /// sum((x_k - x_bar)^2); 0 when every report shares one instant (the plain mean).
    pub sxx: f64,
    /// The residual variance: SSE / nu (the sample variance for the plain mean).
    pub s2: f64,
}

/// Fits one bet's observations in `window`. Returns their number and the fit, or `None` when
/// there are fewer than `min_reports`. `points` is a scratch buffer reused across bets so that
/// no allocation happens per bet once it has grown.
pub(super) fn fit_window(
    observations: &[Observation],
    window: Window,
    min_reports: u32,
    points: &mut Vec<(f64, f64)>,
) -> (u32, Option<Fit>) {
    points.clear();
    points.extend(
        observations
            .iter()
            .filter(|o| window.contains(o.at))
            .map(|o| (window.days(o.at), o.value)),
    );
    let n = u32::try_from(points.len()).unwrap_or(u32::MAX);
    if n < min_reports {
        return (n, None);
    }
    // Floating-point sums depend on the order of their terms: a canonical order makes the
    // result independent of the order the reports arrive in. Equal keys are identical bits.
    let by_time_then_value =
        |a: &(f64, f64), b: &(f64, f64)| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1));
    if !points.is_sorted_by(|a, b| by_time_then_value(a, b).is_le()) {
        points.sort_unstable_by(by_time_then_value);
    }
    (n, Some(fit(points, n)))
}

/// Estimates one bet. Returns the number of observations in the window and the estimate, or
/// `None` when there are fewer than `min_reports`.
pub(super) fn estimate(
    bet: &BetEvidence,
    window: Window,
    min_reports: u32,
    points: &mut Vec<(f64, f64)>,
) -> Result<(u32, Option<Estimate>), EngineError> {
    let (n, fitted) = fit_window(&bet.observations, window, min_reports, points);
    let Some(Fit {
        level,
        slope,
        se,
        nu,
        ..
    }) = fitted
    else {
        return Ok((n, None));
    };
    let overflow = || EngineError::EstimateOverflow { bet_id: bet.id };
    let margin = bet.direction.sign() * (level - bet.threshold);
    if !level.is_finite() || !se.is_finite() || !margin.is_finite() {
        return Err(overflow());
    }
    let p_beat = if se == 0.0 {
        match margin.partial_cmp(&0.0) {
            Some(std::cmp::Ordering::Greater) => 1.0,
            Some(std::cmp::Ordering::Less) => 0.0,
            _ => 0.5,
        }
    } else {
        // margin is finite and se > 0, so the ratio is never NaN (statrs panics on NaN).
        let t = StudentsT::new(0.0, 1.0, f64::from(nu)).map_err(|_| overflow())?;
        t.cdf(margin / se).clamp(0.0, 1.0)
    };
    Ok((
        n,
        Some(Estimate {
            level,
            slope,
            se,
            nu,
            p_beat,
        }),
    ))
}

/// Ordinary least squares of y on x, evaluated at x = 0 (`as_of`), or the plain mean when
/// every point shares one x. n >= 3 points, sorted by x.
fn fit(points: &[(f64, f64)], n: u32) -> Fit {
    let nf = count(points.len());
    let (sum_x, sum_y) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
    let (x_bar, y_bar) = (sum_x / nf, sum_y / nf);
    let one_instant = match (points.first(), points.last()) {
        (Some(first), Some(last)) => first.0 == last.0,
        _ => true,
    };
    if !one_instant {
        let (sxx, sxy) = points.iter().fold((0.0, 0.0), |(sxx, sxy), &(x, y)| {
            let dx = x - x_bar;
            (sxx + dx * dx, sxy + dx * (y - y_bar))
        });
        // Distinct x values differ by at least one ulp of a value of at most ~10^8 days, so
        // sxx > 0; the guard only keeps a degenerate case from dividing by zero.
        if sxx > 0.0 {
            let slope = sxy / sxx;
            let level = y_bar - slope * x_bar;
            let sse: f64 = points
                .iter()
                .map(|&(x, y)| {
                    let r = y - level - slope * x;
                    r * r
                })
                .sum();
            let nu = n - 2;
            let s2 = sse / f64::from(nu);
            let se = (s2 * (1.0 / nf + x_bar * x_bar / sxx)).sqrt();
            return Fit {
                level,
                slope,
                se,
                nu,
                x_bar,
                sxx,
                s2,
            };
        }
    }
    let nu = n - 1;
    let ss: f64 = points.iter().map(|&(_, y)| (y - y_bar) * (y - y_bar)).sum();
    let s2 = ss / f64::from(nu);
    let se = (s2 / nf).sqrt();
    Fit {
        level: y_bar,
        slope: 0.0,
        se,
        nu,
        x_bar,
        sxx: 0.0,
        s2,
    }
}
