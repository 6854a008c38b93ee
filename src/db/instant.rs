//! `StoredInstant`: a timestamp column read and written fast. SQLite keeps timestamps as text;
//! diesel's reader tries several formats with chrono's general parser, which dominates reading a
//! million reports, and its writer parses a strftime pattern for every value it binds, a twentieth
//! of the report writer's time. Ours are always `YYYY-MM-DD HH:MM:SS[.fff[fff[fff]]]`, exactly
//! what diesel writes, so that shape is read and written directly and anything else (a year past
//! 9999, a leap second) goes through diesel. PostgreSQL sends binary and needs no help.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, FromSqlRow, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct StoredInstant(pub NaiveDateTime);

impl From<NaiveDateTime> for StoredInstant {
    fn from(at: NaiveDateTime) -> Self {
        Self(at)
    }
}

/// What a row reading a timestamp through [`StoredInstant`] (`deserialize_as`) keeps.
impl From<StoredInstant> for NaiveDateTime {
    fn from(at: StoredInstant) -> Self {
        at.0
    }
}

/// `value`'s last `width` decimal digits, zero-padded.
fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from_digit(value / 10u32.pow(place) % 10, 10).unwrap_or('0'));
    }
}

/// `at` as diesel's SQLite writer (chrono's `%F %T%.f`) would write it, for years 0 to 9999
/// outside leap seconds; None otherwise.
fn format_fixed(at: NaiveDateTime) -> Option<String> {
    let year = u32::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
    let nanos = at.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let mut out = String::with_capacity(29);
    for (value, width, then) in [
        (year, 4, '-'),
        (at.month(), 2, '-'),
        (at.day(), 2, ' '),
        (at.hour(), 2, ':'),
        (at.minute(), 2, ':'),
    ] {
        push_digits(&mut out, value, width);
        out.push(then);
    }
    push_digits(&mut out, at.second(), 2);
    // Like `%.f`: nothing for whole seconds, else milli-, micro- or nanoseconds, the fewest
    // that are exact.
    let fraction = match nanos {
        0 => None,
        n if n % 1_000_000 == 0 => Some((n / 1_000_000, 3)),
        n if n % 1_000 == 0 => Some((n / 1_000, 6)),
        n => Some((n, 9)),
    };
    if let Some((value, width)) = fraction {
        out.push('.');
        push_digits(&mut out, value, width);
    }
    Some(out)
}

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

impl ToSql<Timestamp, Sqlite> for StoredInstant {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        match format_fixed(self.0) {
            Some(text) => {
                out.set_value(text);
                Ok(IsNull::No)
            }
            None => <NaiveDateTime as ToSql<Timestamp, Sqlite>>::to_sql(&self.0, out),
        }
    }
}

impl ToSql<Timestamp, Pg> for StoredInstant {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

impl ToSql<Timestamp, MultiBackend> for StoredInstant {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(IsNull::No)
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
    fn instants_are_written_exactly_as_diesel_writes_them() {
        let base = NaiveDate::from_ymd_opt(2026, 6, 30)
            .unwrap()
            .and_hms_opt(14, 5, 9)
            .unwrap();
        let mut instants = vec![
            NaiveDate::from_ymd_opt(0, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 999_999_999)
                .unwrap(),
        ];
        for nanos in [
            0,
            1,
            10,
            999,
            1_000,
            120_000,
            999_000,
            1_000_000,
            500_000_000,
            123_456_789,
        ] {
            instants.push(base + chrono::TimeDelta::nanoseconds(nanos));
        }
        for step in 0..2_000_i64 {
            instants.push(base + chrono::TimeDelta::nanoseconds(step * 7_919_731_117_i64));
        }
        for at in instants {
            assert_eq!(
                format_fixed(at),
                Some(at.format("%F %T%.f").to_string()),
                "{at:?}"
            );
        }
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap();
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let before_year_zero = NaiveDate::from_ymd_opt(-1, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        for other in [leap, far, before_year_zero] {
            assert_eq!(format_fixed(other), None, "{other:?}");
        }
    }

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
