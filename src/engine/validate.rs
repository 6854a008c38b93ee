//! Input checks, run before anything is computed, and the canonical order of the bets. Checks
//! run in a fixed order (policy, money decimals, budget, window, bets by ascending id, pins by ascending bet
//! id), so a shuffled input reports the same first error.

use std::collections::BTreeMap;

use super::error::EngineError;
use super::money::MAX_AMOUNT;
use super::types::{BetEvidence, Pin, RoundInput};

/// A round that passed every check.
#[derive(Debug)]
pub(super) struct Checked<'a> {
    /// The bets in ascending id.
    pub bets: Vec<&'a BetEvidence>,
    /// The pins by bet id.
    pub pins: BTreeMap<i64, &'a Pin>,
    pub pinned_total: i64,
    /// B' = B - pinned_total >= 0.
    pub available: i64,
}

/// Every earlier window start is before the window start, and none is given twice.
fn check_earlier_starts(input: &RoundInput) -> Result<(), EngineError> {
    let mut earlier = input.earlier_window_starts.clone();
    earlier.sort_unstable();
    if let Some(&at) = earlier
        .iter()
        .rev()
        .find(|&&at| input.window_start.is_none_or(|w| at >= w))
    {
        return Err(EngineError::EarlierWindowStart {
            at,
            window_start: input.window_start,
        });
    }
    match earlier.windows(2).find(|pair| pair[0] == pair[1]) {
        Some(pair) => Err(EngineError::DuplicateWindowStart(pair[0])),
        None => Ok(()),
    }
}

pub(super) fn check(input: &RoundInput) -> Result<Checked<'_>, EngineError> {
    input.policy.validate()?;
    if input.money_decimals > super::format::MAX_MONEY_DECIMALS {
        return Err(EngineError::MoneyDecimals(input.money_decimals));
    }
    if input.budget < 0 {
        return Err(EngineError::NegativeBudget(input.budget));
    }
    too_large(None, "budget", input.budget)?;
    if let Some(window_start) = input.window_start
        && window_start >= input.as_of
    {
        return Err(EngineError::EmptyWindow {
            window_start,
            as_of: input.as_of,
        });
    }

    check_earlier_starts(input)?;

    let mut bets: Vec<&BetEvidence> = input.bets.iter().collect();
    bets.sort_by_key(|b| b.id);
    if let Some(id) = bets.windows(2).find_map(|pair| match pair {
        [a, b] if a.id == b.id => Some(a.id),
        _ => None,
    }) {
        return Err(EngineError::DuplicateBet(id));
    }
    for bet in &bets {
        check_bet(bet)?;
    }

    let mut pins: Vec<&Pin> = input.pins.iter().collect();
    pins.sort_by_key(|p| p.bet_id);
    if let Some(pair) = pins
        .windows(2)
        .find(|pair| pair[0].bet_id == pair[1].bet_id)
    {
        return Err(EngineError::DuplicatePin(pair[0].bet_id));
    }
    let mut pinned_total: i64 = 0;
    for pin in &pins {
        let id = pin.bet_id;
        if bets.binary_search_by_key(&id, |b| b.id).is_err() {
            return Err(EngineError::PinForUnknownBet(id));
        }
        if pin.grant.is_none() && !pin.waive_kill {
            return Err(EngineError::EmptyPin(id));
        }
        if pin.reason.trim().is_empty() {
            return Err(EngineError::PinWithoutReason(id));
        }
        if let Some(grant) = pin.grant {
            not_negative(id, "pinned grant", grant)?;
            too_large(Some(id), "pinned grant", grant)?;
            pinned_total = pinned_total.saturating_add(grant);
        }
    }
    if pinned_total > input.budget {
        return Err(EngineError::PinsExceedBudget {
            pinned: pinned_total,
            budget: input.budget,
        });
    }
    Ok(Checked {
        bets,
        pins: pins.into_iter().map(|p| (p.bet_id, p)).collect(),
        pinned_total,
        available: input.budget - pinned_total,
    })
}

fn check_bet(bet: &BetEvidence) -> Result<(), EngineError> {
    let id = bet.id;
    let non_finite = |what: String| EngineError::NonFiniteValue { bet_id: id, what };
    if !bet.baseline.is_finite() {
        return Err(non_finite("its baseline".to_owned()));
    }
    if !bet.threshold.is_finite() {
        return Err(non_finite("its threshold".to_owned()));
    }
    // Every report is checked, in or out of the window: a NaN is bad input wherever it is.
    // The earliest bad report is named, whatever the input order.
    if let Some(bad) = bet
        .observations
        .iter()
        .filter(|o| !o.value.is_finite())
        .min_by_key(|o| o.at)
    {
        return Err(non_finite(format!("the report at {}", bad.at.to_rfc3339())));
    }
    if bet.direction.sign() * (bet.threshold - bet.baseline) <= 0.0 {
        return Err(EngineError::ThresholdNotImprovement {
            bet_id: id,
            direction: bet.direction,
            baseline: bet.baseline,
            threshold: bet.threshold,
        });
    }
    not_negative(id, "previous grant", bet.prev_grant)?;
    too_large(Some(id), "previous grant", bet.prev_grant)?;
    if bet.is_new && bet.prev_grant > 0 {
        return Err(EngineError::NewBetWithPrevGrant {
            bet_id: id,
            prev_grant: bet.prev_grant,
        });
    }
    if let Some(request) = bet.seed_request {
        not_negative(id, "seed request", request)?;
    }
    Ok(())
}

fn not_negative(bet_id: i64, what: &'static str, amount: i64) -> Result<(), EngineError> {
    if amount < 0 {
        Err(EngineError::NegativeAmount {
            bet_id,
            what,
            amount,
        })
    } else {
        Ok(())
    }
}

fn too_large(bet_id: Option<i64>, what: &'static str, amount: i64) -> Result<(), EngineError> {
    if amount > MAX_AMOUNT {
        Err(EngineError::AmountTooLarge {
            bet_id,
            what,
            amount,
            max: MAX_AMOUNT,
        })
    } else {
        Ok(())
    }
}
