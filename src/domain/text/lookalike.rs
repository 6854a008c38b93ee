//! When two names look the same to a reader: their Unicode confusable skeletons (UTS #39) of
//! the case-folded text are equal. "Tеam Y" with a Cyrillic е, "TEAM Y" and "Team Y" share one
//! key, so a second team cannot pass for the first in a list or a dropdown.

use unicode_security::skeleton;

/// The key two names share exactly when a reader could take one for the other.
pub fn lookalike_key(name: &str) -> String {
    // Skeleton, lowercase, skeleton again: a capital's lowercase may have a prototype of its
    // own (Greek Τ lowercases to τ, whose prototype is ᴛ, not t), and some prototypes are
    // capitals.
    let first: String = skeleton(name).collect();
    skeleton(&first.to_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::lookalike_key;

    #[test]
    fn names_that_read_the_same_share_a_key() {
        let team = lookalike_key("Team Y");
        for same in ["Tеam Y", "TEAM Y", "team y", "Τeam Y"] {
            assert_eq!(lookalike_key(same), team, "{same:?}");
        }
        for other in ["Team Z", "Team Y2", "Teams Y"] {
            assert_ne!(lookalike_key(other), team, "{other:?}");
        }
    }
}
