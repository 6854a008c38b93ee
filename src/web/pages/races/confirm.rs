//! The confirmation of a decision that passed its trial: what it will do, in words (the winner
//! and the stage it moves to, each loser's fate and who moves, the cap, the prize and where it
//! is pinned, the reason), the form as typed in hidden fields, and a button that names the
//! decision. Deciding cannot be undone, so it is read before it is made.

use std::collections::BTreeMap;

use super::decide::Reviewed;
use super::load::{Loaded, TeamFacts};
use super::view::{and_list, name_of};
use crate::domain::Currency;
use crate::services::races::decide::LoserFate;

pub struct Confirm {
    pub lines: Vec<String>,
    pub hidden: Vec<Hidden>,
    pub button: String,
}

/// A field of the form as typed, sent again with the button that decides.
pub struct Hidden {
    pub name: String,
    pub value: String,
}

pub fn build(
    reviewed: &Reviewed,
    loaded: &Loaded,
    teams: &BTreeMap<i64, TeamFacts>,
    currency: &Currency,
) -> Confirm {
    let r = &loaded.readable;
    let d = &reviewed.decision;
    let winner = d.winner.unwrap_or_default();
    let title = |id: i64| {
        r.labels
            .get(&id)
            .map_or_else(|| format!("bet {id}"), |l| l.title.clone())
    };
    let team_of = |id: i64| {
        r.racers
            .iter()
            .find(|x| x.bet_id == id)
            .and_then(|x| teams.get(&x.team_id))
    };
    let winner_name = r.labels.get(&winner).map_or_else(|| title(winner), name_of);
    let winner_team = team_of(winner).map_or("the winner's team", |t| t.name.as_str());
    let mut lines = vec![format!(
        "{winner_name} wins and moves to {}.",
        reviewed.stage
    )];
    for loser in &d.losers {
        let name = r
            .labels
            .get(&loser.bet_id)
            .map_or_else(|| title(loser.bet_id), name_of);
        let fate = match loser.fate {
            LoserFate::Kill => "is killed: the bet is closed".to_owned(),
            LoserFate::Continue => "continues outside the race".to_owned(),
            LoserFate::Merge => {
                let people: Vec<String> = team_of(loser.bet_id).map_or_else(Vec::new, |t| {
                    t.people
                        .iter()
                        .filter(|u| loser.people.contains(&u.id))
                        .map(|u| u.name.clone())
                        .collect()
                });
                let who = match people.len() {
                    0 => "nobody moves".to_owned(),
                    1 => format!("{} moves to {winner_team}", and_list(&people)),
                    _ => format!("{} move to {winner_team}", and_list(&people)),
                };
                format!("is merged into {}; {who}", title(winner))
            }
        };
        lines.push(format!("{name} {fate}."));
    }
    if let Some(cap) = d.raise_cap_to {
        lines.push(format!("{winner_team}'s cap rises to {cap} people."));
    }
    if let Some(prize) = r.race.prize {
        let money = currency.format(prize);
        lines.push(match reviewed.prize_round {
            Some(round) => format!("The prize of {money} is pinned on draft round {round}."),
            None => format!("The prize of {money} waits for the next draft round."),
        });
    }
    lines.push(match &d.reason {
        Some(reason) => format!(
            "The reason, for everyone who reads the race: {}",
            reason.as_str()
        ),
        None => "No reason is given: the decision follows the evidence's call.".to_owned(),
    });
    let killed = d
        .losers
        .iter()
        .filter(|l| l.fate == LoserFate::Kill)
        .count();
    let merged = d
        .losers
        .iter()
        .filter(|l| l.fate == LoserFate::Merge)
        .count();
    let mut effects = Vec::new();
    if killed > 0 {
        effects.push(format!("{killed} killed"));
    }
    if merged > 0 {
        effects.push(format!("{merged} merged"));
    }
    let button = if effects.is_empty() {
        format!("Decide: {} wins", title(winner))
    } else {
        format!("Decide: {} wins, {}", title(winner), effects.join(", "))
    };
    Confirm {
        lines,
        hidden: reviewed
            .typed
            .iter()
            .map(|(name, value)| Hidden {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        button,
    }
}
