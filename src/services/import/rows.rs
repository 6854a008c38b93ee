//! A CSV file's rows as the import reads them: which column holds what (from the header row),
//! and each record as a report draft, or why it is not one.

use chrono::{DateTime, Utc};

use crate::domain::{
    DomainError, IdempotencyKey, ObservedAt, SourceNote, is_slug, metric_value, time,
};
use crate::error::AppError;
use crate::services::reports::{ReportDraft, Subject};

/// The columns of the file, by position.
pub(super) struct Columns {
    bet: usize,
    value: usize,
    observed_at: usize,
    source: Option<usize>,
    key: Option<usize>,
}

pub(super) fn columns(headers: &csv::StringRecord) -> Result<Columns, AppError> {
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()))
    };
    for h in headers {
        let name = h.trim().to_ascii_lowercase();
        if ![
            "bet_id",
            "bet",
            "bet_slug",
            "value",
            "observed_at",
            "source",
            "idempotency_key",
        ]
        .contains(&name.as_str())
        {
            return Err(AppError::invalid(
                "header",
                format!(
                    "unknown column {h:?}; the columns are bet_id (or bet), value, observed_at, source, idempotency_key"
                ),
            ));
        }
    }
    let need = |names: &[&str], what: &str| {
        find(names)
            .ok_or_else(|| AppError::invalid("header", format!("the file has no {what} column")))
    };
    Ok(Columns {
        bet: need(&["bet_id", "bet", "bet_slug"], "bet_id (or bet)")?,
        value: need(&["value"], "value")?,
        observed_at: need(&["observed_at"], "observed_at")?,
        source: find(&["source"]),
        key: find(&["idempotency_key"]),
    })
}

/// How a row names its bet: by id, or by slug (resolved by the caller).
pub(super) enum BetRef {
    Id(i64),
    Slug(String),
}

/// One CSV record as a draft, or why not.
pub(super) fn parse_record(
    record: &csv::StringRecord,
    cols: &Columns,
    now: DateTime<Utc>,
) -> Result<(BetRef, ReportDraft), DomainError> {
    let cell = |i: usize| record.get(i).unwrap_or("").trim();
    let bet_text = cell(cols.bet);
    let bet = match bet_text.parse::<i64>() {
        Ok(id) => BetRef::Id(id),
        Err(_) if is_slug(bet_text) => BetRef::Slug(bet_text.to_owned()),
        Err(_) => {
            return Err(DomainError::new(
                "bet_id",
                "must name a bet by its id or its slug (lowercase letters, digits and dashes)",
            ));
        }
    };
    let value = cell(cols.value)
        .parse::<f64>()
        .map_err(|_| DomainError::new("value", "must be a number"))
        .and_then(|v| metric_value("value", v))?;
    let observed_at = ObservedAt::parse(
        "observed_at",
        time::parse_text("observed_at", cell(cols.observed_at))?,
        now,
    )?;
    let optional = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty());
    let source = optional(cols.source)
        .map(|s| SourceNote::parse("source", s))
        .transpose()?;
    let key = optional(cols.key)
        .map(|k| IdempotencyKey::parse("idempotency_key", k))
        .transpose()?;
    Ok((
        bet,
        ReportDraft {
            subject: Subject::Bet(0),
            value,
            observed_at: Some(observed_at),
            source,
            idempotency_key: key,
        },
    ))
}
