//! One racer's standing at the finish: the round's least-squares fit (`estimate::fit_window`)
//! of its reports in (start, finish], with x in days from the finish, so the line's value and
//! standard error at x = 0 are the forecast and its se. Also [`RacerFit::at`], which reads the
//! same line at any instant, and the racer's distribution in the comparison's orientation.

use chrono::{DateTime, Utc};

use super::error::RaceError;
use super::types::{RaceInput, RaceMeasure, RacerEvidence, RacerFit};
use crate::engine::estimate::{Window, fit_window};

/// A compared racer's true value at the finish, oriented so that higher is better:
/// X = m + s * T_nu (Student's t with nu degrees of freedom), a point mass at m when s == 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Dist {
    pub m: f64,
    pub s: f64,
    pub nu: u32,
}

/// A racer with enough reports: its fit and its forecast in the measure's unit.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Forecast {
    pub fit: RacerFit,
    pub value: f64,
    pub se: f64,
    pub dist: Dist,
}

/// Fits one racer. Returns its number of reports in the window and its forecast, or `None`
/// when it has fewer than `min_reports`. `points` is a scratch buffer reused across racers.
pub(super) fn stand(
    racer: &RacerEvidence,
    input: &RaceInput,
    points: &mut Vec<(f64, f64)>,
) -> Result<(u32, Option<Forecast>), RaceError> {
    let window = Window {
        start: Some(input.start),
        as_of: input.finish,
    };
    let (n, fitted) = fit_window(&racer.observations, window, input.min_reports, points);
    let Some(fitted) = fitted else {
        return Ok((n, None));
    };
    let (offset, scale, sign) = match input.measure {
        RaceMeasure::Metric { direction } => (0.0, 1.0, direction.sign()),
        RaceMeasure::Progress => (racer.baseline, racer.threshold - racer.baseline, 1.0),
    };
    let fit = RacerFit {
        finish: input.finish,
        n,
        nu: fitted.nu,
        level: fitted.level,
        slope: fitted.slope,
        x_bar: fitted.x_bar,
        sxx: fitted.sxx,
        s2: fitted.s2,
        offset,
        scale,
    };
    let (value, se) = fit.at(input.finish);
    if !scale.is_finite() || !value.is_finite() || !se.is_finite() {
        return Err(RaceError::ForecastOverflow {
            bet_id: racer.bet_id,
        });
    }
    let dist = Dist {
        m: sign * value,
        s: se,
        nu: fitted.nu,
    };
    Ok((
        n,
        Some(Forecast {
            fit,
            value,
            se,
            dist,
        }),
    ))
}

impl RacerFit {
    /// The fitted trend's value and standard error at `at`, in the measure's unit: with
    /// x = (at - finish) in days (as the fit measures its reports),
    /// value = (level + slope * x - offset) / scale and
    /// se = sqrt(s2 * (1/n + (x - x_bar)^2 / sxx)) / |scale|, or sqrt(s2 / n) / |scale| at
    /// every instant when every report shares one instant (sxx == 0). At the finish these are
    /// exactly the standing's `forecast` and `se`. Far from the reports they may overflow to
    /// infinity; nothing here fails.
    pub fn at(&self, at: DateTime<Utc>) -> (f64, f64) {
        let x = Window {
            start: None,
            as_of: self.finish,
        }
        .days(at);
        let n = f64::from(self.n);
        let (level, se) = if self.sxx > 0.0 {
            let dx = x - self.x_bar;
            let level = if x == 0.0 {
                self.level
            } else {
                self.level + self.slope * x
            };
            (level, (self.s2 * (1.0 / n + dx * dx / self.sxx)).sqrt())
        } else {
            (self.level, (self.s2 / n).sqrt())
        };
        ((level - self.offset) / self.scale, se / self.scale.abs())
    }
}
