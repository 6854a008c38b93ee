//! The product's closed vocabularies as columns: each word type is stored as its snake_case
//! text and read back typed, on SQLite, on PostgreSQL and through the multi-backend connection.
//! A word the code does not know (a hand-edited row) fails the read instead of passing as text.
//!
//! The domain's words (`BetStatus`, `RoundStatus`, `Role`, ...) are written and read; the
//! engine's (`Direction`, `Outcome`, `Decision`) are only read, since the engine knows nothing
//! of diesel: their insert forms bind `as_str()`.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;
use crate::domain::{
    AccountKind, BetStatus, BillingRunStatus, EntryKind, RaceMeasure, RaceStatus, RacerFate,
    RequestStatus, Role, RoundStatus, Stage, TeamKind, TokenKind,
};
use crate::engine::{Decision, Direction, Outcome};

fn parse<T: std::str::FromStr<Err = String>>(text: &str) -> deserialize::Result<T> {
    text.parse().map_err(Into::into)
}

/// Reading a word: from the text of either backend.
macro_rules! read_as_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(value.read_text())
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(std::str::from_utf8(value.as_bytes())?)
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }
    )+};
}

/// Writing a word: its `as_str()`.
macro_rules! write_as_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )+};
}

/// A row field of an engine word: what the domain's words get from `derive(FromSqlRow)`.
macro_rules! queryable_word {
    ($($ty:ty),+ $(,)?) => {$(
        impl<DB: Backend> Queryable<Text, DB> for $ty
        where
            Self: FromSql<Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

read_as_text!(
    AccountKind,
    BillingRunStatus,
    RaceMeasure,
    RaceStatus,
    RacerFate,
    EntryKind,
    RequestStatus,
    BetStatus,
    Role,
    RoundStatus,
    Stage,
    TeamKind,
    TokenKind
);
write_as_text!(
    AccountKind,
    BillingRunStatus,
    RaceMeasure,
    RaceStatus,
    RacerFate,
    EntryKind,
    RequestStatus,
    BetStatus,
    Role,
    RoundStatus,
    Stage,
    TeamKind,
    TokenKind
);
read_as_text!(Decision, Direction, Outcome);
queryable_word!(Decision, Direction, Outcome);
