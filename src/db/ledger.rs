//! The double-entry ledger: accounts, and entries that move money from one account to
//! another. Balances are derived from the entries, so the sum over accounts is zero by
//! construction; nothing is ever updated or deleted.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::DbConnection;
use super::schema::{accounts, ledger_entries};
use crate::domain::AccountKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub kind: AccountKind,
    pub team_id: Option<i64>,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = ledger_entries, treat_none_as_default_value = false)]
pub struct NewEntry {
    pub from_account: i64,
    pub to_account: i64,
    pub amount: i64,
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    pub memo: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_entries)]
pub struct Entry {
    pub id: i64,
    pub from_account: i64,
    pub to_account: i64,
    pub amount: i64,
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    pub memo: String,
    pub created_at: NaiveDateTime,
}

/// Filters of the entry listing.
#[derive(Debug, Default, Clone, Copy)]
pub struct EntryFilter {
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    /// Entries from or to this account.
    pub account_id: Option<i64>,
}

impl Account {
    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Account>> {
        accounts::table
            .select(Account::as_select())
            .order(accounts::id)
            .load(conn)
    }

    pub fn portfolio(conn: &mut DbConnection) -> QueryResult<Account> {
        accounts::table
            .filter(accounts::kind.eq(AccountKind::Portfolio))
            .select(Account::as_select())
            .first(conn)
    }

    pub fn of_team(conn: &mut DbConnection, team_id: i64) -> QueryResult<Option<Account>> {
        accounts::table
            .filter(accounts::team_id.eq(team_id))
            .select(Account::as_select())
            .first(conn)
            .optional()
    }

    /// Every account's balance: what came in minus what went out.
    pub fn balances(conn: &mut DbConnection) -> QueryResult<std::collections::BTreeMap<i64, i64>> {
        // PostgreSQL sums BIGINT as NUMERIC; the cast keeps both backends on BIGINT.
        let total = || sql::<BigInt>("CAST(SUM(amount) AS BIGINT)");
        let incoming: Vec<(i64, i64)> = ledger_entries::table
            .group_by(ledger_entries::to_account)
            .select((ledger_entries::to_account, total()))
            .load(conn)?;
        let outgoing: Vec<(i64, i64)> = ledger_entries::table
            .group_by(ledger_entries::from_account)
            .select((ledger_entries::from_account, total()))
            .load(conn)?;
        let mut balances = std::collections::BTreeMap::new();
        for (account, amount) in incoming {
            *balances.entry(account).or_insert(0) += amount;
        }
        for (account, amount) in outgoing {
            *balances.entry(account).or_insert(0) -= amount;
        }
        Ok(balances)
    }
}

impl Entry {
    /// Stores entries; on PostgreSQL as one binary `COPY` (a round pays out thousands).
    pub fn insert_many(conn: &mut DbConnection, entries: &[NewEntry]) -> QueryResult<()> {
        match conn {
            DbConnection::Postgresql(c) => {
                diesel::copy_from(ledger_entries::table)
                    .from_insertable(entries)
                    .execute(c)?;
            }
            DbConnection::Sqlite(c) => {
                for chunk in entries.chunks(1_000) {
                    diesel::insert_into(ledger_entries::table)
                        .values(chunk)
                        .execute(c)?;
                }
            }
        }
        Ok(())
    }

    pub fn page(
        conn: &mut DbConnection,
        filter: EntryFilter,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<Entry>, i64)> {
        let query = || {
            let mut q = ledger_entries::table.into_boxed();
            if let Some(round) = filter.round_id {
                q = q.filter(ledger_entries::round_id.eq(round));
            }
            if let Some(bet) = filter.bet_id {
                q = q.filter(ledger_entries::bet_id.eq(bet));
            }
            if let Some(account) = filter.account_id {
                q = q.filter(
                    ledger_entries::from_account
                        .eq(account)
                        .or(ledger_entries::to_account.eq(account)),
                );
            }
            q
        };
        let total = query().count().get_result(conn)?;
        let rows = query()
            .select(Entry::as_select())
            .order(ledger_entries::id)
            .offset(offset)
            .limit(limit)
            .load(conn)?;
        Ok((rows, total))
    }

    pub fn for_round(conn: &mut DbConnection, round_id: i64) -> QueryResult<Vec<Entry>> {
        ledger_entries::table
            .filter(ledger_entries::round_id.eq(round_id))
            .select(Entry::as_select())
            .order(ledger_entries::id)
            .load(conn)
    }
}
