//! The product's closed vocabularies, stored as text and exchanged as snake_case words.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares an enum stored as a word, with `as_str`, `FromStr` and `Display` kept in one place.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
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
    /// What a user may do: see DESIGN.md's table of roles.
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
    /// A bet's life: proposed by its team, activated by the committee, then killed or graduated.
    BetStatus { Proposed => "proposed", Active => "active", Killed => "killed", Graduated => "graduated" }
}

impl Role {
    /// Members and partners belong to exactly one team; committee and execs to none.
    pub fn needs_team(self) -> bool {
        matches!(self, Role::Member | Role::Partner)
    }
}

impl BetStatus {
    /// Killed and graduated bets take no more reports or thresholds.
    pub fn is_closed(self) -> bool {
        matches!(self, BetStatus::Killed | BetStatus::Graduated)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        for status in BetStatus::ALL {
            assert_eq!(status.as_str().parse::<BetStatus>(), Ok(*status));
        }
        assert!("Committee".parse::<Role>().is_err());
    }
}
