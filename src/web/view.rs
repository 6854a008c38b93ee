//! Small pieces the templates share: money with its currency, signed changes with their
//! colour class, chips that carry a word and a glyph as well as a colour.

use crate::domain::Currency;

/// A signed change: the text always carries its sign, the class its colour.
pub struct Change {
    pub text: String,
    pub class: &'static str,
}

pub fn change(currency: &Currency, minor: i64) -> Change {
    match minor.signum() {
        1 => Change {
            text: format!("+{}", currency.format_amount(minor)),
            class: "up",
        },
        -1 => Change {
            text: currency.format_amount(minor),
            class: "down",
        },
        _ => Change {
            text: currency.format_amount(0),
            class: "",
        },
    }
}

/// A decision, outcome or flag as a chip: a glyph and a word, coloured by meaning.
pub struct Chip {
    pub class: String,
    pub text: String,
}

pub fn chip(word: &str) -> Chip {
    let glyph = match word {
        "increase" | "beat" | "on track" => "▲ ",
        "decrease" | "miss" | "at risk" | "cut" => "▼ ",
        "killed" => "✕ ",
        "pinned" => "◆ ",
        "seed" => "● ",
        "stale" | "outlier" => "! ",
        _ => "",
    };
    Chip {
        class: format!("chip chip-{}", word.replace([' ', '_'], "-")),
        text: format!("{glyph}{}", word.replace('_', " ")),
    }
}

/// "1 bet", "2 bets".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
