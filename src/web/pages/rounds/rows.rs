//! The rows of a round's page, built from its evaluation without I/O: the totals, one line per
//! bet, the pins, and the policy in words.

use crate::db::rounds::{Round, RoundPin};
use crate::domain::Currency;
use crate::engine::{Decision, Policy};
use crate::services::rounds::{Evaluation, RoundLine};
use crate::web::format;
use crate::web::view::{Change, Chip, change, chip, count, decision_chip, level, measure, p_beat};

pub struct LineRow {
    pub bet_id: i64,
    pub title: String,
    pub team: String,
    pub outcome: Chip,
    pub level: String,
    pub threshold: String,
    pub p_beat: String,
    pub streak: u32,
    pub grant: String,
    pub change: Change,
    pub decision: Chip,
    pub flags: Vec<Chip>,
    pub reasons: Vec<String>,
    pub killed: bool,
}

pub struct PinRow {
    pub bet_id: i64,
    pub title: String,
    pub what: String,
    pub reason: String,
}

pub struct Totals {
    pub evaluated_at: String,
    pub window: String,
    pub granted: String,
    pub reserve: String,
    pub pinned: String,
    pub reports: usize,
    pub killed: usize,
    pub seeded: usize,
    pub funded: String,
    pub adds_up: bool,
}

/// The round's money and counts; none in a view without the portfolio's totals.
pub(super) fn totals(e: &Evaluation, round: &Round, c: &Currency) -> Option<Totals> {
    let m = e.money.as_ref()?;
    let as_of = format::datetime(round.as_of.and_utc());
    Some(Totals {
        evaluated_at: format::datetime(e.evaluated_at),
        window: match e.window_start {
            Some(w) => format!(
                "reports observed after {} up to {as_of}",
                format::datetime(w)
            ),
            None => format!("every report up to {as_of}"),
        },
        granted: c.format(m.total_granted),
        reserve: c.format(m.reserve),
        pinned: c.format(m.pinned_total),
        reports: e.reports_used?,
        killed: e.killed?,
        seeded: e.seeded?,
        funded: count(
            e.results.iter().filter(|l| l.result.grant > 0).count(),
            "bet",
        ),
        adds_up: m.total_granted + m.reserve == e.budget,
    })
}

/// One row per bet; P(beat) is read against the round's `confidence`.
pub(super) fn line_rows(e: &Evaluation, c: &Currency, confidence: f64) -> Vec<LineRow> {
    e.results
        .iter()
        .map(|l| line_row(l, c, confidence))
        .collect()
}

fn line_row(l: &RoundLine, c: &Currency, confidence: f64) -> LineRow {
    let r = &l.result;
    let unit = &l.bet.metric_unit;
    LineRow {
        bet_id: r.bet_id,
        title: l.bet.title.clone(),
        team: l.bet.team_name.clone(),
        outcome: chip(r.outcome.as_str()),
        level: level(r.level, unit),
        threshold: measure(r.threshold, unit),
        p_beat: p_beat(r.p_beat, confidence),
        streak: r.streak,
        grant: c.format_amount(r.grant),
        change: change(c, l.change),
        decision: decision_chip(r.decision, r.kill_waived),
        flags: flags(l),
        reasons: r.reasons.clone(),
        killed: r.decision == Decision::Killed,
    }
}

/// What the evidence checks found about a line's reports.
fn flags(l: &RoundLine) -> Vec<Chip> {
    let mut flags = Vec::new();
    if l.quality.stale {
        flags.push(chip("stale"));
    }
    if !l.quality.outlier_report_ids.is_empty() {
        let mut c = chip("outlier");
        c.text = format!("{} ×{}", c.text, l.quality.outlier_report_ids.len());
        flags.push(c);
    }
    flags
}

/// The pins, only on bets the viewer sees a line for unless they see every team.
pub(super) fn pin_rows(pins: Vec<RoundPin>, titles: &[(i64, String)], c: &Currency) -> Vec<PinRow> {
    pins.into_iter()
        .map(|p| PinRow {
            bet_id: p.bet_id,
            title: titles
                .iter()
                .find(|(id, _)| *id == p.bet_id)
                .map_or(String::new(), |(_, t)| t.clone()),
            what: match (p.pinned_grant, p.waive_kill) {
                (Some(g), true) => format!("grant fixed at {}, kill waived", c.format(g)),
                (Some(g), false) => format!("grant fixed at {}", c.format(g)),
                (None, _) => "kill waived".to_owned(),
            },
            reason: p.reason,
        })
        .collect()
}

/// The policy the round runs under, in one sentence.
pub(super) fn policy_text(policy: &Policy, c: &Currency) -> String {
    let windows = match policy.evidence_windows {
        1 => String::new(),
        k => format!(", judged on the reports of the last {k} windows"),
    };
    format!(
        "confidence {}, at least {} reports, selection pressure {}, progress cap {}, kill after {} misses, exploration {}, max share {}, minimum grant {}{windows}",
        policy.confidence,
        policy.min_reports,
        policy.selection_pressure,
        policy.progress_cap,
        policy.kill_after_misses,
        format::percent(policy.exploration_share),
        format::percent(policy.max_share),
        c.format(policy.min_grant)
    )
}
