//! On a bet's page, what the bet cost its team in the market beyond its grants: subscriptions
//! and delivered requests paid for it, what is on hold for it, and the net after both. Shown to
//! those who read its team's books.

use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::domain::{Actor, Currency};
use crate::error::AppError;
use crate::services::market::bet_costs::{BetCosts, bet_costs};

pub struct BetCostView {
    pub subscriptions: String,
    pub requests: String,
    pub on_hold: String,
    pub paid: String,
    /// Granted minus paid: what the bet left of its grants.
    pub net: String,
    pub net_class: &'static str,
    pub share: String,
}

/// The bet's costs if `actor` reads its team's books; else none.
pub fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    bet: &Bet,
) -> Result<Option<BetCosts>, AppError> {
    if actor.reads_books_of(bet.team_id) {
        bet_costs(conn, actor, bet).map(Some)
    } else {
        Ok(None)
    }
}

pub fn view(costs: BetCosts, granted: i64, c: &Currency) -> BetCostView {
    let net = granted - costs.paid();
    BetCostView {
        subscriptions: c.format(costs.subscriptions),
        requests: c.format(costs.requests),
        on_hold: c.format(costs.on_hold),
        paid: c.format(costs.paid()),
        net: c.format(net),
        net_class: if net < 0 { "down" } else { "" },
        share: if granted > 0 {
            #[allow(clippy::cast_precision_loss)] // a share for reading, not for money
            let share = costs.paid() as f64 / granted as f64;
            format!("{} of its grants", crate::web::format::percent(share))
        } else {
            "no grants yet".to_owned()
        },
    }
}
