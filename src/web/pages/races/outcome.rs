//! A decided race's outcome in words: who decided and when, the winner and the stage it moved
//! to, each other racer's fate (a merge with the people who moved to the winner's team; a
//! partner reads the people of other teams as a count), the reason when one was written, and
//! the prize with where it stands (pinned on a draft round, or waiting for the next one).

use super::load::{Decision, Loaded};
use super::view::{and_list, name_of};
use crate::domain::{Currency, RacerFate};
use crate::web::format::{count, datetime};

pub struct Outcome {
    /// "Decided 2027-01-16 14:05 UTC by ava."
    pub decided: String,
    pub winner: Option<String>,
    pub losers: Vec<String>,
    pub reason: Option<String>,
    pub prize: Option<String>,
}

pub fn build(loaded: &Loaded, decision: &Decision, currency: &Currency) -> Outcome {
    let r = &loaded.readable;
    let race = &r.race;
    let decided = format!(
        "Decided {}{}.",
        race.decided_at
            .map_or_else(String::new, |at| datetime(at.and_utc())),
        decision
            .by
            .as_deref()
            .map_or_else(String::new, |by| format!(" by {by}"))
    );
    let winner_label = race.winner_bet_id.and_then(|id| r.labels.get(&id));
    let winner = winner_label.map(|l| {
        let stage = loaded
            .bets
            .get(&l.bet_id)
            .map_or_else(String::new, |b| format!(" and moved to {}", b.stage));
        format!("{} won{stage}.", name_of(l))
    });
    let winner_title = winner_label.map_or("the winner", |l| l.title.as_str());
    let winner_team = winner_label
        .and_then(|l| l.team.as_deref())
        .unwrap_or("the winner's team");
    let losers = r
        .labels
        .values()
        .filter(|l| Some(l.bet_id) != race.winner_bet_id)
        .map(|l| {
            let fate = match l.fate {
                Some(RacerFate::Killed) => "killed".to_owned(),
                Some(RacerFate::Merged) => {
                    let moved = decision.moved.get(&l.bet_id).cloned().unwrap_or_default();
                    let who = match (moved.len(), l.team.is_some()) {
                        (0, _) => "nobody moved".to_owned(),
                        (n, false) => {
                            format!("{} moved to {winner_team}", count(n, "person", "people"))
                        }
                        (_, true) => format!("{} moved to {winner_team}", and_list(&moved)),
                    };
                    format!("merged into {winner_title}; {who}")
                }
                Some(RacerFate::Continues) => "continues outside the race".to_owned(),
                Some(RacerFate::Left) => "left the race (closed) before the decision".to_owned(),
                Some(RacerFate::Winner) | None => "still racing".to_owned(),
            };
            format!("{}: {fate}.", name_of(l))
        })
        .collect();
    let prize = race.prize.map(|p| {
        let money = currency.format(p);
        match decision.prize_round {
            Some((round, false)) => format!("Prize: {money}, pinned on draft round {round}."),
            Some((round, true)) => {
                format!("Prize: {money}, pinned on round {round}, since committed.")
            }
            None if race.winner_bet_id.is_some() => {
                format!("Prize: {money}; it waits for the next draft round.")
            }
            None => format!("Prize: {money}, not awarded."),
        }
    });
    Outcome {
        decided,
        winner,
        losers,
        reason: race.decision_reason.clone(),
        prize,
    }
}
