//! Races over HTTP: `POST /races` and `GET /races` (`declare`), `GET /races/{id}` with its
//! standings (`show`), and `POST /races/{id}/extend` and `POST /races/{id}/decision`
//! (`decide`), and `GET /exports/races.{csv,json}` (`export`). The committee declares and decides; execs read every race; members and
//! partners read the races their team is in (a partner sees other racers without their team).

pub mod decide;
pub mod declare;
pub mod export;
pub mod show;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::utc;
use crate::engine::{RaceCall, RaceStandings};
use crate::services::races::standings::StandingView;
use crate::services::races::{RacerLabel, Readable};

/// A race, without its standings.
#[derive(Debug, Serialize, ToSchema)]
pub struct RaceView {
    pub id: i64,
    pub arena_id: i64,
    pub name: String,
    /// `metric` (the racers' common metric) or `progress` (each toward its own threshold).
    pub measure: String,
    pub metric_name: Option<String>,
    pub metric_unit: Option<String>,
    /// `higher_is_better` or `lower_is_better` for a metric race.
    pub direction: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub finish_at: DateTime<Utc>,
    /// The P(best) at which the leader is called the winner.
    pub confidence: f64,
    pub min_reports: i32,
    /// In minor units: pinned for the winner on the next draft round.
    pub prize: Option<i64>,
    /// `none`, `waiting` (decided, no draft round yet) or `pinned` (on `prize_round_id`).
    pub prize_state: &'static str,
    pub prize_round_id: Option<i64>,
    /// `running` or `decided`.
    pub status: String,
    pub winner_bet_id: Option<i64>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub racers: Vec<RacerLabel>,
}

impl From<&Readable> for RaceView {
    fn from(r: &Readable) -> Self {
        let race = &r.race;
        let prize_state = match (race.prize, race.winner_bet_id, race.prize_round_id) {
            (None, _, _) | (_, None, _) => "none",
            (Some(_), Some(_), None) => "waiting",
            (Some(_), Some(_), Some(_)) => "pinned",
        };
        RaceView {
            id: race.id,
            arena_id: race.arena_id,
            name: race.name.clone(),
            measure: race.measure.to_string(),
            metric_name: race.metric_name.clone(),
            metric_unit: race.metric_unit.clone(),
            direction: race.direction.clone(),
            starts_at: utc(race.starts_at),
            finish_at: utc(race.finish_at),
            confidence: race.confidence,
            min_reports: race.min_reports,
            prize: race.prize,
            prize_state,
            prize_round_id: race.prize_round_id,
            status: race.status.to_string(),
            winner_bet_id: race.winner_bet_id,
            decision_reason: race.decision_reason.clone(),
            decided_at: race.decided_at.map(utc),
            racers: r.labels.values().cloned().collect(),
        }
    }
}

/// Where a race stands: every compared racer's forecast at the finish, P(best), expected loss
/// and gap to the leader, and the call.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandingsView {
    /// The reports read reach up to here: now, or the finish once it has passed.
    pub evidence_until: DateTime<Utc>,
    /// Racers with enough reports to be compared.
    pub compared: u32,
    pub leader: Option<i64>,
    /// `winner` (the leader's P(best) reaches the race's confidence), `too_close_to_call` or
    /// `not_enough_data` (fewer than two racers compared).
    pub call: &'static str,
    pub winner_bet_id: Option<i64>,
    /// True when a compared racer rests on too few reports for an expected loss to exist.
    pub loss_unbounded: bool,
    pub racers: Vec<StandingView>,
}

impl StandingsView {
    pub fn of(s: &RaceStandings, evidence_until: DateTime<Utc>) -> Self {
        let (call, winner_bet_id) = match s.call {
            RaceCall::Winner { bet_id } => ("winner", Some(bet_id)),
            RaceCall::TooCloseToCall => ("too_close_to_call", None),
            RaceCall::NotEnoughData => ("not_enough_data", None),
        };
        StandingsView {
            evidence_until,
            compared: s.compared,
            leader: s.leader,
            call,
            winner_bet_id,
            loss_unbounded: s.loss_unbounded,
            racers: s.racers.iter().map(StandingView::of).collect(),
        }
    }
}

/// A race with its standings.
#[derive(Debug, Serialize, ToSchema)]
pub struct RaceDetail {
    #[serde(flatten)]
    pub race: RaceView,
    pub standings: StandingsView,
}
