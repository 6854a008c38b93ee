//! The tables of a bet's page, built without I/O: where it stands for the next round, its
//! grants round by round, its thresholds and one page of its reports.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::TABLE_REPORTS;
use crate::db::bets::Threshold;
use crate::db::reports::ReportWithCorrection;
use crate::db::rounds::RoundResultRow;
use crate::domain::Currency;
use crate::engine::Policy;
use crate::services::rounds::projection::Projection;
use crate::web::format;
use crate::web::view::{Change, Chip, change, chip, decision_chip, level, measure, p_beat};

pub struct GrantRow {
    pub round_id: i64,
    pub as_of: String,
    pub outcome: Chip,
    pub p_beat: String,
    pub level: String,
    pub threshold: String,
    pub streak: i32,
    pub grant: String,
    pub change: Change,
    pub decision: Chip,
    pub reasons: Vec<String>,
}

pub struct ThresholdRow {
    pub target: String,
    pub from: String,
    pub in_force: bool,
    pub future: bool,
}

pub struct ReportRow {
    pub id: i64,
    pub value: String,
    pub observed_at: String,
    pub source: String,
    pub supersedes: Option<i64>,
    pub superseded_by: Option<i64>,
}

pub struct Standing {
    pub verdict: Chip,
    pub when: String,
    pub level: String,
    pub threshold: String,
    pub p_beat: String,
    pub margin: String,
    pub margin_class: &'static str,
    pub progress: String,
    pub n: u32,
}

/// One row per committed round the bet took part in, oldest first.
pub(super) fn grant_rows(
    grants: &[(RoundResultRow, NaiveDateTime)],
    confidences: &BTreeMap<i64, f64>,
    c: &Currency,
    unit: &str,
) -> Vec<GrantRow> {
    grants
        .iter()
        .map(|(r, as_of)| GrantRow {
            round_id: r.round_id,
            as_of: format::date(as_of.and_utc()),
            outcome: chip(r.outcome.as_str()),
            p_beat: p_beat(
                r.p_beat,
                confidences
                    .get(&r.round_id)
                    .copied()
                    .unwrap_or(Policy::default().confidence),
            ),
            level: level(r.level, unit),
            threshold: measure(r.threshold, unit),
            streak: r.streak,
            grant: c.format_amount(r.granted),
            change: change(c, r.granted - r.prev_grant),
            decision: decision_chip(r.decision, r.kill_waived),
            reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
        })
        .collect()
}

/// The thresholds, marking the one in force now and those still to come.
pub(super) fn threshold_rows(
    thresholds: &[Threshold],
    unit: &str,
    now: DateTime<Utc>,
) -> Vec<ThresholdRow> {
    let now = now.naive_utc();
    let in_force = thresholds
        .iter()
        .rev()
        .find(|t| t.effective_from <= now)
        .map(|t| t.id);
    thresholds
        .iter()
        .map(|t| ThresholdRow {
            target: format!("{} {unit}", format::full(t.target)),
            from: format::datetime(t.effective_from.and_utc()),
            in_force: Some(t.id) == in_force,
            future: t.effective_from > now,
        })
        .collect()
}

pub(super) fn report_rows(reports: &[ReportWithCorrection]) -> Vec<ReportRow> {
    reports
        .iter()
        .map(|(r, by)| ReportRow {
            id: r.id,
            value: format::full(r.value),
            observed_at: format::datetime(r.observed_at.and_utc()),
            source: r.source.clone().unwrap_or_default(),
            supersedes: r.supersedes,
            superseded_by: *by,
        })
        .collect()
}

/// The pages of the report table; one even when there are no reports.
pub(super) fn pages(reports: i64) -> u32 {
    u32::try_from((reports + i64::from(TABLE_REPORTS) - 1) / i64::from(TABLE_REPORTS))
        .unwrap_or(1)
        .max(1)
}

/// Where an active bet stands, projected to the next round.
pub(super) fn standing(p: &Projection, unit: &str) -> Standing {
    let r = &p.result;
    let margin = p.margin.unwrap_or(0.0);
    Standing {
        verdict: chip(p.verdict()),
        when: format::date(p.next_round_at),
        level: level(r.level, unit),
        threshold: measure(r.threshold, unit),
        p_beat: p_beat(r.p_beat, p.confidence),
        margin: match p.margin {
            Some(m) if m >= 0.0 => format!("{} {unit} past the threshold", format::sig3(m)),
            Some(m) => format!("{} {unit} short of the threshold", format::sig3(-m)),
            None => "no estimate yet".to_owned(),
        },
        margin_class: if p.margin.is_none() {
            ""
        } else if margin >= 0.0 {
            "up"
        } else {
            "down"
        },
        progress: r.progress.map_or(format::MISSING.to_owned(), |q| {
            format!("{}% of the way", format::sig3(q * 100.0))
        }),
        n: r.n,
    }
}
