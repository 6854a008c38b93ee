//! The policy a new draft starts from, and where it comes from: the portfolio's default policy
//! when one was adopted after the last committed round, else the last committed round's policy,
//! else (no round committed yet) the engine's defaults. The pages' create form fills its fields
//! from it and marks what differs; the API keeps its documented defaults (`docs/engine.md`).

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::DbConnection;
use crate::db::policy_adoptions::PolicyAdoption;
use crate::db::rounds::{Round, RoundListing};
use crate::engine::Policy;
use crate::error::AppError;

/// Where a starting policy comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicySource {
    /// The policy of this committed round.
    Round { id: i64 },
    /// The portfolio's default policy, adopted at this instant.
    Adopted { at: DateTime<Utc> },
    /// No round is committed and nothing was adopted: the engine's defaults.
    Engine,
}

/// A policy adopted as the portfolio's default for new drafts.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptedPolicy {
    pub policy: Policy,
    pub adopted_at: DateTime<Utc>,
}

/// The policy a new draft starts from, with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct StartingPolicy {
    pub policy: Policy,
    pub source: PolicySource,
}

/// The policy a draft as of `before` starts from (the latest committed round before it; any
/// committed round when `before` is None, as for a new draft).
pub fn starting_policy(
    conn: &mut DbConnection,
    before: Option<NaiveDateTime>,
) -> Result<StartingPolicy, AppError> {
    let last = Round::latest_committed(conn, before)?;
    let last = match last {
        Some(round) => {
            let policy: Policy =
                serde_json::from_str(&round.policy).map_err(|e| AppError::internal(&e))?;
            Some((round, policy))
        }
        None => None,
    };
    let adopted = match PolicyAdoption::latest(conn)? {
        Some(a) => Some(AdoptedPolicy {
            policy: serde_json::from_str(&a.policy).map_err(|e| AppError::internal(&e))?,
            adopted_at: a.adopted_at.and_utc(),
        }),
        None => None,
    };
    Ok(choose(last.as_ref().map(|(r, p)| (r, p)), adopted.as_ref()))
}

/// The rule, without I/O: an adoption later than the last commit wins; else the last committed
/// round; else an adoption with no round committed; else the engine's defaults.
pub fn choose(
    last: Option<(&RoundListing, &Policy)>,
    adopted: Option<&AdoptedPolicy>,
) -> StartingPolicy {
    let adopted_later = |a: &AdoptedPolicy, round: &RoundListing| {
        round
            .committed_at
            .is_none_or(|committed| a.adopted_at > committed.and_utc())
    };
    match (last, adopted) {
        (Some((round, _)), Some(a)) if adopted_later(a, round) => StartingPolicy {
            policy: a.policy.clone(),
            source: PolicySource::Adopted { at: a.adopted_at },
        },
        (Some((round, policy)), _) => StartingPolicy {
            policy: policy.clone(),
            source: PolicySource::Round { id: round.id },
        },
        (None, Some(a)) => StartingPolicy {
            policy: a.policy.clone(),
            source: PolicySource::Adopted { at: a.adopted_at },
        },
        (None, None) => StartingPolicy {
            policy: Policy::default(),
            source: PolicySource::Engine,
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::RoundStatus;

    fn round(id: i64, committed: DateTime<Utc>, min_grant: i64) -> (RoundListing, Policy) {
        let policy = Policy {
            min_grant,
            ..Policy::default()
        };
        let listing = RoundListing {
            id,
            budget: 1,
            currency: "USD".into(),
            as_of: committed.naive_utc(),
            window_start: None,
            policy: serde_json::to_string(&policy).unwrap(),
            status: RoundStatus::Committed,
            committed_at: Some(committed.naive_utc()),
            reserve: Some(0),
        };
        (listing, policy)
    }

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn the_last_committed_round_keeps_its_minimum_grant() {
        let (r, p) = round(4, day(10), 500_000);
        let start = choose(Some((&r, &p)), None);
        assert_eq!(start.policy.min_grant, 500_000);
        assert_eq!(start.source, PolicySource::Round { id: 4 });
    }

    #[test]
    fn a_default_adopted_after_the_last_commit_wins_and_an_older_one_does_not() {
        let (r, p) = round(4, day(10), 500_000);
        let adopted = |at| AdoptedPolicy {
            policy: Policy {
                min_grant: 100,
                ..Policy::default()
            },
            adopted_at: at,
        };
        let later = adopted(day(12));
        let start = choose(Some((&r, &p)), Some(&later));
        assert_eq!(start.policy.min_grant, 100);
        assert_eq!(start.source, PolicySource::Adopted { at: day(12) });
        let earlier = adopted(day(8));
        assert_eq!(
            choose(Some((&r, &p)), Some(&earlier)).source,
            PolicySource::Round { id: 4 }
        );
        assert_eq!(
            choose(None, Some(&earlier)).source,
            PolicySource::Adopted { at: day(8) }
        );
    }

    #[test]
    fn without_history_the_engine_defaults() {
        let start = choose(None, None);
        assert_eq!(start.policy, Policy::default());
        assert_eq!(start.source, PolicySource::Engine);
    }
}
