//! `GET /ledger`: the double-entry ledger, its accounts with their balances, and its entries.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::error::ErrorBody;
use super::pagination::{Page, Paging};
use super::utc;
use crate::db;
use crate::db::ledger::{Account, Entry, EntryFilter};
use crate::domain::{AccountKind, EntryKind};
use crate::error::AppError;
use crate::startup::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    /// `portfolio` (funds the rounds), `team`, or `hold` (a team's accepted requests' money).
    pub kind: AccountKind,
    pub name: String,
    pub team_id: Option<i64>,
    /// Money in less money out, in minor units. The portfolio's is negative: what it paid out.
    pub balance: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub from_account: i64,
    pub to_account: i64,
    pub amount: i64,
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    pub memo: String,
    pub created_at: DateTime<Utc>,
    /// What moved it: a round's grant, a billing run's charge, or a request's hold, release
    /// or payment.
    pub kind: EntryKind,
    pub billing_run_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub request_id: Option<i64>,
    pub service_id: Option<i64>,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id,
            from_account: e.from_account,
            to_account: e.to_account,
            amount: e.amount,
            round_id: e.round_id,
            bet_id: e.bet_id,
            memo: e.memo,
            created_at: utc(e.created_at),
            kind: e.kind,
            billing_run_id: e.billing_run_id,
            subscription_id: e.subscription_id,
            request_id: e.request_id,
            service_id: e.service_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerView {
    pub currency: String,
    pub accounts: Vec<AccountView>,
    /// The sum of the balances of every account of the ledger (not only those listed): always
    /// 0, since money only moves. The same for every caller.
    pub sum_of_balances: i64,
    pub entries: Page<EntryView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    pub round_id: Option<i64>,
    pub bet_id: Option<i64>,
    /// Entries from or to this account.
    pub account_id: Option<i64>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// The ledger: balances per account (their sum is zero) and the entries, oldest first. A
/// partner sees only its own team's account and entries.
#[utoipa::path(
    tag = "ledger",
    security(("bearer" = [])),
    params(LedgerQuery),
    responses((status = 200, body = LedgerView), (status = 401, body = ErrorBody))
)]
#[get("/ledger")]
#[tracing::instrument(skip(state), fields(user = %caller.name))]
pub async fn get_ledger(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<LedgerQuery>,
) -> Result<web::Json<LedgerView>, AppError> {
    let q = query.into_inner();
    let paging = Paging::parse(q.page, q.per_page)?;
    let actor = caller.0.clone();
    let currency = state.currency.code().to_owned();
    let (accounts, balances, (entries, total)) = db::run(&state.pool, move |conn| {
        let mut accounts = Account::list(conn)?;
        let mut filter = EntryFilter {
            round_id: q.round_id,
            bet_id: q.bet_id,
            accounts: q.account_id.map(|a| vec![a]),
        };
        let balances = Account::balances(conn)?;
        if !actor.reads_all_teams() {
            // A partner's team has two accounts: its own and its hold account.
            accounts.retain(|a| a.team_id.is_some() && a.team_id == actor.team_id);
            let own: Vec<i64> = accounts.iter().map(|a| a.id).collect();
            // Another team's account holds no entries a partner may read: an empty page, with
            // its own accounts and balances as they are (a filter never changes a balance).
            if q.account_id.is_some_and(|a| !own.contains(&a)) {
                return Ok((accounts, balances, (Vec::new(), 0)));
            }
            if q.account_id.is_none() {
                filter.accounts = Some(own);
            }
        }
        let page = Entry::page(conn, filter, paging.offset(), paging.limit())?;
        Ok::<_, AppError>((accounts, balances, page))
    })
    .await?;
    let sum_of_balances = balances.values().sum();
    let accounts: Vec<AccountView> = accounts
        .into_iter()
        .map(|a| AccountView {
            balance: balances.get(&a.id).copied().unwrap_or(0),
            id: a.id,
            kind: a.kind,
            name: a.name,
            team_id: a.team_id,
        })
        .collect();
    Ok(web::Json(LedgerView {
        currency,
        sum_of_balances,
        accounts,
        entries: paging.wrap(entries.into_iter().map(EntryView::from).collect(), total),
    }))
}
