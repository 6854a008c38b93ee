//! A round's evaluation: the engine's outcome with the committee's context (names, changes,
//! evidence quality). A preview stores one on the draft; a commit stores the final one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use std::collections::BTreeMap;

use super::evidence::{BetLabel, EvidenceQuality, Gathered, SittingOut};
use crate::db::rounds::{Round, RoundPin};
use crate::domain::Actor;
use crate::engine::{BetEvidence, BetResult, EngineError, RoundInput, RoundOutcome, evaluate};
use crate::error::{AppError, ErrorKind};

/// One bet's line in a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundLine {
    #[serde(flatten)]
    pub result: BetResult,
    /// grant - prev_grant.
    pub change: i64,
    pub bet: BetLabel,
    pub quality: EvidenceQuality,
    /// The miss streak the bet brought into the round (its input, beside `prev_grant`); null
    /// only in a draft's preview stored before this field existed (preview it again).
    pub prev_streak: Option<u32>,
    /// Whether the bet had never been funded before the round (its input); null as above.
    pub is_new: Option<bool>,
}

/// Where a round's money went as a whole. Portfolio-wide figures: a partner, who sees only its
/// own team's lines, does not see these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundMoney {
    pub pinned_total: i64,
    /// B' = budget - pinned_total.
    pub available: i64,
    pub exploration_pool: i64,
    pub main_pool: f64,
    pub spilled: f64,
    pub total_granted: i64,
    pub reserve: i64,
}

/// What a round decided (or would decide, for a preview), with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub evaluated_at: DateTime<Utc>,
    /// The window actually used: (window_start, as_of]; null when it reaches back to the first
    /// report (no earlier committed round).
    pub window_start: Option<DateTime<Utc>>,
    pub budget: i64,
    /// The reports of the whole portfolio the round used. Portfolio-wide, so null in a
    /// partner's view, like `max_grant`, `money`, `killed` and `seeded`.
    pub reports_used: Option<usize>,
    /// floor(max_share * budget): the most an unpinned bet can get. Null for a partner.
    pub max_grant: Option<i64>,
    /// The round's totals. Null for a partner.
    pub money: Option<RoundMoney>,
    /// How many bets the round kills, of the whole portfolio. Null for a partner.
    pub killed: Option<usize>,
    /// How many bets the round seeds, of the whole portfolio. Null for a partner.
    pub seeded: Option<usize>,
    pub results: Vec<RoundLine>,
    /// Active bets that take no part in this round, and why.
    #[serde(default)]
    pub sitting_out: Vec<SittingOut>,
}

impl Evaluation {
    /// The round as `actor` may see it: partners only their own team's lines and bets sitting
    /// out, and none of the portfolio-wide totals.
    pub fn for_viewer(mut self, actor: &Actor) -> Self {
        if !actor.reads_all_teams() {
            self.results
                .retain(|l| Some(l.bet.team_id) == actor.team_id);
            self.sitting_out
                .retain(|s| Some(s.bet.team_id) == actor.team_id);
            self.reports_used = None;
            self.max_grant = None;
            self.money = None;
            self.killed = None;
            self.seeded = None;
        }
        self
    }

    /// The evaluation a round stored (its latest preview, or what its commit decided), if any.
    /// A committed round stored before lines carried their input's `prev_streak` and `is_new`
    /// gets them from the engine input it stored, so every committed round answers alike.
    pub fn stored(round: &Round) -> Result<Option<Self>, AppError> {
        let Some(preview) = round.preview.as_deref() else {
            return Ok(None);
        };
        let mut evaluation: Self =
            serde_json::from_str(preview).map_err(|e| AppError::internal(&e))?;
        let incomplete = evaluation
            .results
            .iter()
            .any(|l| l.prev_streak.is_none() || l.is_new.is_none());
        if let (true, Some(input)) = (incomplete, round.engine_input.as_deref()) {
            let input: RoundInput =
                serde_json::from_str(input).map_err(|e| AppError::internal(&e))?;
            evaluation.fill_inputs(&input);
        }
        Ok(Some(evaluation))
    }

    /// Each line's `prev_streak` and `is_new`, from the input the engine ran on.
    fn fill_inputs(&mut self, input: &RoundInput) {
        let bets: BTreeMap<i64, &BetEvidence> = input.bets.iter().map(|b| (b.id, b)).collect();
        for line in &mut self.results {
            if let Some(bet) = bets.get(&line.result.bet_id) {
                line.prev_streak = Some(bet.prev_streak);
                line.is_new = Some(bet.is_new);
            }
        }
    }
}

impl Evaluation {
    /// Whether this evaluation was made with the round's pins as they are now: no pin set
    /// since, every pinned grant in it still pinned at the same amount, and every waived kill
    /// still covered by a pin. A pin changed after a preview makes its figures stale.
    pub fn reflects_pins(&self, pins: &[RoundPin]) -> bool {
        let since = pins
            .iter()
            .any(|p| p.created_at.and_utc() > self.evaluated_at);
        let pin_of = |bet: i64| pins.iter().find(|p| p.bet_id == bet);
        let lines_match = self.results.iter().all(|l| {
            let pin = pin_of(l.result.bet_id);
            let grant_matches = match pin.and_then(|p| p.pinned_grant) {
                Some(g) => l.result.pinned && l.result.grant == g,
                None => !l.result.pinned,
            };
            grant_matches && (!l.result.kill_waived || pin.is_some())
        });
        !since && lines_match
    }
}

/// The pins of a round that `actor` may see: every pin for a reader of the whole portfolio, else
/// only those on the bets of its lines (`evaluation` as [`Evaluation::for_viewer`] left it).
pub fn visible_pins(
    actor: &Actor,
    pins: Vec<RoundPin>,
    evaluation: Option<&Evaluation>,
) -> Vec<RoundPin> {
    if actor.reads_all_teams() {
        return pins;
    }
    let Some(evaluation) = evaluation else {
        return Vec::new();
    };
    pins.into_iter()
        .filter(|p| {
            evaluation
                .results
                .iter()
                .any(|l| l.result.bet_id == p.bet_id)
        })
        .collect()
}

/// Runs the engine on gathered evidence.
pub fn run(gathered: &Gathered, at: DateTime<Utc>) -> Result<(RoundOutcome, Evaluation), AppError> {
    let outcome = evaluate(&gathered.input).map_err(engine_error)?;
    let results = outcome
        .results
        .iter()
        .map(|r| {
            Ok(RoundLine {
                change: r.grant - r.prev_grant,
                bet: gathered
                    .labels
                    .get(&r.bet_id)
                    .cloned()
                    .ok_or_else(|| AppError::internal(&"label missing"))?,
                quality: gathered
                    .quality
                    .get(&r.bet_id)
                    .cloned()
                    .ok_or_else(|| AppError::internal(&"quality missing"))?,
                result: r.clone(),
                prev_streak: None,
                is_new: None,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let count =
        |d: crate::engine::Decision| results.iter().filter(|l| l.result.decision == d).count();
    let mut evaluation = Evaluation {
        evaluated_at: at,
        window_start: gathered.input.window_start,
        reports_used: Some(gathered.report_ids.len()),
        budget: outcome.budget,
        max_grant: Some(outcome.max_grant),
        money: Some(RoundMoney {
            pinned_total: outcome.pinned_total,
            available: outcome.available,
            exploration_pool: outcome.exploration_pool,
            main_pool: outcome.main_pool,
            spilled: outcome.spilled,
            total_granted: outcome.results.iter().map(|r| r.grant).sum(),
            reserve: outcome.reserve,
        }),
        killed: Some(count(crate::engine::Decision::Killed)),
        seeded: Some(count(crate::engine::Decision::Seed)),
        results,
        sitting_out: gathered.sitting_out.clone(),
    };
    evaluation.fill_inputs(&gathered.input);
    Ok((outcome, evaluation))
}

/// An input the engine refuses is the committee's to fix: 422, the policy field named.
pub fn engine_error(e: EngineError) -> AppError {
    match &e {
        EngineError::InvalidPolicy { field, .. } => {
            AppError::invalid(format!("policy.{field}"), e.to_string())
        }
        EngineError::PinsExceedBudget { .. } => {
            AppError::new(ErrorKind::Invalid, "pins_exceed_budget", e.to_string())
        }
        _ => AppError::new(ErrorKind::Invalid, "invalid_round", e.to_string()),
    }
}
