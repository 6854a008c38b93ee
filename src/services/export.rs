//! Exports a committee takes to a spreadsheet: a round's results, the portfolio, the ledger and
//! the audit log, as CSV or JSON. Money is exact: minor units, and the same amount as a decimal
//! with the currency. A round's rows end with its reserve, so the grant column adds up to the
//! budget.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
// The schema derive describes the JSON export's rows in the API's OpenAPI document.
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::audit::{AuditEntry, AuditFilter};
use crate::db::ledger::{Account, Entry, EntryFilter};
use crate::db::rounds::Round;
use crate::domain::{Actor, BetStatus, Currency, Stage};
use crate::engine::{Decision, Direction};
use crate::error::AppError;
use crate::services::rounds::Evaluation;

/// One row of a round's results (or its closing reserve row).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundRow {
    pub round_id: i64,
    pub as_of: DateTime<Utc>,
    pub bet_id: Option<i64>,
    pub bet: String,
    pub team: String,
    /// The bet's outcome word (`beat`, `miss`, `uncertain`, `insufficient_data`); empty on the
    /// reserve row.
    pub outcome: String,
    pub reports: Option<u32>,
    pub level: Option<f64>,
    pub se: Option<f64>,
    pub threshold: Option<f64>,
    pub p_beat: Option<f64>,
    pub streak: Option<u32>,
    pub progress: Option<f64>,
    pub prev_grant_minor: i64,
    pub grant_minor: i64,
    pub grant: String,
    pub change_minor: i64,
    pub currency: String,
    /// The bet's decision word (`killed`, `pinned`, `seed`, `cut`, `increase`, `decrease`,
    /// `hold`); `reserve` on the reserve row.
    pub decision: String,
    pub reasons: String,
}

/// The results of a round (committed, or the latest preview of a draft), as `actor` may see
/// them: partners only their own team's lines, and no reserve row.
pub fn round_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    currency: &Currency,
) -> Result<Vec<RoundRow>, AppError> {
    let round = Round::find(conn, round_id)?.ok_or_else(|| AppError::not_found("round"))?;
    let evaluation = Evaluation::stored(&round)?
        .ok_or_else(|| {
            AppError::conflict(
                "not_evaluated",
                format!("round {round_id} has not been previewed yet"),
            )
        })?
        // The caller's view: a partner's own lines and no money of the round (so no reserve row).
        .for_viewer(actor);
    let as_of = round.as_of.and_utc();
    let mut rows: Vec<RoundRow> = evaluation
        .results
        .iter()
        .map(|l| {
            let r = &l.result;
            RoundRow {
                round_id,
                as_of,
                bet_id: Some(r.bet_id),
                bet: l.bet.title.clone(),
                team: l.bet.team_name.clone(),
                outcome: r.outcome.as_str().to_owned(),
                reports: Some(r.n),
                level: r.level,
                se: r.se,
                threshold: Some(r.threshold),
                p_beat: r.p_beat,
                streak: Some(r.streak),
                progress: r.progress,
                prev_grant_minor: r.prev_grant,
                grant_minor: r.grant,
                grant: currency.format_amount(r.grant).replace(',', ""),
                change_minor: l.change,
                currency: currency.code().to_owned(),
                decision: r.decision.as_str().to_owned(),
                reasons: r.reasons.join("; "),
            }
        })
        .collect();
    if let Some(money) = &evaluation.money {
        rows.push(RoundRow {
            round_id,
            as_of,
            bet_id: None,
            bet: "(reserve)".to_owned(),
            team: String::new(),
            outcome: String::new(),
            reports: None,
            level: None,
            se: None,
            threshold: None,
            p_beat: None,
            streak: None,
            progress: None,
            prev_grant_minor: 0,
            grant_minor: money.reserve,
            grant: currency.format_amount(money.reserve).replace(',', ""),
            change_minor: 0,
            currency: currency.code().to_owned(),
            decision: "reserve".to_owned(),
            reasons: format!(
                "what no bet could take; grants plus reserve = budget {}",
                currency.format_amount(evaluation.budget)
            ),
        });
    }
    Ok(rows)
}

/// One bet of the portfolio with its latest standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioRow {
    pub bet_id: i64,
    pub slug: String,
    pub title: String,
    pub team: String,
    pub arena: String,
    pub status: BetStatus,
    pub stage: Stage,
    pub metric: String,
    pub unit: String,
    pub direction: Direction,
    pub baseline: f64,
    pub latest_round_id: Option<i64>,
    pub latest_level: Option<f64>,
    pub latest_threshold: Option<f64>,
    pub latest_p_beat: Option<f64>,
    pub latest_decision: Option<Decision>,
    pub latest_grant_minor: Option<i64>,
    pub total_granted_minor: i64,
    pub total_granted: String,
    pub currency: String,
}

pub fn portfolio_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    currency: &Currency,
) -> Result<Vec<PortfolioRow>, AppError> {
    let lines = crate::db::overview::portfolio_lines(conn)?;
    Ok(lines
        .into_iter()
        .filter(|l| actor.reads_all_teams() || Some(l.bet.team_id) == actor.team_id)
        .map(|l| PortfolioRow {
            total_granted: currency.format_amount(l.total_granted).replace(',', ""),
            currency: currency.code().to_owned(),
            bet_id: l.bet.bet_id,
            slug: l.bet.slug,
            title: l.bet.title,
            team: l.bet.team,
            arena: l.bet.arena,
            status: l.bet.status,
            stage: l.bet.stage,
            metric: l.bet.metric,
            unit: l.bet.unit,
            direction: l.bet.direction,
            baseline: l.bet.baseline,
            latest_round_id: l.latest.as_ref().map(|r| r.round_id),
            latest_level: l.latest.as_ref().and_then(|r| r.level),
            latest_threshold: l.latest.as_ref().map(|r| r.threshold),
            latest_p_beat: l.latest.as_ref().and_then(|r| r.p_beat),
            latest_decision: l.latest.as_ref().map(|r| r.decision),
            latest_grant_minor: l.latest.as_ref().map(|r| r.granted),
            total_granted_minor: l.total_granted,
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerRow {
    pub entry_id: i64,
    pub created_at: DateTime<Utc>,
    pub from_account: String,
    pub to_account: String,
    pub amount_minor: i64,
    pub amount: String,
    pub currency: String,
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    pub memo: String,
}

pub fn ledger_rows(
    conn: &mut DbConnection,
    actor: &Actor,
    currency: &Currency,
) -> Result<Vec<LedgerRow>, AppError> {
    let accounts: std::collections::BTreeMap<i64, Account> = Account::list(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut filter = EntryFilter::default();
    if !actor.reads_all_teams() {
        filter.accounts = Some(
            accounts
                .values()
                .filter(|a| a.team_id.is_some() && a.team_id == actor.team_id)
                .map(|a| a.id)
                .collect(),
        );
    }
    let (entries, _) = Entry::page(conn, filter, 0, i64::MAX)?;
    let name = |id: i64| {
        accounts
            .get(&id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    Ok(entries
        .into_iter()
        .map(|e| LedgerRow {
            entry_id: e.id,
            created_at: e.created_at.and_utc(),
            from_account: name(e.from_account),
            to_account: name(e.to_account),
            amount_minor: e.amount,
            amount: currency.format_amount(e.amount).replace(',', ""),
            currency: currency.code().to_owned(),
            round_id: e.round_id,
            bet_id: e.bet_id,
            memo: e.memo,
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub detail: String,
}

pub fn audit_rows(
    conn: &mut DbConnection,
    since: Option<NaiveDateTime>,
    until: Option<NaiveDateTime>,
) -> Result<Vec<AuditRow>, AppError> {
    let filter = AuditFilter {
        since,
        until,
        ..AuditFilter::default()
    };
    let (rows, _) = AuditEntry::page(conn, &filter, 0, i64::MAX)?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|e| AuditRow {
            id: e.id,
            at: e.at.and_utc(),
            actor_id: e.actor_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            detail: e.detail,
        })
        .collect())
}

/// Writes rows as CSV with a header. Every text cell that a spreadsheet would run as a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading
/// `'`, the OWASP rule against CSV injection; numbers, negative ones included, stay as they are.
pub fn to_csv<T: Serialize>(rows: &[T]) -> Result<Vec<u8>, AppError> {
    let failed = |e: csv::Error| AppError::internal(&e);
    // serde writes the header and the cells; a second pass guards each cell as text.
    let mut plain = csv::Writer::from_writer(Vec::new());
    for row in rows {
        plain.serialize(row).map_err(failed)?;
    }
    let plain = plain.into_inner().map_err(|e| AppError::internal(&e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(plain.as_slice());
    let mut guarded = csv::Writer::from_writer(Vec::new());
    for record in reader.records() {
        let record = record.map_err(failed)?;
        guarded
            .write_record(record.iter().map(|cell| guard_cell(cell).into_owned()))
            .map_err(failed)?;
    }
    guarded.into_inner().map_err(|e| AppError::internal(&e))
}

/// A cell as a spreadsheet may safely open it: text that would start a formula gets a `'`.
fn guard_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let is_number = cell.replace(',', "").parse::<f64>().is_ok();
    if starts_formula && !is_number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::{guard_cell, to_csv};

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-1,234.00", "-1,234.00"),
            ("+12,000.00", "+12,000.00"),
            ("-0.5", "-0.5"),
            ("Group stickers", "Group stickers"),
        ] {
            assert_eq!(guard_cell(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn a_csv_keeps_its_header_and_quotes() {
        #[derive(serde::Serialize)]
        struct Row {
            title: &'static str,
            change: i64,
        }
        let csv = to_csv(&[Row {
            title: "=1+1, \"x\"",
            change: -5,
        }])
        .unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "title,change\n\"'=1+1, \"\"x\"\"\",-5\n"
        );
    }
}
