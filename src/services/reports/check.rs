//! One row's judgement: whether it repeats a stored report, and whether the actor may store it
//! (the bet exists and is visible, is the actor's team's, is open; a corrected report exists and
//! was not corrected before).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::plan::Corrected;
use super::{ReportDraft, Subject};
use crate::db::bets::BetGate;
use crate::db::reports::{NewReport, Report};
use crate::domain::{Actor, ObservedAt, SourceNote};
use crate::error::{AppError, ErrorKind};

/// The stored report a draft repeats (same bet, key and content), if the actor may write it.
pub(super) fn replay_of<'a>(
    actor: &Actor,
    draft: &ReportDraft,
    corrected: &Corrected,
    bets: &BTreeMap<i64, BetGate>,
    keyed: &'a BTreeMap<(i64, String), Report>,
) -> Option<&'a Report> {
    let key = draft.idempotency_key.as_ref()?;
    let bet_id = match draft.subject {
        Subject::Bet(id) => id,
        Subject::Correction(id) => corrected.get(&id)?.0.bet_id,
    };
    if !actor.can_write_team(bets.get(&bet_id)?.team_id) {
        return None;
    }
    let stored = keyed.get(&(bet_id, key.as_str().to_owned()))?;
    (stored.request_digest.as_deref() == Some(draft.digest().as_str())).then_some(stored)
}

/// One row's checks: the bet exists and is visible, the actor may write to it, it is open, and
/// a corrected report exists and was not corrected before.
pub(super) fn check(
    actor: &Actor,
    draft: &ReportDraft,
    corrected: &Corrected,
    bets: &BTreeMap<i64, BetGate>,
    now: DateTime<Utc>,
) -> Result<NewReport, AppError> {
    let (bet_id, default_at, correcting) = match draft.subject {
        Subject::Bet(id) => (id, now, None),
        Subject::Correction(id) => {
            let (old, superseded_by) = corrected
                .get(&id)
                .ok_or_else(|| AppError::not_found(&format!("report {id}")))?;
            (
                old.bet_id,
                old.observed_at.and_utc(),
                Some((id, *superseded_by)),
            )
        }
    };
    let bet = bets
        .get(&bet_id)
        .filter(|b| actor.can_read_team(b.team_id))
        .ok_or_else(|| match draft.subject {
            // Another team's report does not exist for someone who cannot see that team.
            Subject::Correction(id) => AppError::not_found(&format!("report {id}")),
            Subject::Bet(_) => AppError::not_found(&format!("bet {bet_id}")).with_field("bet_id"),
        })?;
    if !actor.can_write_team(bet.team_id) {
        return Err(AppError::forbidden(format!(
            "bet {bet_id} belongs to another team; you may report only on your own team's bets"
        )));
    }
    let status = bet.status;
    if status.is_closed() {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "bet_closed",
            format!("bet {bet_id} is {status}; it takes no more reports"),
        ));
    }
    if let Some((id, Some(newer))) = correcting {
        return Err(AppError::conflict(
            "already_corrected",
            format!(
                "report {id} was already corrected by report {newer}; correct that one instead"
            ),
        ));
    }
    Ok(NewReport {
        bet_id,
        value: draft.value,
        observed_at: draft
            .observed_at
            .map_or(default_at, ObservedAt::get)
            .naive_utc()
            .into(),
        reported_by: actor.user_id,
        received_at: now.naive_utc().into(),
        source: draft.source.clone().map(SourceNote::into_inner),
        idempotency_key: draft
            .idempotency_key
            .as_ref()
            .map(|k| k.as_str().to_owned()),
        request_digest: draft.idempotency_key.as_ref().map(|_| draft.digest()),
        supersedes: correcting.map(|(id, _)| id),
    })
}
