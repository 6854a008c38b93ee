//! The demo portfolio: who races in which arena, and how each bet's metric really moves. The
//! numbers are invented but shaped like real product metrics.

mod logistics;
mod messaging;
mod payments;
mod search;

use crate::domain::{Direction, TeamKind};

pub struct TeamSpec {
    pub name: &'static str,
    pub kind: TeamKind,
    /// The members (the first is the one whose token the demo prints for its role).
    pub people: &'static [&'static str],
}

/// A bet of the demo and how its metric really moves.
pub struct BetSpec {
    pub arena: usize,
    pub team: usize,
    pub title: &'static str,
    pub thesis: &'static str,
    pub metric: &'static str,
    pub unit: &'static str,
    pub direction: Direction,
    pub baseline: f64,
    pub target: f64,
    /// A second, harder target from the third round on (0 when none).
    pub later_target: f64,
    /// How the metric moves per week, in units (positive is up).
    pub drift: f64,
    /// Week-to-week noise, in units.
    pub noise: f64,
    /// The round before which the bet starts (0: from the beginning).
    pub starts_before_round: usize,
    pub seed_request: Option<i64>,
}

pub const ARENAS: [(&str, &str); 4] = [
    (
        "Mobile messaging",
        "Four pods race to make the app the place people talk every day.",
    ),
    (
        "Payments",
        "Money moving inside the app: faster checkout, fewer disputes.",
    ),
    (
        "Search",
        "Finding anything in under a second, and the right thing first.",
    ),
    (
        "Logistics",
        "Parcels from warehouse to door: sooner, cheaper, fewer misses.",
    ),
];

pub const TEAMS: [TeamSpec; 12] = [
    TeamSpec {
        name: "Pod Alpha",
        kind: TeamKind::Internal,
        people: &["ava", "arun", "alma"],
    },
    TeamSpec {
        name: "Pod Bravo",
        kind: TeamKind::Internal,
        people: &["ben", "bea"],
    },
    TeamSpec {
        name: "Pod Charlie",
        kind: TeamKind::Internal,
        people: &["chen", "cleo"],
    },
    TeamSpec {
        name: "Pod Delta",
        kind: TeamKind::Internal,
        people: &["dara", "dev"],
    },
    TeamSpec {
        name: "Pod Echo",
        kind: TeamKind::Internal,
        people: &["eli", "emma"],
    },
    TeamSpec {
        name: "Pod Foxtrot",
        kind: TeamKind::Internal,
        people: &["finn", "fatima"],
    },
    TeamSpec {
        name: "Pod Golf",
        kind: TeamKind::Internal,
        people: &["gus", "grace"],
    },
    TeamSpec {
        name: "Pod Hotel",
        kind: TeamKind::Internal,
        people: &["hana", "hugo"],
    },
    TeamSpec {
        name: "Pod India",
        kind: TeamKind::Internal,
        people: &["ines", "ivan"],
    },
    TeamSpec {
        name: "Pod Juliet",
        kind: TeamKind::Internal,
        people: &["jo", "jamal"],
    },
    TeamSpec {
        name: "Northwind Labs",
        kind: TeamKind::External,
        people: &["nia"],
    },
    TeamSpec {
        name: "Kestrel Systems",
        kind: TeamKind::External,
        people: &["kai"],
    },
];

const UP: Direction = Direction::HigherIsBetter;
const DOWN: Direction = Direction::LowerIsBetter;

/// Every bet of the demo, in the order it is registered: arena by arena, then the two that
/// joined after the rest ("Channel posts", "Merchant loans"), so that their ids come last.
pub fn bets() -> impl Iterator<Item = &'static BetSpec> {
    messaging::BETS
        .iter()
        .chain(&payments::BETS)
        .chain(&search::BETS)
        .chain(&logistics::BETS)
        .chain([&messaging::CHANNEL_POSTS, &payments::MERCHANT_LOANS])
}

/// The rounds: (days after the start, budget in cents).
pub const ROUNDS: [(i64, i64); 4] = [
    (49, 300_000_000),
    (91, 400_000_000),
    (133, 450_000_000),
    (175, 500_000_000),
];

/// How many days of history the demo covers.
pub const DAYS: i64 = 182;
