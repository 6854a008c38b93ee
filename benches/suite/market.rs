//! Market fixtures: services with a plan and a request type each, subscriptions, requests, and
//! the ledger entries of a year of trading (billing runs' charges, requests' holds, releases
//! and payments). Written through the crate's insert forms with multi-row inserts, as `data`
//! writes bets and reports; the numbers come from a fixed seed.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use horserace::db::DbConnection;
use horserace::db::ledger::{Account, NewEntry};
use horserace::db::market::plans::{NewPlan, NewRequestType, Plan};
use horserace::db::market::requests::NewRequest;
use horserace::db::market::services::{NewService, Service};
use horserace::db::market::subscriptions::NewSubscription;
use horserace::db::schema::{requests, subscriptions};
use horserace::domain::{AccountKind, EntryKind, RequestStatus};
use horserace::services::market::billing::Charge;

use crate::data::{Portfolio, Rng};

/// Multi-row inserts of 1,000 rows, on either backend.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(1_000) {
            match &mut *$conn {
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c),
                DbConnection::Postgresql(c) => diesel::insert_into($table).values(chunk).execute(c),
            }
            .expect("market fixture insert");
        }
    };
}

/// A team's own account and its hold account.
#[derive(Clone, Copy)]
pub struct Accounts {
    pub own: i64,
    pub hold: i64,
}

/// The portfolio's teams in id order (the first is the busy one where a fixture has one),
/// their accounts, and their bets.
pub struct Teams {
    pub ids: Vec<i64>,
    pub accounts: BTreeMap<i64, Accounts>,
    pub bets: BTreeMap<i64, Vec<i64>>,
}

impl Teams {
    pub fn of(conn: &mut DbConnection, p: &Portfolio) -> Self {
        let mut own = BTreeMap::new();
        let mut hold = BTreeMap::new();
        for a in Account::list(conn).unwrap() {
            match (a.kind, a.team_id) {
                (AccountKind::Team, Some(team)) => own.insert(team, a.id),
                (AccountKind::Hold, Some(team)) => hold.insert(team, a.id),
                _ => None,
            };
        }
        let accounts: BTreeMap<i64, Accounts> = own
            .iter()
            .map(|(team, &own)| {
                (
                    *team,
                    Accounts {
                        own,
                        hold: hold[team],
                    },
                )
            })
            .collect();
        let mut bets: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (bet, team) in p.bets.iter().zip(&p.bet_team) {
            bets.entry(*team).or_default().push(*bet);
        }
        Self {
            ids: accounts.keys().copied().collect(),
            accounts,
            bets,
        }
    }

    /// A team drawn for a subscription or a request: the first team with probability `busy`,
    /// else any, never the provider (a team does not buy its own service).
    fn draw(&self, rng: &mut Rng, busy: f64, provider: i64) -> i64 {
        let team = if rng.unit() < busy {
            self.ids[0]
        } else {
            self.ids[rng.index(self.ids.len())]
        };
        if team == provider {
            self.ids[(self.ids.iter().position(|t| *t == team).unwrap() + 1) % self.ids.len()]
        } else {
            team
        }
    }

    /// One of the team's bets half of the time, else none.
    fn bet(&self, rng: &mut Rng, team: i64) -> Option<i64> {
        let bets = self.bets.get(&team)?;
        (rng.unit() < 0.5).then(|| bets[rng.index(bets.len())])
    }
}

/// A service of the fixture with its one plan and request type.
pub struct Offer {
    pub service: i64,
    pub provider: i64,
    pub price: i64,
    pub per_seat: bool,
    pub request_type: i64,
}

/// `n` services, the k-th provided by the k-th team (so the busy team provides one too), each
/// with a plan in force from `from`: flat or per seat, 1,000 to about 60,000 minor units.
pub fn offers(conn: &mut DbConnection, teams: &Teams, n: usize, from: NaiveDateTime) -> Vec<Offer> {
    (0..n)
        .map(|k| {
            let provider = teams.ids[k % teams.ids.len()];
            let service = Service::create(
                conn,
                &NewService {
                    name: &format!("Service {k}"),
                    provider_team_id: provider,
                    description: "A bench service",
                    created_by: 1,
                    created_at: from,
                },
            )
            .unwrap();
            let step = i64::try_from(k).unwrap();
            let per_seat = k % 2 == 1;
            let price = if per_seat {
                1_000 + 500 * step
            } else {
                5_000 + 2_500 * step
            };
            let plan = Plan::replace(
                conn,
                &NewPlan {
                    service_id: service.id,
                    effective_from: from,
                    price,
                    quantity_unit: per_seat.then_some("seat"),
                    capacity: None,
                    created_by: 1,
                    created_at: from,
                },
                vec![NewRequestType {
                    plan_id: 0,
                    name: "hours".into(),
                    unit: "hour".into(),
                    unit_price: 2_000 + 100 * step,
                }],
            )
            .unwrap();
            Offer {
                service: service.id,
                provider,
                price,
                per_seat,
                request_type: plan.request_types[0].id,
            }
        })
        .collect()
}

/// A subscription as stored.
pub struct Sub {
    pub id: i64,
    pub offer: usize,
    pub team: i64,
    pub bet: Option<i64>,
    pub quantity: i64,
}

impl Sub {
    /// What one period of it costs.
    pub fn amount(&self, offers: &[Offer]) -> i64 {
        let o = &offers[self.offer];
        if o.per_seat {
            o.price * self.quantity
        } else {
            o.price
        }
    }
}

/// `n` subscriptions billed from `starts_at`, on services drawn at random, by teams drawn with
/// [`Teams::draw`]; 1 to 5 seats, half of them for a bet.
pub fn subscriptions(
    conn: &mut DbConnection,
    teams: &Teams,
    offers: &[Offer],
    (n, busy): (usize, f64),
    starts_at: NaiveDateTime,
    rng: &mut Rng,
) -> Vec<Sub> {
    let drawn: Vec<(usize, i64, Option<i64>, i64)> = (0..n)
        .map(|_| {
            let offer = rng.index(offers.len());
            let team = teams.draw(rng, busy, offers[offer].provider);
            let quantity = 1 + i64::try_from(rng.index(5)).unwrap();
            (offer, team, teams.bet(rng, team), quantity)
        })
        .collect();
    let rows: Vec<NewSubscription> = drawn
        .iter()
        .map(|&(offer, team, bet, quantity)| NewSubscription {
            service_id: offers[offer].service,
            team_id: team,
            bet_id: bet,
            quantity,
            starts_at,
            created_by: 1,
            created_at: starts_at,
        })
        .collect();
    let before = last_id(conn, "subscriptions");
    insert_rows!(conn, subscriptions::table, &rows);
    let ids = ids_after(conn, "subscriptions", before);
    assert_eq!(ids.len(), n);
    ids.into_iter()
        .zip(drawn)
        .map(|(id, (offer, team, bet, quantity))| Sub {
            id,
            offer,
            team,
            bet,
            quantity,
        })
        .collect()
}

/// The ids a table has above `after`, ascending: what one multi-row insert just gave, in the
/// order of its rows.
fn ids_after(conn: &mut DbConnection, table: &str, after: i64) -> Vec<i64> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query(format!(
        "SELECT id FROM {table} WHERE id > {after} ORDER BY id"
    ))
    .load::<Id>(conn)
    .unwrap()
    .into_iter()
    .map(|r| r.id)
    .collect()
}

fn last_id(conn: &mut DbConnection, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Last {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS id FROM {table}"
    ))
    .get_result::<Last>(conn)
    .unwrap()
    .id
}

/// A request that was held for, and then delivered (paid) or cancelled (released).
pub struct Filed {
    pub id: i64,
    pub offer: usize,
    pub team: i64,
    pub bet: Option<i64>,
    pub amount: i64,
    pub delivered: bool,
}

/// `n` requests by teams drawn with [`Teams::draw`], 1 to 20 hours each; four in five
/// delivered, the rest cancelled.
pub fn requests(
    conn: &mut DbConnection,
    teams: &Teams,
    offers: &[Offer],
    (n, busy): (usize, f64),
    at: NaiveDateTime,
    rng: &mut Rng,
) -> Vec<Filed> {
    let drawn: Vec<(usize, i64, Option<i64>, i64, bool)> = (0..n)
        .map(|_| {
            let offer = rng.index(offers.len());
            let team = teams.draw(rng, busy, offers[offer].provider);
            let hours = 1 + i64::try_from(rng.index(20)).unwrap();
            (offer, team, teams.bet(rng, team), hours, rng.unit() < 0.8)
        })
        .collect();
    let rows: Vec<NewRequest> = drawn
        .iter()
        .map(|&(offer, team, bet, hours, delivered)| NewRequest {
            service_id: offers[offer].service,
            team_id: team,
            request_type_id: offers[offer].request_type,
            quantity: hours,
            purpose: "bench work",
            bet_id: bet,
            max_total: 1_000_000,
            status: if delivered {
                RequestStatus::Delivered
            } else {
                RequestStatus::Cancelled
            },
            created_by: 1,
            created_at: at,
        })
        .collect();
    let before = last_id(conn, "requests");
    insert_rows!(conn, requests::table, &rows);
    let ids = ids_after(conn, "requests", before);
    assert_eq!(ids.len(), n);
    ids.into_iter()
        .zip(drawn)
        .map(|(id, (offer, team, bet, hours, delivered))| Filed {
            id,
            offer,
            team,
            bet,
            amount: hours * (2_000 + 100 * i64::try_from(offer).unwrap()),
            delivered,
        })
        .collect()
}

/// A request's two entries: the hold when it was accepted at `at`, and `days` later its
/// payment to the provider (delivered) or the release back to the team (cancelled).
pub fn request_entries(
    r: &Filed,
    offers: &[Offer],
    teams: &Teams,
    at: NaiveDateTime,
    days: i64,
) -> [NewEntry; 2] {
    let mine = teams.accounts[&r.team];
    let service = offers[r.offer].service;
    let entry = |kind, from, to, memo: &str, when: NaiveDateTime| {
        let mut e = NewEntry::market(kind, from, to, r.amount, service)
            .memo(format!("{memo} request {}", r.id))
            .at(when)
            .bet(r.bet);
        e.request_id = Some(r.id);
        e
    };
    let closed = at + TimeDelta::days(days);
    let close = if r.delivered {
        let provider = teams.accounts[&offers[r.offer].provider].own;
        entry(EntryKind::Payment, mine.hold, provider, "paid for", closed)
    } else {
        entry(
            EntryKind::Release,
            mine.hold,
            mine.own,
            "released from",
            closed,
        )
    };
    [
        entry(EntryKind::Hold, mine.own, mine.hold, "held for", at),
        close,
    ]
}

/// A paid charge's entry exactly as a committed run posts it (`billing::posting`): subscriber
/// to provider, naming the run, the subscription, the service and the bet.
pub fn charge_entry(
    run_id: i64,
    period: &str,
    c: &Charge,
    teams: &Teams,
    at: NaiveDateTime,
) -> NewEntry {
    let mut entry = NewEntry::market(
        EntryKind::Charge,
        teams.accounts[&c.team_id].own,
        teams.accounts[&c.provider_team_id].own,
        c.amount,
        c.service_id,
    )
    .memo(format!(
        "billing {period}: subscription {}",
        c.subscription_id
    ))
    .at(at)
    .bet(c.bet_id);
    entry.billing_run_id = Some(run_id);
    entry.subscription_id = Some(c.subscription_id);
    entry
}
