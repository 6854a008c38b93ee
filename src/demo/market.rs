//! The demo's internal market: three services from two platform teams (Pod Juliet inside,
//! Kestrel Systems outside), subscriptions tied to bets since three periods ago, requests in
//! every state with a contested queue on the design system, the two last periods billed, a
//! partner team at its overdraft limit and so unable to pay its subscription.

use chrono::{DateTime, TimeDelta, Utc};

use super::cast::Teams;
use super::name_of;
use crate::db::DbConnection;
use crate::domain::{
    Actor, BillingPeriod, Currency, Description, Money, PeriodLength, Reason, Unit,
};
use crate::error::AppError;
use crate::services::market::accounts::{set_overdraft_limit, team_account};
use crate::services::market::catalogue::{self, PlanDraft, RequestTypeDraft};
use crate::services::market::requests::{self, Quote, RequestDraft};
use crate::services::market::subscriptions::{self, SubscriptionDraft};
use crate::services::market::{billing, current_period};

/// Indices into the demo's teams.
const JULIET: usize = 9;
const NORTHWIND: usize = 10;
const KESTREL: usize = 11;

/// A service as the demo registers it: name, provider, price, per seat, capacity, request type.
struct ServiceSpec {
    name: &'static str,
    provider: usize,
    description: &'static str,
    price: i64,
    per_seat: bool,
    capacity: Option<i64>,
    request: (&'static str, &'static str, i64),
}

const SERVICES: [ServiceSpec; 3] = [
    ServiceSpec {
        name: "Payments platform",
        provider: JULIET,
        description: "Card, wallet and bank payments behind one API, run by Pod Juliet.",
        price: 150_000,
        per_seat: true,
        capacity: Some(20),
        request: ("integration", "day", 80_000),
    },
    ServiceSpec {
        name: "Data platform",
        provider: JULIET,
        description: "Event pipelines, the warehouse and dashboards.",
        price: 250_000,
        per_seat: false,
        capacity: None,
        request: ("dashboard", "dashboard", 30_000),
    },
    ServiceSpec {
        name: "Design system",
        provider: KESTREL,
        description: "Components, tokens and reviews by Kestrel Systems, an external partner.",
        price: 120_000,
        per_seat: false,
        capacity: Some(6),
        request: ("screen review", "screen", 25_000),
    },
];

/// Who subscribes: (team index, service index, seats).
const SUBSCRIPTIONS: [(usize, usize, i64); 6] = [
    (0, 0, 4),
    (1, 0, 2),
    (2, 1, 1),
    (3, 2, 1),
    (0, 2, 1),
    (NORTHWIND, 2, 1),
];

pub(super) fn build(
    conn: &mut DbConnection,
    admin: &Actor,
    teams: &Teams,
    bet_of: &dyn Fn(usize) -> Option<i64>,
    (currency, now): (&Currency, DateTime<Utc>),
) -> Result<(), AppError> {
    let current = current_period(conn, now)?;
    // Plans and subscriptions date from three periods ago, so the last two periods bill them.
    let long_ago = current.previous().previous().previous().start() + TimeDelta::days(3);
    let services = register(conn, admin, teams, long_ago)?;
    for (team, service, seats) in SUBSCRIPTIONS {
        let draft = SubscriptionDraft {
            service_id: services[service],
            team_id: teams.ids[team],
            bet_id: bet_of(team),
            quantity: seats,
        };
        subscriptions::subscribe(conn, &teams.people[team], &draft, None, long_ago)?;
    }
    let r = Requests {
        teams,
        services: &services,
        currency,
        now,
    };
    r.every_state(conn, admin)?;
    r.at_the_limit(conn, admin)?;
    // The two periods before this one, each billed on its second day (subscriptions are paid
    // in advance), so the statements show each charge in its period; Northwind cannot pay.
    for period in [current.previous().previous(), current.previous()] {
        let at = (period.start() + TimeDelta::days(1)).min(now);
        let run = billing::create(conn, admin, period, at)?;
        billing::preview(conn, admin, run.id, at)?;
        billing::commit(conn, admin, run.id, at)?;
    }
    Ok(())
}

fn register(
    conn: &mut DbConnection,
    admin: &Actor,
    teams: &Teams,
    at: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for spec in &SERVICES {
        let provider = teams.ids[spec.provider];
        let service = catalogue::register(
            conn,
            admin,
            &name_of(spec.name)?,
            provider,
            &Description::parse("description", spec.description)?,
            at,
        )?;
        let (name, unit, unit_price) = spec.request;
        let plan = PlanDraft {
            price: Money::parse("price", spec.price)?,
            quantity_unit: spec
                .per_seat
                .then(|| Unit::parse("quantity_unit", "seat"))
                .transpose()?,
            capacity: spec.capacity,
            request_types: vec![RequestTypeDraft {
                name: name_of(name)?,
                unit: Unit::parse("unit", unit)?,
                unit_price: Money::parse("unit_price", unit_price)?,
            }],
            effective_from: Some(BillingPeriod::containing(at, PeriodLength::MONTH)),
        };
        catalogue::set_plan(conn, &teams.people[spec.provider], service.id, &plan, at)?;
        ids.push(service.id);
    }
    Ok(ids)
}

/// Filing and moving the demo's requests.
struct Requests<'a> {
    teams: &'a Teams,
    services: &'a [i64],
    currency: &'a Currency,
    now: DateTime<Utc>,
}

impl Requests<'_> {
    /// A request filed `hours` ago by team `team` to service `service`, quoted at `total`.
    fn quoted(
        &self,
        conn: &mut DbConnection,
        (team, service): (usize, usize),
        quantity: i64,
        total: i64,
        hours: i64,
    ) -> Result<i64, AppError> {
        let spec = &SERVICES[service];
        let at = self.now - TimeDelta::hours(hours);
        let draft = RequestDraft {
            service_id: self.services[service],
            team_id: self.teams.ids[team],
            request_type: name_of(spec.request.0)?,
            quantity,
            purpose: Reason::parse("purpose", "extra work for this quarter's launch")?,
            bet_id: None,
            max_total: Money::parse("max_total", total)?,
        };
        let (request, _) = requests::file(conn, &self.teams.people[team], &draft, None, at)?;
        let quote = Quote {
            total: Money::parse("total", total)?,
            expires_at: None,
        };
        requests::quote(
            conn,
            &self.teams.people[spec.provider],
            request.id,
            &quote,
            at,
        )?;
        Ok(request.id)
    }

    fn accept(&self, conn: &mut DbConnection, team: usize, id: i64) -> Result<(), AppError> {
        requests::accept(
            conn,
            &self.teams.people[team],
            id,
            None,
            self.currency,
            self.now,
        )?;
        Ok(())
    }

    fn every_state(&self, conn: &mut DbConnection, admin: &Actor) -> Result<(), AppError> {
        let juliet = &self.teams.people[JULIET];
        // Delivered: an integration for Pod Alpha.
        let delivered = self.quoted(conn, (0, 0), 3, 240_000, 72)?;
        self.accept(conn, 0, delivered)?;
        requests::deliver(conn, juliet, delivered, None, self.now)?;
        // The contested queue: 6 screens a period; Bravo offers more per screen than Charlie.
        let charlie = self.quoted(conn, (2, 2), 4, 100_000, 48)?;
        self.accept(conn, 2, charlie)?;
        let bravo = self.quoted(conn, (1, 2), 3, 90_000, 30)?;
        self.accept(conn, 1, bravo)?;
        // Quoted and waiting for an answer; open, never quoted.
        self.quoted(conn, (3, 1), 2, 60_000, 5)?;
        let draft = RequestDraft {
            service_id: self.services[0],
            team_id: self.teams.ids[3],
            request_type: name_of("integration")?,
            quantity: 2,
            purpose: Reason::parse("purpose", "a second payment method")?,
            bet_id: None,
            max_total: Money::parse("max_total", 150_000)?,
        };
        requests::file(conn, &self.teams.people[3], &draft, None, self.now)?;
        // An expired quote (open again), a declined, a withdrawn and a cancelled request.
        self.quoted(conn, (4, 1), 1, 30_000, 24 * 9)?;
        let declined = self.quoted(conn, (5, 0), 1, 80_000, 20)?;
        requests::decline(conn, juliet, declined, None, self.now)?;
        let withdrawn = self.quoted(conn, (6, 1), 1, 30_000, 20)?;
        requests::withdraw(conn, &self.teams.people[6], withdrawn, self.now)?;
        let cancelled = self.quoted(conn, (7, 2), 2, 50_000, 20)?;
        self.accept(conn, 7, cancelled)?;
        let reason = Reason::parse("reason", "the same work was ordered twice")?;
        requests::cancel(conn, admin, cancelled, Some(&reason), self.now)?;
        Ok(())
    }

    /// Northwind Labs is given an overdraft limit and spends down to it.
    fn at_the_limit(&self, conn: &mut DbConnection, admin: &Actor) -> Result<(), AppError> {
        let team = self.teams.ids[NORTHWIND];
        set_overdraft_limit(conn, admin, team, Money::parse("limit", 500_000)?, self.now)?;
        let available = team_account(conn, team)?.available;
        let id = self.quoted(conn, (NORTHWIND, 0), 4, available, 3)?;
        self.accept(conn, NORTHWIND, id)
    }
}
