//! A service's queue: its accepted, undelivered requests in the order the market serves them,
//! by offered price per unit (highest first), then acceptance time, then id. Going down the
//! queue a request is scheduled if its quantity fits in the capacity still free this period,
//! else it waits (a smaller one further down may still fit). The provider delivers only what is
//! scheduled, so paying more per unit is the one way to move up.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::catalogue::plan_at;
use super::current_period;
use crate::db::DbConnection;
use crate::db::market::plans::Plan;
use crate::db::market::requests::Request;
use crate::domain::BillingPeriod;
use crate::error::AppError;

/// One request in its place.
#[derive(Debug, Clone)]
pub struct Placed {
    pub request: Request,
    /// 1 for the first served.
    pub position: usize,
    pub scheduled: bool,
}

/// A service's queue for the current period.
#[derive(Debug, Clone)]
pub struct Queue {
    pub service_id: i64,
    pub period: BillingPeriod,
    /// Request units per period; `None`: no limit.
    pub capacity: Option<i64>,
    /// Units delivered this period already.
    pub delivered: i64,
    pub entries: Vec<Placed>,
}

impl Queue {
    /// Units scheduled and not yet delivered.
    pub fn scheduled_units(&self) -> i64 {
        self.entries
            .iter()
            .filter(|e| e.scheduled)
            .map(|e| e.request.quantity)
            .sum()
    }

    pub fn waiting_units(&self) -> i64 {
        self.entries
            .iter()
            .filter(|e| !e.scheduled)
            .map(|e| e.request.quantity)
            .sum()
    }

    pub fn is_scheduled(&self, request_id: i64) -> bool {
        self.entries
            .iter()
            .any(|e| e.request.id == request_id && e.scheduled)
    }
}

/// The market's order: higher offer per unit first (compared exactly, as cross products),
/// then the earlier acceptance, then the lower id.
fn serve_order(a: &Request, b: &Request) -> Ordering {
    let per_unit = |r: &Request, other: &Request| {
        i128::from(r.offer.unwrap_or(0)) * i128::from(other.quantity)
    };
    per_unit(b, a)
        .cmp(&per_unit(a, b))
        .then(a.accepted_at.cmp(&b.accepted_at))
        .then(a.id.cmp(&b.id))
}

/// Orders accepted requests and schedules them into `free` units (all, if no limit).
pub fn place(mut accepted: Vec<Request>, free: Option<i64>) -> Vec<Placed> {
    accepted.sort_by(serve_order);
    let mut left = free;
    accepted
        .into_iter()
        .enumerate()
        .map(|(i, request)| {
            let scheduled = match &mut left {
                None => true,
                Some(units) if request.quantity <= *units => {
                    *units -= request.quantity;
                    true
                }
                Some(_) => false,
            };
            Placed {
                request,
                position: i + 1,
                scheduled,
            }
        })
        .collect()
}

pub fn queue_of(
    conn: &mut DbConnection,
    service_id: i64,
    now: DateTime<Utc>,
) -> Result<Queue, AppError> {
    let period = current_period(conn, now)?;
    let plans = Plan::of_services(conn, &[service_id])?;
    let capacity = plan_at(&plans, now).and_then(|p| p.plan.capacity);
    let delivered = Request::delivered_units(
        conn,
        service_id,
        period.start().naive_utc(),
        period.end().naive_utc(),
    )?;
    let free = capacity.map(|c| (c - delivered).max(0));
    let entries = place(Request::accepted_of(conn, service_id)?, free);
    Ok(Queue {
        service_id,
        period,
        capacity,
        delivered,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RequestStatus;
    use chrono::NaiveDateTime;

    fn accepted(id: i64, quantity: i64, offer: i64, minute: i64) -> Request {
        Request {
            id,
            service_id: 1,
            team_id: 2,
            request_type_id: 1,
            quantity,
            purpose: String::new(),
            bet_id: None,
            max_total: offer,
            status: RequestStatus::Accepted,
            quote_total: Some(offer),
            quote_expires_at: None,
            quoted_at: None,
            offer: Some(offer),
            accepted_at: Some(NaiveDateTime::default() + chrono::TimeDelta::minutes(minute)),
            closed_at: None,
            closed_by: None,
            close_reason: None,
            created_by: 1,
            created_at: NaiveDateTime::default(),
        }
    }

    fn order(placed: &[Placed]) -> Vec<(i64, bool)> {
        placed.iter().map(|p| (p.request.id, p.scheduled)).collect()
    }

    #[test]
    fn the_highest_price_per_unit_is_served_first_then_the_earliest_then_the_lowest_id() {
        let queue = place(
            vec![
                accepted(1, 10, 1_000, 0), // 100 a unit
                accepted(2, 2, 400, 5),    // 200 a unit
                accepted(3, 4, 400, 1),    // 100 a unit, accepted after 1
                accepted(4, 4, 400, 1),    // same as 3, higher id
            ],
            None,
        );
        assert_eq!(order(&queue), [(2, true), (1, true), (3, true), (4, true)]);
        assert_eq!(queue[0].position, 1);
    }

    #[test]
    fn what_does_not_fit_waits_and_a_smaller_request_further_down_may_still_fit() {
        let queue = place(
            vec![
                accepted(1, 6, 1_200, 0), // 200 a unit
                accepted(2, 5, 750, 0),   // 150 a unit: 6 + 5 > 8
                accepted(3, 2, 200, 0),   // 100 a unit: fits in the 2 left
            ],
            Some(8),
        );
        assert_eq!(order(&queue), [(1, true), (2, false), (3, true)]);
    }

    #[test]
    fn per_unit_prices_compare_exactly_even_where_division_would_round() {
        // 1/3 against 333/1000: a float or integer division could call them equal or reverse.
        let queue = place(vec![accepted(1, 1_000, 333, 0), accepted(2, 3, 1, 1)], None);
        assert_eq!(order(&queue), [(2, true), (1, true)]);
    }
}
