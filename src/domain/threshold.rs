//! The rules of a new threshold: it asks for improvement over the baseline, and once its bet is
//! active it may only take effect in the future (history is never rewritten).

use chrono::{DateTime, Utc};

use super::{BetStatus, Direction, DomainError, metric_value, time};

/// A threshold that passed every rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewThreshold {
    pub target: f64,
    pub effective_from: DateTime<Utc>,
}

/// What the rules need to know about the bet.
#[derive(Debug, Clone, Copy)]
pub struct BetTerms {
    pub direction: Direction,
    pub baseline: f64,
    pub status: BetStatus,
}

impl NewThreshold {
    /// `effective_from` defaults to now for a proposed bet; an active bet needs an explicit
    /// future instant. Closed bets are refused by the caller before this runs.
    pub fn parse(
        bet: BetTerms,
        target: f64,
        effective_from: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let target = metric_value("target", target)?;
        if !asks_for_improvement(bet.direction, bet.baseline, target) {
            let side = match bet.direction {
                Direction::HigherIsBetter => "above",
                Direction::LowerIsBetter => "below",
            };
            return Err(DomainError::new(
                "target",
                format!(
                    "must ask for improvement: {side} the baseline of {} for a {} metric",
                    bet.baseline,
                    bet.direction.as_str().replace('_', "-")
                ),
            ));
        }
        let effective_from = match (bet.status, effective_from) {
            (BetStatus::Active, None) => {
                return Err(DomainError::new(
                    "effective_from",
                    "is required once the bet is active, and must be in the future",
                ));
            }
            (BetStatus::Active, Some(at)) if at <= now => {
                return Err(DomainError::new(
                    "effective_from",
                    "must be in the future once the bet is active: past thresholds never change",
                ));
            }
            (_, Some(at)) => time::schedule_instant("effective_from", at)?,
            (_, None) => now,
        };
        Ok(Self {
            target,
            effective_from,
        })
    }
}

/// `d * (T - b) > 0`: the target lies on the better side of the baseline.
pub fn asks_for_improvement(direction: Direction, baseline: f64, target: f64) -> bool {
    direction.sign() * (target - baseline) > 0.0
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn terms(direction: Direction, status: BetStatus) -> BetTerms {
        BetTerms {
            direction,
            baseline: 100.0,
            status,
        }
    }

    #[test]
    fn a_threshold_must_ask_for_improvement() {
        let now = time::now();
        let up = terms(Direction::HigherIsBetter, BetStatus::Proposed);
        let down = terms(Direction::LowerIsBetter, BetStatus::Proposed);
        assert!(NewThreshold::parse(up, 120.0, None, now).is_ok());
        assert!(NewThreshold::parse(up, 100.0, None, now).is_err());
        assert!(NewThreshold::parse(down, 80.0, None, now).is_ok());
        assert_eq!(
            NewThreshold::parse(down, 120.0, None, now)
                .unwrap_err()
                .field,
            "target"
        );
        assert!(NewThreshold::parse(up, f64::NAN, None, now).is_err());
    }

    #[test]
    fn an_active_bet_takes_only_future_thresholds() {
        let now = time::now();
        let active = terms(Direction::HigherIsBetter, BetStatus::Active);
        assert!(NewThreshold::parse(active, 120.0, None, now).is_err());
        assert!(NewThreshold::parse(active, 120.0, Some(now - TimeDelta::days(1)), now).is_err());
        let later = now + TimeDelta::days(1);
        assert_eq!(
            NewThreshold::parse(active, 120.0, Some(later), now)
                .unwrap()
                .effective_from,
            later
        );
    }
}
