//! The product's closed vocabularies, stored as text and exchanged as snake_case words. Rows
//! hold them typed (`db::words` reads and writes them), so nothing compares a status as a string.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Declares an enum stored as a word, with `as_str`, `FromStr` and `Display` kept in one place.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($word => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {other:?}; expected one of: {}",
                        stringify!($name).to_lowercase(),
                        [$($word),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum! {
    /// What a user may do: see the table of roles in `docs/design.md`.
    Role { Committee => "committee", Member => "member", Exec => "exec", Partner => "partner" }
}

word_enum! {
    /// A pod inside the company or an external partner team.
    TeamKind { Internal => "internal", External => "external" }
}

word_enum! {
    /// How far a bet has come: exploring, validating, scaling.
    Stage { Explore => "explore", Validate => "validate", Scale => "scale" }
}

word_enum! {
    /// A bet's life: proposed by its team, activated by the committee, then killed, graduated,
    /// or merged into the winner of a race it lost.
    BetStatus {
        Proposed => "proposed", Active => "active", Killed => "killed", Graduated => "graduated",
        Merged => "merged"
    }
}

word_enum! {
    /// A funding round's life: a draft, previewed as often as wanted, then committed for good.
    RoundStatus { Draft => "draft", Committed => "committed" }
}

word_enum! {
    /// API tokens for scripts; session tokens behind a web sign-in cookie.
    TokenKind { Api => "api", Session => "session" }
}

word_enum! {
    /// The ledger's accounts: the portfolio's, which funds rounds; each team's; and each team's
    /// hold account, where the money of the requests it accepted waits for delivery.
    AccountKind { Portfolio => "portfolio", Team => "team", Hold => "hold" }
}

word_enum! {
    /// What moved money: a round's grant, a billing run's subscription charge, a request's hold
    /// (and its raise), the release of a hold, the payment of a delivered request.
    EntryKind {
        Grant => "grant", Charge => "charge", Hold => "hold", Release => "release",
        Payment => "payment"
    }
}

word_enum! {
    /// A request's life: open, quoted, accepted (money held), then delivered (paid), or
    /// declined, withdrawn or cancelled (money released).
    RequestStatus {
        Open => "open", Quoted => "quoted", Accepted => "accepted", Delivered => "delivered",
        Declined => "declined", Withdrawn => "withdrawn", Cancelled => "cancelled"
    }
}

word_enum! {
    /// A billing run's life: a draft, previewed as often as wanted, then committed once.
    BillingRunStatus { Draft => "draft", Committed => "committed" }
}

word_enum! {
    /// What a race compares: the racers' common metric, or each one's progress toward its own
    /// threshold.
    RaceMeasure { Metric => "metric", Progress => "progress" }
}

word_enum! {
    /// A race's life: under way until the committee decides it.
    RaceStatus { Running => "running", Decided => "decided" }
}

word_enum! {
    /// What became of a racer: the winner; a loser killed, merged into the winner or continuing
    /// outside the race; or a bet that left the race before its end (killed by a round).
    RacerFate {
        Winner => "winner", Killed => "killed", Merged => "merged", Continues => "continues",
        Left => "left"
    }
}

impl Stage {
    /// The stage a race's winner moves to: explore -> validate -> scale (scale stays).
    pub fn next(self) -> Stage {
        match self {
            Stage::Explore => Stage::Validate,
            Stage::Validate | Stage::Scale => Stage::Scale,
        }
    }
}

impl Role {
    /// Members and partners belong to exactly one team; committee and execs to none.
    pub fn needs_team(self) -> bool {
        matches!(self, Role::Member | Role::Partner)
    }
}

impl RequestStatus {
    /// Delivered, declined, withdrawn and cancelled requests change no more.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            RequestStatus::Open | RequestStatus::Quoted | RequestStatus::Accepted
        )
    }
}

impl BetStatus {
    /// Killed and graduated bets take no more reports or thresholds.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            BetStatus::Killed | BetStatus::Graduated | BetStatus::Merged
        )
    }
}

impl FromStr for crate::engine::Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "higher_is_better" => Ok(Self::HigherIsBetter),
            "lower_is_better" => Ok(Self::LowerIsBetter),
            other => Err(format!(
                "unknown direction {other:?}; expected higher_is_better or lower_is_better"
            )),
        }
    }
}

/// The engine's words for an outcome and a decision, read back from the rows that store them.
macro_rules! parse_engine_word {
    ($ty:ty, $what:literal) => {
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("unknown {} {s:?}", $what))
            }
        }
    };
}

parse_engine_word!(crate::engine::Outcome, "outcome");
parse_engine_word!(crate::engine::Decision, "decision");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Decision, Outcome};

    #[test]
    fn words_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        for status in BetStatus::ALL {
            assert_eq!(status.as_str().parse::<BetStatus>(), Ok(*status));
        }
        assert!("Committee".parse::<Role>().is_err());
        for decision in Decision::ALL {
            assert_eq!(decision.as_str().parse::<Decision>(), Ok(decision));
        }
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse::<Outcome>(), Ok(outcome));
        }
        assert_eq!("insufficient_data".parse(), Ok(Outcome::InsufficientData));
        assert!("Beat".parse::<Outcome>().is_err());
    }
}
