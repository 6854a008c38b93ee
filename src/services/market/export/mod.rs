//! The market's exports, as flat rows a spreadsheet opens: the catalogue, subscriptions and
//! requests ([`listings`]), a billing run's charges and a team's statement ([`books`]). Each
//! reads through the same service functions and filters as the JSON route it mirrors (a
//! partner sees only what its team takes, files or provides), so an export never shows more
//! than the API does. Money is in minor units, with the row's main amount also as a decimal
//! and the currency, as in [`crate::services::export`].

mod books;
mod listings;

pub use books::{
    ChargeRow, StatementLine, StatementRow, StatementSide, charge_rows, statement_range,
    statement_rows,
};
pub use listings::{
    RequestRow, ServiceRow, SubscriptionRow, request_rows, service_rows, subscription_rows,
};

use super::names::{Names, party};
use crate::domain::Currency;

/// Money as the exports write it: exact decimal text without thousands separators.
pub(super) fn decimal(currency: &Currency, minor_units: i64) -> String {
    currency.format_amount(minor_units).replace(',', "")
}
