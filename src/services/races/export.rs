//! The races as a spreadsheet: one row per racer of every race the reader may read, with its
//! standing as the engine reads it now (or at the finish, once it has passed), its fate and the
//! race's call. A partner's rows name no other team.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{list, standings};
use crate::db::DbConnection;
use crate::domain::{Actor, Currency};
use crate::engine::RaceCall;
use crate::error::AppError;

#[derive(Debug, Serialize, ToSchema)]
pub struct RaceRow {
    pub race_id: i64,
    pub race: String,
    pub arena_id: i64,
    /// `running` or `decided`.
    pub status: String,
    /// `metric` or `progress`.
    pub measure: String,
    pub starts_at: DateTime<Utc>,
    pub finish_at: DateTime<Utc>,
    pub bet_id: i64,
    pub bet: String,
    /// Empty for another team's racer read by a partner.
    pub team: String,
    /// `winner`, `killed`, `merged`, `continues`, `left`, or empty while racing.
    pub fate: String,
    pub reports: u32,
    pub forecast: Option<f64>,
    pub se: Option<f64>,
    pub p_best: Option<f64>,
    pub expected_loss: Option<f64>,
    pub gap_to_leader: Option<f64>,
    /// `winner`, `too_close_to_call` or `not_enough_data`.
    pub call: String,
    pub winner_bet_id: Option<i64>,
    pub prize_minor: Option<i64>,
    pub prize: String,
    pub currency: String,
}

pub fn race_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    currency: &Currency,
    now: DateTime<Utc>,
) -> Result<Vec<RaceRow>, AppError> {
    let mut rows = Vec::new();
    for r in list(conn, actor, None)? {
        let watched = standings::watch(conn, actor, r.race.id, now)?;
        let call = match watched.standings.call {
            RaceCall::Winner { .. } => "winner",
            RaceCall::TooCloseToCall => "too_close_to_call",
            RaceCall::NotEnoughData => "not_enough_data",
        };
        let race = &r.race;
        for s in &watched.standings.racers {
            let label = r.labels.get(&s.bet_id);
            rows.push(RaceRow {
                race_id: race.id,
                race: race.name.clone(),
                arena_id: race.arena_id,
                status: race.status.to_string(),
                measure: race.measure.to_string(),
                starts_at: race.starts_at.and_utc(),
                finish_at: race.finish_at.and_utc(),
                bet_id: s.bet_id,
                bet: label.map_or_else(String::new, |l| l.title.clone()),
                team: label.and_then(|l| l.team.clone()).unwrap_or_default(),
                fate: label
                    .and_then(|l| l.fate)
                    .map_or_else(String::new, |f| f.to_string()),
                reports: s.n,
                forecast: s.forecast,
                se: s.se,
                p_best: s.p_best,
                expected_loss: s.expected_loss,
                gap_to_leader: s.gap_to_leader,
                call: call.to_owned(),
                winner_bet_id: race.winner_bet_id,
                prize_minor: race.prize,
                prize: race
                    .prize
                    .map_or_else(String::new, |p| currency.format_amount(p).replace(',', "")),
                currency: currency.code().to_owned(),
            });
        }
    }
    Ok(rows)
}
