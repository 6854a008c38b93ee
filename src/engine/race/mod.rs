//! Races (`docs/engine.md`, "Races: standings, P(best) and expected loss"): two or more bets
//! compared on one measure until a finish instant. `standings` forecasts each racer's level at
//! the finish and computes, for each, P(best) and the expected loss of declaring it the
//! winner. Pure like the round: no I/O, no clock, no randomness, no hash-ordered iteration;
//! racers are processed in ascending bet id, so the input order changes nothing.
//!
//! Modules, each owning one part:
//! - `types`: the inputs and outputs; `error`: why a race is rejected; `validate`: the checks
//!   and the canonical order;
//! - `standing`: one racer's fit at the finish (and `RacerFit::at`);
//! - `grid`: the quadrature's grid and each racer's CDF on it; `gauss`: Gauss-Legendre rules;
//!   `quadrature`: the sweep over the cells; `verdict`: expected loss, leader, call and gap.

mod error;
mod gauss;
mod grid;
mod quadrature;
mod standing;
mod types;
mod validate;
mod verdict;

#[cfg(test)]
mod tests;

pub use error::RaceError;
pub use types::{
    RaceCall, RaceInput, RaceMeasure, RaceStandings, RacerEvidence, RacerFit, RacerStanding,
};

use standing::Forecast;

/// Computes every racer's standing at the finish. Rejects the whole race, computing nothing,
/// when any input is out of range or the arithmetic overflows.
pub fn standings(input: &RaceInput) -> Result<RaceStandings, RaceError> {
    let racers = validate::check(input)?;
    let mut points = Vec::new();
    let mut forecasts: Vec<(i64, u32, Option<Forecast>)> = Vec::with_capacity(racers.len());
    for racer in &racers {
        let (n, forecast) = standing::stand(racer, input, &mut points)?;
        forecasts.push((racer.bet_id, n, forecast));
    }
    let dists: Vec<standing::Dist> = forecasts
        .iter()
        .filter_map(|(_, _, f)| f.as_ref().map(|f| f.dist))
        .collect();
    let compared = u32::try_from(dists.len()).unwrap_or(u32::MAX);
    let comparison = if dists.len() >= 2 {
        Some(verdict::compare(&dists)?)
    } else {
        None
    };

    let mut position = 0;
    let mut out = Vec::with_capacity(forecasts.len());
    let mut leader = None;
    for (bet_id, n, forecast) in forecasts {
        let mut standing = RacerStanding {
            bet_id,
            n,
            forecast: None,
            se: None,
            nu: None,
            fit: None,
            p_best: None,
            expected_loss: None,
            gap_to_leader: None,
        };
        if let Some(f) = forecast {
            standing.forecast = Some(f.value);
            standing.se = Some(f.se);
            standing.nu = Some(f.fit.nu);
            standing.fit = Some(f.fit);
            if let Some(c) = &comparison {
                standing.p_best = c.p_best.get(position).copied();
                standing.expected_loss = c
                    .expected_loss
                    .as_ref()
                    .and_then(|e| e.get(position).copied());
                standing.gap_to_leader = c.gap.get(position).copied();
                if c.leader == position {
                    leader = Some((bet_id, standing.p_best.unwrap_or(0.0)));
                }
            }
            position += 1;
        }
        out.push(standing);
    }
    let call = match leader {
        Some((bet_id, p)) if p >= input.confidence => RaceCall::Winner { bet_id },
        Some(_) => RaceCall::TooCloseToCall,
        None => RaceCall::NotEnoughData,
    };
    Ok(RaceStandings {
        racers: out,
        compared,
        leader: leader.map(|(id, _)| id),
        call,
        loss_unbounded: comparison
            .as_ref()
            .is_some_and(|c| c.expected_loss.is_none()),
    })
}
