//! Gathering a round's evidence from the database: the active bets with the threshold in force
//! at `as_of`, their uncorrected reports in the window, their previous grants and streaks, the
//! committee's pins, and the evidence-quality flags.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::quality::{self, LOOKBACK, STALE_AFTER_DAYS};
use crate::db::DbConnection;
use crate::db::bets::{Bet, Threshold};
use crate::db::reports::EvidencePoint;
use crate::db::rounds::{Round, RoundListing, RoundPin, RoundResultRow};
use crate::domain::Currency;
use crate::domain::approx;
use crate::engine::{BetEvidence, Observation, Pin, Policy, RoundInput, judged_start};
use crate::error::AppError;

/// What the committee sees of a bet beside the engine's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BetLabel {
    pub title: String,
    pub slug: String,
    pub team_id: i64,
    pub team_name: String,
    pub arena_id: i64,
    pub metric_unit: String,
}

/// How good a bet's evidence is. Informs the committee; never changes the computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceQuality {
    /// Uncorrected reports in the round's window.
    pub reports_in_window: u32,
    /// The newest report observed at or before the round's instant.
    pub last_report_at: Option<DateTime<Utc>>,
    /// Days from that report to the round's instant.
    pub days_since_last_report: Option<f64>,
    /// No report in the 14 days before the round's instant.
    pub stale: bool,
    /// Reports in the window whose robust z-score against the bet's previous 20 reports
    /// (median and MAD) is above 5.
    pub outlier_report_ids: Vec<i64>,
}

/// An active bet that takes no part in a round, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SittingOut {
    pub bet_id: i64,
    pub bet: BetLabel,
    pub reason: String,
}

/// A round's evidence, ready for the engine.
#[derive(Debug)]
pub struct Gathered {
    pub input: RoundInput,
    pub labels: BTreeMap<i64, BetLabel>,
    pub quality: BTreeMap<i64, EvidenceQuality>,
    /// Every report the input holds, ascending.
    pub report_ids: Vec<i64>,
    pub sitting_out: Vec<SittingOut>,
}

/// What a round is evaluated on: the terms of a stored round, or of a projection that is never
/// stored (no id, no pins).
#[derive(Debug, Clone)]
pub struct Terms {
    pub round_id: Option<i64>,
    pub budget: i64,
    pub as_of: NaiveDateTime,
    /// The window start the committee set; None takes the previous committed round's `as_of`.
    pub window_start: Option<NaiveDateTime>,
    pub policy: Policy,
    /// The round currency's minor-unit digits, so the reasons quote money as people write it.
    pub money_decimals: u32,
}

impl Terms {
    pub fn of(round: &RoundListing) -> Result<Self, AppError> {
        Ok(Self {
            round_id: Some(round.id),
            budget: round.budget,
            as_of: round.as_of,
            window_start: round.window_start,
            policy: serde_json::from_str(&round.policy).map_err(|e| AppError::internal(&e))?,
            money_decimals: Currency::parse("currency", &round.currency)
                .map_err(|e| AppError::internal(&e.message))?
                .exponent(),
        })
    }
}

/// The start of a round's window: its own, or the previous committed round's `as_of`.
pub fn window_start(conn: &mut DbConnection, terms: &Terms) -> QueryResult<Option<NaiveDateTime>> {
    effective_window_start(conn, terms.window_start, terms.as_of)
}

/// The exclusive start of the window of a round as of `as_of`: the one set, else the `as_of` of
/// the latest round committed before it; None when there is none (the window reaches back to
/// the first report).
pub fn effective_window_start(
    conn: &mut DbConnection,
    set: Option<NaiveDateTime>,
    as_of: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    if set.is_some() {
        return Ok(set);
    }
    Ok(Round::latest_committed(conn, Some(as_of))?.map(|r| r.as_of))
}

/// The starts of the earlier windows a policy judging `k` > 1 windows reads: the `as_of` of
/// the k - 1 latest committed rounds before the window start, newest first; none in v1.
fn earlier_window_starts(
    conn: &mut DbConnection,
    policy: &Policy,
    start: Option<NaiveDateTime>,
) -> QueryResult<Vec<NaiveDateTime>> {
    match start {
        Some(start) if policy.evidence_windows > 1 => {
            Round::committed_as_ofs_before(conn, start, i64::from(policy.evidence_windows - 1))
        }
        _ => Ok(Vec::new()),
    }
}

/// Each bet's reports after the round's own window start, from the judged ones.
fn own_window(
    judged: &HashMap<i64, Vec<EvidencePoint>>,
    start: Option<NaiveDateTime>,
) -> HashMap<i64, Vec<EvidencePoint>> {
    judged
        .iter()
        .map(|(&id, points)| {
            let own = points
                .iter()
                .filter(|p| start.is_none_or(|s| p.observed_at > s))
                .cloned()
                .collect();
            (id, own)
        })
        .collect()
}

/// Gathers the evidence of every active bet, or only of the bets in `only`.
pub fn gather(
    conn: &mut DbConnection,
    terms: &Terms,
    only: Option<&[i64]>,
) -> Result<Gathered, AppError> {
    let as_of = terms.as_of;
    let start = window_start(conn, terms)?;
    let policy = terms.policy.clone();
    let earlier = earlier_window_starts(conn, &policy, start)?;
    let judged = judged_start(policy.evidence_windows, start, &earlier);

    let mut active = Bet::active(conn)?;
    if let Some(only) = only {
        active.retain(|b| only.contains(&b.id));
    }
    let in_force = Threshold::in_force_for_active(conn, as_of)?;
    let standings = RoundResultRow::standings_before(conn, as_of)?;
    let corrected: std::collections::HashSet<i64> = EvidencePoint::corrected_before(conn, as_of)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut window = group_by_bet(
        EvidencePoint::in_window(conn, judged, as_of, only)?
            .into_iter()
            .filter(|p| !corrected.contains(&p.id)),
    );
    // The table scan returns rows in storage order; each bet's evidence reads in time order.
    for points in window.values_mut() {
        points.sort_unstable_by_key(|p| (p.observed_at, p.id));
    }
    let history = match start {
        Some(start) => group_by_bet(EvidencePoint::history_before(conn, start, LOOKBACK, only)?),
        None => HashMap::new(),
    };

    let mut input_bets = Vec::with_capacity(active.len());
    let mut labels = BTreeMap::new();
    let mut report_ids = Vec::new();
    let mut sitting_out = Vec::new();
    for bet in active {
        let id = bet.id;
        let label = BetLabel {
            title: bet.title,
            slug: bet.slug,
            team_id: bet.team_id,
            team_name: bet.team_name,
            arena_id: bet.arena_id,
            metric_unit: bet.metric_unit,
        };
        // A bet whose first threshold starts after `as_of` sits this round out.
        let Some(&threshold) = in_force.get(&id) else {
            sitting_out.push(SittingOut {
                bet_id: id,
                bet: label,
                reason: "no threshold in force at the round's as_of".to_owned(),
            });
            continue;
        };
        let standing = standings.get(&id).copied().unwrap_or_default();
        let points = window.get(&id).map(Vec::as_slice).unwrap_or_default();
        report_ids.extend(points.iter().map(|p| p.id));
        input_bets.push(BetEvidence {
            id,
            direction: bet.direction,
            baseline: bet.baseline,
            threshold,
            prev_grant: standing.prev_grant,
            prev_streak: u32::try_from(standing.streak).unwrap_or(0),
            is_new: !standing.ever_funded,
            seed_request: bet.seed_request,
            observations: points
                .iter()
                .map(|p| Observation {
                    at: p.observed_at.and_utc(),
                    value: p.value,
                })
                .collect(),
        });
        labels.insert(id, label);
    }
    // Evidence quality speaks of the round's own window, however far back the judging reads.
    let quality = if judged == start {
        assess_all(&input_bets, &window, &history, as_of)
    } else {
        assess_all(&input_bets, &own_window(&window, start), &history, as_of)
    };
    report_ids.sort_unstable();
    let pins = pins_of(conn, terms, &input_bets)?;
    Ok(Gathered {
        input: RoundInput {
            budget: terms.budget,
            as_of: as_of.and_utc(),
            window_start: start.map(|s| s.and_utc()),
            policy,
            earlier_window_starts: earlier.iter().map(|t| t.and_utc()).collect(),
            bets: input_bets,
            pins,
            money_decimals: terms.money_decimals,
        },
        labels,
        quality,
        report_ids,
        sitting_out,
    })
}

/// The round's pins on the bets taking part: a pin on a bet that left the round meanwhile
/// (killed, closed) no longer applies. A projection has no pins.
fn pins_of(
    conn: &mut DbConnection,
    terms: &Terms,
    taking_part: &[BetEvidence],
) -> Result<Vec<Pin>, AppError> {
    let Some(round_id) = terms.round_id else {
        return Ok(Vec::new());
    };
    let taking_part: std::collections::BTreeSet<i64> = taking_part.iter().map(|b| b.id).collect();
    Ok(RoundPin::for_round(conn, round_id)?
        .into_iter()
        .filter(|p| taking_part.contains(&p.bet_id))
        .map(|p| Pin {
            bet_id: p.bet_id,
            grant: p.pinned_grant,
            waive_kill: p.waive_kill,
            reason: p.reason,
        })
        .collect())
}

/// Points by bet. A hash map: it is only looked up by bet id, never iterated in an order that
/// could reach the computation.
fn group_by_bet(
    points: impl IntoIterator<Item = EvidencePoint>,
) -> HashMap<i64, Vec<EvidencePoint>> {
    let mut grouped: HashMap<i64, Vec<EvidencePoint>> = HashMap::new();
    for p in points {
        grouped.entry(p.bet_id).or_default().push(p);
    }
    grouped
}

/// Evidence quality of every bet, on as many threads as there are cores: the outlier check
/// reads every report against its predecessors, the longest part of gathering after the scan.
fn assess_all(
    bets: &[BetEvidence],
    window: &HashMap<i64, Vec<EvidencePoint>>,
    history: &HashMap<i64, Vec<EvidencePoint>>,
    as_of: NaiveDateTime,
) -> BTreeMap<i64, EvidenceQuality> {
    let ids: Vec<i64> = bets.iter().map(|b| b.id).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let chunk = ids.len().div_ceil(threads).max(1);
    let one = |id: &i64| {
        let points = window.get(id).map(Vec::as_slice).unwrap_or_default();
        let before = history.get(id).map(Vec::as_slice).unwrap_or_default();
        (*id, assess(points, before, as_of))
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = ids
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            // A worker that panicked has a bug to surface, not bets to leave unassessed.
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Staleness and outliers of one bet: `window` and `before` in time order.
fn assess(
    window: &[EvidencePoint],
    before: &[EvidencePoint],
    as_of: NaiveDateTime,
) -> EvidenceQuality {
    let last = window.last().or(before.last()).map(|p| p.observed_at);
    let days = last.map(|t| approx::days(as_of - t));
    let values: Vec<f64> = before.iter().chain(window).map(|p| p.value).collect();
    let outliers = quality::outliers(&values, before.len())
        .into_iter()
        .filter_map(|i| {
            values
                .get(i)
                .and(window.get(i - before.len()))
                .map(|p| p.id)
        })
        .collect();
    EvidenceQuality {
        reports_in_window: u32::try_from(window.len()).unwrap_or(u32::MAX),
        last_report_at: last.map(|t| t.and_utc()),
        days_since_last_report: days,
        stale: days.is_none_or(|d| d > STALE_AFTER_DAYS),
        outlier_report_ids: outliers,
    }
}
