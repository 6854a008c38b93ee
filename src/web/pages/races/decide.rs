//! `POST /races/{id}/decision` (committee): the decision form, in two steps, like a round's
//! commit. "Review the decision" (`step=review`) tries the decision in a transaction that is
//! always rolled back, so every check of the service runs and nothing is written, and draws the
//! race page with what the decision would do and a button that makes it (`step=decide`), which
//! decides the race for good and goes to the race page with its notice. Either step refused
//! draws the page again with what was typed and the field at fault marked.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};

use super::panel::DECISION;
use super::time_words::hold_instants;
use super::{Draw, render};
use crate::db::bets::Bet;
use crate::db::{self, DbConnection, write_transaction};
use crate::domain::{Actor, Reason, Stage};
use crate::error::AppError;
use crate::services::races::decide::{self as service, Decision, Loser, LoserFate};
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::pages::market::retry::{Refused, Retry};
use crate::web::see_other;
use crate::web::session::Viewer;

/// A decision that passed its trial: what it would do that the form does not say.
pub struct Reviewed {
    pub decision: Decision,
    /// The stage the winner would move to.
    pub stage: Stage,
    /// The draft round the prize would be pinned on (none: it would wait, or there is none).
    pub prize_round: Option<i64>,
    /// The form as typed, to send again with the button that decides.
    pub typed: BTreeMap<String, String>,
}

/// The decision as typed: every `fate_<bet>` but the winner's is a loser, with the people
/// ticked for it (`person_<bet>_<user>`).
pub fn parse(typed: &BTreeMap<String, String>) -> Result<Decision, Refused> {
    let winner = typed
        .get("winner")
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .ok_or_else(|| Refused::field("winner", "choose the winner"))?
        .parse::<i64>()
        .map_err(|_| Refused::field("winner", "is not one of the racers"))?;
    let mut losers = Vec::new();
    for (key, value) in typed {
        let Some(bet) = key.strip_prefix("fate_") else {
            continue;
        };
        let bet: i64 = bet
            .parse()
            .map_err(|_| Refused::field(key, "is not one of the racers"))?;
        if bet == winner {
            continue;
        }
        let fate = match value.as_str() {
            "killed" => LoserFate::Kill,
            "merged" => LoserFate::Merge,
            "continues" => LoserFate::Continue,
            _ => return Err(Refused::field(key, "choose killed, merged or continues")),
        };
        let prefix = format!("person_{bet}_");
        let people: Vec<i64> = typed
            .iter()
            .filter(|(_, v)| v.as_str() == "on")
            .filter_map(|(k, _)| k.strip_prefix(&prefix)?.parse().ok())
            .collect();
        if fate != LoserFate::Merge && !people.is_empty() {
            return Err(Refused::field(
                key,
                "only a merge moves people: choose merged, or untick them",
            ));
        }
        losers.push(Loser {
            bet_id: bet,
            fate,
            people,
        });
    }
    let cap = typed.get("raise_cap_to").map_or("", |c| c.trim());
    let raise_cap_to = if cap.is_empty() {
        None
    } else {
        let digits: String = cap.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
        Some(digits.parse::<i32>().map_err(|_| {
            Refused::field("raise_cap_to", "must be a whole number of people, like 12")
        })?)
    };
    let reason = match typed.get("reason").map_or("", |r| r.trim()) {
        "" => None,
        r => Some(Reason::parse("reason", r).map_err(|e| Refused::field("reason", e.message))?),
    };
    Ok(Decision {
        winner: Some(winner),
        reason,
        losers,
        raise_cap_to,
    })
}

/// A trial's end: passed (and rolled back), or refused.
enum Trial {
    Passed(Stage, Option<i64>),
    Refused(AppError),
}

impl From<diesel::result::Error> for Trial {
    fn from(e: diesel::result::Error) -> Self {
        Trial::Refused(e.into())
    }
}

/// Decides the race inside a transaction that is then rolled back: the service's own checks
/// decide whether it would pass, and what it would do is read before the rollback.
fn trial(
    conn: &mut DbConnection,
    actor: &Actor,
    (id, decision): (i64, &Decision),
    now: DateTime<Utc>,
) -> Result<(Stage, Option<i64>), AppError> {
    let tried = write_transaction(conn, |conn| -> Result<(), Trial> {
        let race = service::decide(conn, actor, id, decision, now).map_err(Trial::Refused)?;
        let winner = race
            .winner_bet_id
            .and_then(|w| Bet::find(conn, w).transpose());
        let stage = match winner {
            Some(bet) => bet?.stage,
            None => return Err(Trial::Refused(AppError::not_found("bet"))),
        };
        Err(Trial::Passed(stage, race.prize_round_id))
    });
    match tried {
        Err(Trial::Passed(stage, round)) => Ok((stage, round)),
        Err(Trial::Refused(e)) => Err(e),
        Ok(()) => Err(AppError::internal(
            &"a decision's trial was not rolled back",
        )),
    }
}

#[post("/races/{id}/decision")]
pub async fn decide_race(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let mut typed = form.into_inner();
    viewer.check_csrf(typed.get("csrf").map_or("", String::as_str))?;
    if !viewer.is_committee() {
        return Err(WebError::forbidden(
            "only the portfolio committee decides races",
        ));
    }
    typed.remove("csrf");
    let review = typed.remove("step").as_deref() != Some("decide");
    let acted = match parse(&typed) {
        Ok(decision) => act(&state, &viewer, id, decision, review).await,
        Err(refused) => Err(refused),
    };
    match acted {
        Ok(None) => Ok(see_other(format!("/races/{id}?notice=race-decided"))),
        Ok(Some((decision, stage, prize_round))) => {
            let reviewed = Reviewed {
                decision,
                stage,
                prize_round,
                typed,
            };
            let draw = Draw {
                reviewed: Some(reviewed),
                ..Draw::new(StatusCode::OK)
            };
            render(&state, &viewer, id, draw).await
        }
        Err(refused) if refused.is_the_forms() => {
            let draw = Draw::refused(DECISION, &typed, refused);
            render(&state, &viewer, id, draw).await
        }
        Err(refused) => Err(refused.into()),
    }
}

/// What the committee's decision leads to: for a review, the decision with what it would do;
/// for the decision itself, nothing more than that it was made.
type Acted = Option<(Decision, Stage, Option<i64>)>;

async fn act(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    decision: Decision,
    review: bool,
) -> Result<Acted, Refused> {
    let actor = viewer.actor.clone();
    let now = state.clock.now();
    let acted = db::run(&state.pool, move |conn| {
        if review {
            let (stage, round) = trial(conn, &actor, (id, &decision), now)?;
            Ok::<_, AppError>(Some((decision, stage, round)))
        } else {
            service::decide(conn, &actor, id, &decision, now)?;
            Ok(None)
        }
    })
    .await?;
    Ok(acted)
}

impl Draw {
    /// A form of the race page that did not act, drawn again as typed.
    pub fn refused(form: &str, typed: &BTreeMap<String, String>, why: Refused) -> Draw {
        let why = Refused {
            message: hold_instants(&why.message),
            ..why
        };
        let status = why.status;
        let summary = (form.to_owned(), why.field.clone(), why.message.clone());
        Draw {
            retry: Retry::of(form.to_owned(), typed, why),
            why: Some(summary),
            ..Draw::new(status)
        }
    }
}
