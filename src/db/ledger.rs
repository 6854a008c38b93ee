//! The double-entry ledger: accounts, and entries that move money from one account to
//! another. Balances are derived from the entries, so the sum over accounts is zero by
//! construction; nothing is ever updated or deleted. Every movement out of a team's account
//! first takes that account's lock ([`Account::lock`]), so no two writers can both spend the
//! same money.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};

use super::DbConnection;
use super::schema::{accounts, ledger_entries};
use crate::domain::{AccountKind, EntryKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub kind: AccountKind,
    pub team_id: Option<i64>,
    pub name: String,
    /// How far below zero the account may go (a team account; 0 unless the committee set it).
    pub overdraft_limit: i64,
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
    pub kind: EntryKind,
    pub billing_run_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub request_id: Option<i64>,
    pub service_id: Option<i64>,
}

impl NewEntry {
    /// A round's grant to a bet's team.
    pub fn grant(from: i64, to: i64, amount: i64, round_id: i64, bet_id: i64) -> Self {
        Self {
            from_account: from,
            to_account: to,
            amount,
            round_id: Some(round_id),
            bet_id: Some(bet_id),
            memo: String::new(),
            created_at: NaiveDateTime::default(),
            kind: EntryKind::Grant,
            billing_run_id: None,
            subscription_id: None,
            request_id: None,
            service_id: None,
        }
    }

    /// Money that moves for the market: a charge, a hold, a release or a payment.
    pub fn market(kind: EntryKind, from: i64, to: i64, amount: i64, service_id: i64) -> Self {
        Self {
            from_account: from,
            to_account: to,
            amount,
            round_id: None,
            bet_id: None,
            memo: String::new(),
            created_at: NaiveDateTime::default(),
            kind,
            billing_run_id: None,
            subscription_id: None,
            request_id: None,
            service_id: Some(service_id),
        }
    }

    pub fn memo(mut self, memo: String) -> Self {
        self.memo = memo;
        self
    }

    pub fn at(mut self, at: NaiveDateTime) -> Self {
        self.created_at = at;
        self
    }

    pub fn bet(mut self, bet_id: Option<i64>) -> Self {
        self.bet_id = bet_id;
        self
    }
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
    pub kind: EntryKind,
    pub billing_run_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub request_id: Option<i64>,
    pub service_id: Option<i64>,
}

/// Every team's own account (not its hold account), by team.
pub type TeamAccounts = BTreeMap<i64, Account>;

/// Filters of the entry listing.
#[derive(Debug, Default, Clone)]
pub struct EntryFilter {
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    /// Entries from or to one of these accounts; `None` for every account.
    pub accounts: Option<Vec<i64>>,
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

    /// Every team's own account, by team id: where grants and charges are paid to and from.
    pub fn team_accounts(conn: &mut DbConnection) -> QueryResult<TeamAccounts> {
        Ok(Self::list(conn)?
            .into_iter()
            .filter(|a| a.kind == AccountKind::Team)
            .filter_map(|a| Some((a.team_id?, a)))
            .collect())
    }

    /// The team's own account (not its hold account).
    pub fn of_team(conn: &mut DbConnection, team_id: i64) -> QueryResult<Option<Account>> {
        Self::of_team_kind(conn, team_id, AccountKind::Team)
    }

    /// The account where the money of the team's accepted requests waits for delivery.
    pub fn hold_of_team(conn: &mut DbConnection, team_id: i64) -> QueryResult<Option<Account>> {
        Self::of_team_kind(conn, team_id, AccountKind::Hold)
    }

    fn of_team_kind(
        conn: &mut DbConnection,
        team_id: i64,
        kind: AccountKind,
    ) -> QueryResult<Option<Account>> {
        accounts::table
            .filter(accounts::team_id.eq(team_id))
            .filter(accounts::kind.eq(kind))
            .select(Account::as_select())
            .first(conn)
            .optional()
    }

    /// Holds these accounts' locks until the transaction ends: on PostgreSQL their rows, taken
    /// in ascending id so that two writers that lock several never wait on each other in a
    /// circle; on SQLite the write transaction already is the only writer.
    pub fn lock(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<()> {
        if let DbConnection::Postgresql(pg) = conn {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids.dedup();
            diesel::sql_query("SELECT id FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE")
                .bind::<Array<BigInt>, _>(ids)
                .execute(pg)?;
        }
        Ok(())
    }

    pub fn set_overdraft_limit(conn: &mut DbConnection, id: i64, limit: i64) -> QueryResult<()> {
        diesel::update(accounts::table.find(id))
            .set(accounts::overdraft_limit.eq(limit))
            .execute(conn)?;
        Ok(())
    }

    /// One account's balance, read fresh: called after [`Account::lock`], it sees every
    /// movement committed before the lock was granted.
    pub fn balance(conn: &mut DbConnection, id: i64) -> QueryResult<i64> {
        Self::balance_before(conn, id, None)
    }

    /// One account's balance from the entries made before `before` (all, if none).
    pub fn balance_before(
        conn: &mut DbConnection,
        id: i64,
        before: Option<NaiveDateTime>,
    ) -> QueryResult<i64> {
        let total = || sql::<diesel::sql_types::Nullable<BigInt>>("CAST(SUM(amount) AS BIGINT)");
        let mut incoming = ledger_entries::table
            .filter(ledger_entries::to_account.eq(id))
            .select(total())
            .into_boxed();
        let mut outgoing = ledger_entries::table
            .filter(ledger_entries::from_account.eq(id))
            .select(total())
            .into_boxed();
        if let Some(before) = before {
            incoming = incoming.filter(ledger_entries::created_at.lt(before));
            outgoing = outgoing.filter(ledger_entries::created_at.lt(before));
        }
        let incoming: Option<i64> = incoming.get_result(conn)?;
        let outgoing: Option<i64> = outgoing.get_result(conn)?;
        Ok(incoming.unwrap_or(0) - outgoing.unwrap_or(0))
    }

    /// Every account's balance: what came in minus what went out. Every entry counts, so
    /// this is one pass over the whole table, never an index walk (which would fetch each
    /// entry's amount from the table in index order: on SQLite two such walks took 56 ms over
    /// 48,000 entries against 12 ms for one scan in table order).
    pub fn balances(conn: &mut DbConnection) -> QueryResult<BTreeMap<i64, i64>> {
        // Per account: what came in, and what went out.
        let mut totals: BTreeMap<i64, (i128, i128)> = BTreeMap::new();
        let mut add = |(from, to, amount): (i64, i64, i64)| {
            totals.entry(to).or_default().0 += i128::from(amount);
            totals.entry(from).or_default().1 += i128::from(amount);
        };
        match conn {
            // PostgreSQL sums each (from, to) pair in one sequential scan; it sums BIGINT as
            // NUMERIC, and the cast keeps the sum on BIGINT.
            DbConnection::Postgresql(c) => ledger_entries::table
                .group_by((ledger_entries::from_account, ledger_entries::to_account))
                .select((
                    ledger_entries::from_account,
                    ledger_entries::to_account,
                    sql::<BigInt>("CAST(SUM(amount) AS BIGINT)"),
                ))
                .load::<(i64, i64, i64)>(c)?
                .into_iter()
                .for_each(&mut add),
            // SQLite would group through a temporary B-tree or an index walk, each slower than
            // handing the rows over in table order to be added up here.
            DbConnection::Sqlite(c) => {
                for row in ledger_entries::table
                    .select((
                        ledger_entries::from_account,
                        ledger_entries::to_account,
                        ledger_entries::amount,
                    ))
                    .load_iter::<(i64, i64, i64), diesel::connection::DefaultLoadingMode>(c)?
                {
                    add(row?);
                }
            }
        }
        // Past the range of BIGINT, an error (as `SUM` gives), not a wrapped figure.
        let bigint = |total: i128| {
            i64::try_from(total).map_err(|_| {
                diesel::result::Error::DeserializationError("integer overflow in a balance".into())
            })
        };
        totals
            .into_iter()
            .map(|(account, (incoming, outgoing))| {
                Ok((account, bigint(incoming)? - bigint(outgoing)?))
            })
            .collect()
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
            if let Some(accounts) = &filter.accounts {
                q = q.filter(
                    ledger_entries::from_account
                        .eq_any(accounts.clone())
                        .or(ledger_entries::to_account.eq_any(accounts.clone())),
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

#[cfg(test)]
mod tests {
    use diesel::sqlite::SqliteConnection;

    use super::*;
    use crate::db::connection::run_migrations;

    /// Every account's balance read at once is its own balance, read alone: on SQLite, and on
    /// PostgreSQL when `HORSERACE_TEST_POSTGRES` names a server.
    #[test]
    fn all_balances_at_once_are_each_accounts_own() {
        check_balances(&mut DbConnection::Sqlite(
            SqliteConnection::establish(":memory:").unwrap(),
        ));
        if let Ok(server) = std::env::var("HORSERACE_TEST_POSTGRES") {
            let db = crate::db::scratch::ScratchDatabase::create(&server, "ledger").unwrap();
            let pg = diesel::pg::PgConnection::establish(db.url()).unwrap();
            check_balances(&mut DbConnection::Postgresql(pg));
        }
    }

    fn check_balances(conn: &mut DbConnection) {
        run_migrations(conn).unwrap();
        for id in 1..=4_i64 {
            let at = accounts::created_at.eq(NaiveDateTime::default());
            let row = (accounts::id.eq(id), accounts::name.eq(id.to_string()), at);
            let kind = accounts::kind.eq(AccountKind::Portfolio);
            diesel::insert_into(accounts::table)
                .values((row, kind))
                .execute(conn)
                .unwrap();
        }
        // Many entries on a few pairs of accounts; account 4 has none.
        let entries: Vec<NewEntry> = (0..300_i64)
            .map(|i| {
                let (from, to) = [(1, 2), (2, 1), (2, 3), (3, 1)][usize::try_from(i % 4).unwrap()];
                let entry = NewEntry::market(EntryKind::Charge, from, to, 1 + i * 7_919 % 1_000, 1);
                NewEntry {
                    service_id: None,
                    ..entry
                }
            })
            .collect();
        Entry::insert_many(conn, &entries).unwrap();
        let all = Account::balances(conn).unwrap();
        assert_eq!(all.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
        for (id, balance) in &all {
            assert_eq!(*balance, Account::balance(conn, *id).unwrap(), "{id}");
        }
        assert_eq!(all.values().sum::<i64>(), 0);
    }
}
