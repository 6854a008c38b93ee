//! The committee's decision panel on a running race: where the race stands for a decision (in
//! plain words: before the finish, too close to call, without a call, or called), the form that
//! decides it (the winner preselected from the call, a fate for every other racer still racing,
//! for a merge the losing team's people to move, the winner's team cap, and a reason that says
//! when it is needed) and, when the race is not ready to decide, the form that moves its finish
//! later. A refused form comes back with what was typed (`market::retry::Retry`).

use std::collections::BTreeMap;

use chrono::TimeDelta;

use super::load::{Loaded, TeamFacts};
use super::time_words::finish_text;
use super::view::call_of;
use crate::engine::RaceCall;
use crate::web::format::datetime;
use crate::web::forms::local_value;
use crate::web::pages::market::retry::Retry;

/// The decision form's name for `Retry`, and the extension's.
pub const DECISION: &str = "decision";
pub const EXTEND: &str = "extend";

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Person {
    /// The checkbox's name (`person_<bet>_<user>`) and its element id.
    pub field: String,
    pub id: String,
    pub name: String,
    pub checked: bool,
}

/// What becomes of one racer if it loses.
pub struct LoserForm {
    pub title: String,
    pub team: String,
    /// `fate_<bet>`.
    pub field: String,
    pub fates: Vec<Choice>,
    pub error: String,
    pub people: Vec<Person>,
}

pub struct Panel {
    /// After the finish with a winner called: the decision needs no reason.
    pub ready: bool,
    /// Where the race stands for a decision, in plain words.
    pub state: String,
    pub winners: Vec<Choice>,
    /// No racer is preselected: the select starts on "Choose the winner".
    pub choose: bool,
    pub winner_error: String,
    pub losers: Vec<LoserForm>,
    pub losers_error: String,
    pub cap: String,
    pub cap_help: String,
    pub cap_error: String,
    pub reason: String,
    pub reason_help: String,
    pub reason_error: String,
    /// Before the finish or without a winner called, a reason is needed whatever is chosen.
    pub reason_required: bool,
    pub extend: String,
    pub extend_help: String,
    pub extend_error: String,
}

const FATES: [(&str, &str); 3] = [
    ("continues", "Continues outside the race"),
    ("killed", "Killed: the bet is closed"),
    (
        "merged",
        "Merged into the winner: closed, its people ticked below move",
    ),
];

/// The panel for a running race, drawn fresh or with what was typed in a refused form.
pub fn build(loaded: &Loaded, teams: &BTreeMap<i64, TeamFacts>, retry: &Retry) -> Panel {
    let race = &loaded.readable.race;
    let finish = race.finish_at.and_utc();
    let before = loaded.now < finish;
    let call = loaded.standings.as_ref().map(|s| s.call);
    let called = match call {
        Some(RaceCall::Winner { bet_id }) => Some(bet_id),
        _ => None,
    };
    let leader = loaded.standings.as_ref().and_then(|s| s.leader);
    let title = |id: i64| {
        loaded
            .readable
            .labels
            .get(&id)
            .map_or_else(|| format!("bet {id}"), |l| l.title.clone())
    };
    let state = state(loaded, before, called);
    let usual = called.or(leader);
    let racing: Vec<i64> = loaded
        .readable
        .racers
        .iter()
        .filter(|r| r.racing)
        .map(|r| r.bet_id)
        .collect();
    let winners = racing
        .iter()
        .map(|id| Choice {
            value: id.to_string(),
            label: title(*id),
            selected: retry.chosen(DECISION, "winner", &id.to_string(), usual == Some(*id)),
        })
        .collect::<Vec<_>>();
    let choose = !winners.iter().any(|c| c.selected);
    let losers = racing
        .iter()
        .map(|id| loser(loaded, teams, retry, *id))
        .collect();
    let caps: Vec<String> = teams
        .values()
        .map(|t| format!("{} has {} of {} places", t.name, t.members, t.cap))
        .collect();
    let reason_help = if before {
        "Needed: the finish has not come.".to_owned()
    } else if let Some(id) = called {
        format!(
            "Needed only to choose another winner than {}, the evidence's call.",
            title(id)
        )
    } else {
        "Needed: the evidence calls no winner.".to_owned()
    };
    let later = finish.max(loaded.now) + TimeDelta::days(14);
    Panel {
        ready: !before && called.is_some(),
        state,
        winners,
        choose,
        winner_error: retry.error(DECISION, "winner").to_owned(),
        losers,
        losers_error: retry.error(DECISION, "losers").to_owned(),
        cap: retry.value(DECISION, "raise_cap_to", "").to_owned(),
        cap_help: format!(
            "Optional, so that the people who move fit the winner's team: {}.",
            caps.join("; ")
        ),
        cap_error: retry.error(DECISION, "raise_cap_to").to_owned(),
        reason: retry.value(DECISION, "reason", "").to_owned(),
        reason_help: format!(
            "A reason is needed before the finish, against the call, or without one. {reason_help} \
             It is shown to everyone who reads the race."
        ),
        reason_error: retry.error(DECISION, "reason").to_owned(),
        reason_required: before || called.is_none(),
        extend: retry
            .value(EXTEND, "finish_at", &local_value(later))
            .to_owned(),
        extend_help: format!(
            "In UTC, after the current finish ({}) and in the future. The reports up to the new \
             finish count.",
            datetime(finish)
        ),
        extend_error: retry.error(EXTEND, "finish_at").to_owned(),
    }
}

/// Where the race stands for a decision, in plain words.
fn state(loaded: &Loaded, before: bool, called: Option<i64>) -> String {
    let finish = loaded.readable.race.finish_at.and_utc();
    let call_words = call_of(loaded);
    match (before, called, &loaded.trouble) {
        (true, _, _) => format!(
            "The race has not finished: it {}. {call_words}. Deciding now needs a written reason; \
             or move the finish.",
            finish_text(finish, loaded.now)
        ),
        (false, _, Some(why)) => format!(
            "The standings cannot be computed ({why}). Extend the finish, or decide anyway with \
             a written reason."
        ),
        (false, Some(_), None) => format!(
            "The race has finished and the evidence calls it: {call_words}. Decide it below; a \
             reason is needed only to choose another winner."
        ),
        (false, None, None) => format!(
            "The race has finished without a call: {call_words}. Extend the finish to gather \
             more evidence, or decide anyway with a written reason."
        ),
    }
}

fn loser(
    loaded: &Loaded,
    teams: &BTreeMap<i64, TeamFacts>,
    retry: &Retry,
    bet_id: i64,
) -> LoserForm {
    let field = format!("fate_{bet_id}");
    let racer = loaded.readable.racers.iter().find(|r| r.bet_id == bet_id);
    let team = racer.and_then(|r| teams.get(&r.team_id));
    let people = team.map_or_else(Vec::new, |t| {
        t.people
            .iter()
            .map(|u| Person {
                field: format!("person_{bet_id}_{}", u.id),
                id: format!("person-{bet_id}-{}", u.id),
                name: format!("{} ({})", u.name, u.role.as_str()),
                checked: retry.chosen(DECISION, &format!("person_{bet_id}_{}", u.id), "on", false),
            })
            .collect()
    });
    LoserForm {
        title: loaded
            .readable
            .labels
            .get(&bet_id)
            .map_or_else(|| format!("bet {bet_id}"), |l| l.title.clone()),
        team: team.map_or_else(String::new, |t| t.name.clone()),
        fates: FATES
            .iter()
            .map(|(value, label)| Choice {
                value: (*value).to_owned(),
                label: (*label).to_owned(),
                selected: retry.chosen(DECISION, &field, value, *value == "continues"),
            })
            .collect(),
        error: retry.error(DECISION, &field).to_owned(),
        field,
        people,
    }
}
