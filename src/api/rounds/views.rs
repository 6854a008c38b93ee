//! What the round routes answer, shaped for the caller: a partner sees only its own team's
//! lines and pins and none of the portfolio's figures.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::utc;
use crate::db;
use crate::db::rounds::{Round, RoundPin};
use crate::domain::{Actor, RoundStatus};
use crate::engine::Policy;
use crate::error::AppError;
use crate::services::rounds::Evaluation;
use crate::services::rounds::evaluation::visible_pins;
use crate::services::rounds::evidence::effective_window_start;
use crate::startup::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PinView {
    pub bet_id: i64,
    /// The grant the committee fixed, in minor units.
    pub grant: Option<i64>,
    pub waive_kill: bool,
    pub reason: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

impl From<RoundPin> for PinView {
    fn from(p: RoundPin) -> Self {
        Self {
            bet_id: p.bet_id,
            grant: p.pinned_grant,
            waive_kill: p.waive_kill,
            reason: p.reason,
            created_by: p.created_by,
            created_at: utc(p.created_at),
        }
    }
}

/// A round: its terms, its pins, and its evaluation (the latest preview of a draft; what a
/// committed round decided).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundView {
    pub id: i64,
    pub status: RoundStatus,
    pub budget: i64,
    pub currency: String,
    pub as_of: DateTime<Utc>,
    /// The exclusive start of the evidence window, (window_start, as_of]: the one the committee
    /// set, else the `as_of` of the latest round committed before this one; null only when no
    /// earlier round bounds it (the window reaches back to the first report).
    pub window_start: Option<DateTime<Utc>>,
    /// Whether the committee set `window_start` (false: it follows the previous round).
    pub window_start_set: bool,
    #[schema(value_type = crate::api::schemas::PolicyView)]
    pub policy: Policy,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub previewed_at: Option<DateTime<Utc>>,
    pub committed_by: Option<i64>,
    pub committed_at: Option<DateTime<Utc>>,
    pub reserve: Option<i64>,
    pub pins: Vec<PinView>,
    pub evaluation: Option<Evaluation>,
}

/// A round in a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundSummary {
    pub id: i64,
    pub status: RoundStatus,
    pub budget: i64,
    pub currency: String,
    pub as_of: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
    /// Budget less reserve, once committed.
    pub granted: Option<i64>,
    pub reserve: Option<i64>,
}

fn policy_of(round: &Round) -> Result<Policy, AppError> {
    serde_json::from_str(&round.policy).map_err(|e| AppError::internal(&e))
}

/// What a round's view is made of, read in one call.
struct Parts {
    round: Round,
    pins: Vec<RoundPin>,
    window_start: Option<chrono::NaiveDateTime>,
    evaluation: Option<Evaluation>,
}

/// A round as `actor` may see it: partners see only their own team's lines and pins.
fn view(actor: &Actor, parts: Parts) -> Result<RoundView, AppError> {
    let Parts {
        round,
        pins,
        window_start,
        evaluation,
    } = parts;
    let evaluation = evaluation.map(|e| e.for_viewer(actor));
    let pins = visible_pins(actor, pins, evaluation.as_ref())
        .into_iter()
        .map(PinView::from)
        .collect();
    Ok(RoundView {
        policy: policy_of(&round)?,
        id: round.id,
        status: round.status,
        budget: round.budget,
        currency: round.currency,
        as_of: utc(round.as_of),
        window_start: window_start.map(utc),
        window_start_set: round.window_start.is_some(),
        created_by: round.created_by,
        created_at: utc(round.created_at),
        previewed_at: round.previewed_at.map(utc),
        committed_by: round.committed_by,
        committed_at: round.committed_at.map(utc),
        reserve: round.reserve.filter(|_| actor.reads_all_teams()),
        pins,
        evaluation,
    })
}

/// Loads a round with its pins and effective window and shapes it for the caller; `fresh` is an
/// evaluation just made (a preview or a commit), else the round's stored one is shown.
pub(super) async fn load_view(
    state: &AppState,
    actor: Actor,
    id: i64,
    fresh: Option<Evaluation>,
) -> Result<RoundView, AppError> {
    db::run(&state.pool, move |conn| {
        let round = Round::find(conn, id)?.ok_or_else(|| AppError::not_found("round"))?;
        let pins = RoundPin::for_round(conn, id)?;
        let window_start = effective_window_start(conn, round.window_start, round.as_of)?;
        let evaluation = match fresh {
            Some(e) => Some(e),
            None => Evaluation::stored(&round)?,
        };
        let parts = Parts {
            round,
            pins,
            window_start,
            evaluation,
        };
        view(&actor, parts)
    })
    .await
}
