//! Small pieces the templates share: measured values with their unit (a dash before there is an
//! estimate), signed changes with their colour class, chips that carry a word and a glyph as well
//! as a colour.

use crate::domain::Currency;
use crate::web::format;

/// A measured value with its unit, to three significant figures: "12.3 ms".
pub fn measure(value: f64, unit: &str) -> String {
    format!("{} {unit}", format::sig3(value))
}

/// A level the engine may not have estimated yet.
pub fn level(value: Option<f64>, unit: &str) -> String {
    value.map_or(format::MISSING.to_owned(), |v| measure(v, unit))
}

/// A probability of beating the threshold, or a dash before there is an estimate.
pub fn p_beat(p: Option<f64>) -> String {
    p.map_or(format::MISSING.to_owned(), format::percent)
}

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
