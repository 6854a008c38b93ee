//! The charges of a billing run, decided purely: every active subscription once, in ascending
//! subscription id, each if its subscriber can pay it at that point of the run (what earlier
//! charges took from it and paid into it counts).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::market::billing::Billable;
use crate::db::market::plans::Plan;
use crate::db::market::services::Service;
use crate::domain::{BillingPeriod, MAX_MINOR_UNITS};
use crate::services::market::catalogue::MAX_UNITS;

/// One subscription's charge in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Charge {
    pub subscription_id: i64,
    pub service_id: i64,
    /// The subscriber, who pays.
    pub team_id: i64,
    pub provider_team_id: i64,
    pub bet_id: Option<i64>,
    /// Units charged: the subscription's quantity for a per-unit plan, else 1.
    pub units: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub paid: bool,
    /// How much the subscriber lacked at that point, for an unpaid charge; else 0.
    pub shortfall: i64,
}

/// What a run charges, or charged.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Billing {
    pub period: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub charges: Vec<Charge>,
    /// The sum of the paid charges.
    pub charged: i64,
    /// The sum of the charges that could not be paid.
    pub unpaid: i64,
}

/// What a run needs to know about the money, fixed before it starts.
pub struct Books {
    /// Per team: the balance of its own account plus its overdraft limit.
    pub available: BTreeMap<i64, i64>,
}

/// Charges the subscriptions in ascending id against the books; pure.
pub fn charge_all(
    period: BillingPeriod,
    subscriptions: &[Billable],
    plans: &BTreeMap<i64, Plan>,
    services: &BTreeMap<i64, Service>,
    books: &Books,
) -> Billing {
    let mut available = books.available.clone();
    let mut charges = Vec::with_capacity(subscriptions.len());
    let mut order: Vec<&Billable> = subscriptions.iter().collect();
    order.sort_by_key(|s| s.id);
    for s in order {
        let (Some(plan), Some(service)) = (plans.get(&s.service_id), services.get(&s.service_id))
        else {
            continue;
        };
        let units = if plan.quantity_unit.is_some() {
            s.quantity.min(MAX_UNITS)
        } else {
            1
        };
        // Both factors are at most 10^15 and 10^9: the product fits in i128, and a charge
        // above the largest amount is refused as unpayable rather than wrapped.
        let amount = i128::from(plan.price) * i128::from(units);
        let amount = i64::try_from(amount)
            .unwrap_or(i64::MAX)
            .min(MAX_MINOR_UNITS + 1);
        let left = available.get(&s.team_id).copied().unwrap_or(0);
        let paid = amount <= left && amount <= MAX_MINOR_UNITS;
        if paid && amount > 0 {
            *available.entry(s.team_id).or_insert(0) -= amount;
            *available.entry(service.provider_team_id).or_insert(0) += amount;
        }
        charges.push(Charge {
            subscription_id: s.id,
            service_id: s.service_id,
            team_id: s.team_id,
            provider_team_id: service.provider_team_id,
            bet_id: s.bet_id,
            units,
            unit_price: plan.price,
            amount,
            paid,
            shortfall: if paid { 0 } else { (amount - left).max(1) },
        });
    }
    let sum = |paid: bool| {
        charges
            .iter()
            .filter(|c| c.paid == paid)
            .map(|c| c.amount)
            .sum()
    };
    Billing {
        period: period.label(),
        period_start: period.start(),
        period_end: period.end(),
        charged: sum(true),
        unpaid: sum(false),
        charges,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;
    use crate::domain::PeriodLength;

    fn subscription(id: i64, service_id: i64, team_id: i64, quantity: i64) -> Billable {
        Billable {
            id,
            service_id,
            team_id,
            bet_id: None,
            quantity,
        }
    }

    fn plan(service_id: i64, price: i64, per_seat: bool) -> Plan {
        Plan {
            id: service_id,
            service_id,
            effective_from: NaiveDateTime::default(),
            price,
            quantity_unit: per_seat.then(|| "seat".to_owned()),
            capacity: None,
            created_by: 1,
            created_at: NaiveDateTime::default(),
        }
    }

    fn service(id: i64, provider_team_id: i64) -> Service {
        Service {
            id,
            name: format!("service {id}"),
            provider_team_id,
            description: String::new(),
            created_by: 1,
            created_at: NaiveDateTime::default(),
        }
    }

    fn run(subscriptions: &[Billable], available: &[(i64, i64)]) -> Billing {
        // Service 1 (team 10) costs 100 a seat; service 2 (team 20) a flat 500.
        let plans = BTreeMap::from([(1, plan(1, 100, true)), (2, plan(2, 500, false))]);
        let services = BTreeMap::from([(1, service(1, 10)), (2, service(2, 20))]);
        let books = Books {
            available: available.iter().copied().collect(),
        };
        let period = BillingPeriod::containing(DateTime::<Utc>::UNIX_EPOCH, PeriodLength::MONTH);
        charge_all(period, subscriptions, &plans, &services, &books)
    }

    fn paid(billing: &Billing) -> Vec<(i64, i64, bool, i64)> {
        billing
            .charges
            .iter()
            .map(|c| (c.subscription_id, c.amount, c.paid, c.shortfall))
            .collect()
    }

    #[test]
    fn charges_go_in_subscription_order_and_what_a_provider_earns_it_can_spend() {
        // Team 10 has nothing, but subscription 1 pays it 300 before its own charge (3) of 500.
        let billing = run(
            &[
                subscription(3, 2, 10, 1),
                subscription(1, 1, 30, 3),
                subscription(2, 1, 40, 1),
            ],
            &[(30, 300), (40, 50), (10, 200)],
        );
        assert_eq!(
            paid(&billing),
            [(1, 300, true, 0), (2, 100, false, 50), (3, 500, true, 0)]
        );
        assert_eq!((billing.charged, billing.unpaid), (800, 100));
    }

    #[test]
    fn a_flat_plan_charges_one_unit_whatever_the_quantity() {
        let billing = run(&[subscription(1, 2, 30, 7)], &[(30, 500)]);
        assert_eq!(paid(&billing), [(1, 500, true, 0)]);
        assert_eq!(billing.charges[0].units, 1);
    }

    #[test]
    fn a_charge_above_the_largest_amount_is_unpaid_not_wrapped() {
        let plans = BTreeMap::from([(1, plan(1, MAX_MINOR_UNITS, true))]);
        let services = BTreeMap::from([(1, service(1, 10))]);
        let books = Books {
            available: BTreeMap::from([(30, i64::MAX / 2)]),
        };
        let period = BillingPeriod::containing(DateTime::<Utc>::UNIX_EPOCH, PeriodLength::MONTH);
        let billing = charge_all(
            period,
            &[subscription(1, 1, 30, 1_000)],
            &plans,
            &services,
            &books,
        );
        assert!(!billing.charges[0].paid);
        assert_eq!(billing.charged, 0);
    }
}
