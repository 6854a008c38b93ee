//! What a bet cost its team in the market beyond the grants it received: the subscription
//! charges and delivered requests its team paid for it, and what is on hold for it now. Read
//! from the ledger's entries tagged with the bet, so it needs no date range.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::require_books;
use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::schema::{ledger_entries, requests};
use crate::domain::{Actor, EntryKind, RequestStatus};
use crate::error::AppError;

/// A bet's market costs over its whole life, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BetCosts {
    pub subscriptions: i64,
    pub requests: i64,
    /// Offers of accepted requests for the bet, held until delivery.
    pub on_hold: i64,
}

impl BetCosts {
    /// What the team paid for the bet: subscriptions and delivered requests.
    pub fn paid(self) -> i64 {
        self.subscriptions + self.requests
    }
}

/// The bet's costs, for those who read its team's books.
pub fn bet_costs(conn: &mut DbConnection, actor: &Actor, bet: &Bet) -> Result<BetCosts, AppError> {
    require_books(actor, bet.team_id)?;
    let rows = ledger_entries::table
        .filter(ledger_entries::bet_id.eq(bet.id))
        .filter(ledger_entries::kind.eq_any([EntryKind::Charge, EntryKind::Payment]))
        .group_by(ledger_entries::kind)
        .select((
            ledger_entries::kind,
            sql::<BigInt>("CAST(SUM(amount) AS BIGINT)"),
        ))
        .load::<(EntryKind, i64)>(conn)?;
    let mut costs = BetCosts::default();
    for (kind, amount) in rows {
        match kind {
            EntryKind::Charge => costs.subscriptions += amount,
            _ => costs.requests += amount,
        }
    }
    // An accepted request holds its offer; nothing else does (a lapsed quote holds nothing).
    costs.on_hold = requests::table
        .filter(requests::bet_id.eq(bet.id))
        .filter(requests::status.eq(RequestStatus::Accepted))
        .select(sql::<BigInt>("CAST(COALESCE(SUM(offer), 0) AS BIGINT)"))
        .get_result(conn)?;
    Ok(costs)
}
