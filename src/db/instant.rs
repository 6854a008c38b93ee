//! `StoredInstant`: a timestamp column read fast. SQLite keeps timestamps as text; diesel's
//! reader tries several formats with chrono's general parser, which dominates reading a million
//! reports. Ours are always written as `YYYY-MM-DD HH:MM:SS[.ffffff]`, so that shape is parsed
//! directly and anything else falls back to diesel. PostgreSQL sends binary and needs no help.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, FromSqlRow)]
pub struct StoredInstant(pub NaiveDateTime);

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 9 digits.
fn parse_fixed(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b' ' || b[10] == b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let nanos = match b.get(19) {
        None => 0,
        Some(b'.') => {
            let digits = &b[20..];
            if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let value = num(20..b.len())?;
            value * 10u32.pow(9 - u32::try_from(digits.len()).ok()?)
        }
        Some(_) => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(NaiveDateTime::new(date, time))
}

impl FromSql<Timestamp, Sqlite> for StoredInstant {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(at) = parse_fixed(value.read_text()) {
            return Ok(Self(at));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Pg> for StoredInstant {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, MultiBackend> for StoredInstant {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Self, Timestamp>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_shape_reads_like_chrono() {
        for text in [
            "2026-06-30 14:05:09",
            "2026-06-30 14:05:09.1",
            "2026-06-30 14:05:09.123456",
            "1970-01-01 00:00:00.000000001",
            "2026-06-30T14:05:09.5",
        ] {
            let chrono =
                NaiveDateTime::parse_from_str(&text.replace('T', " "), "%F %T%.f").unwrap();
            assert_eq!(parse_fixed(text), Some(chrono), "{text}");
        }
        for text in [
            "2026-6-30 14:05:09",
            "2026-06-30 14:05",
            "2026-06-30 14:05:09.",
            "2026-06-30 14:05:09Z",
            "2026-02-30 00:00:00",
            "2026-06-30 24:00:00",
            "x026-06-30 14:05:09",
        ] {
            assert_eq!(parse_fixed(text), None, "{text}");
        }
    }
}
