//! Small pieces the templates share: measured values with their unit (a dash before there is an
//! estimate), signed changes with their colour class, chips that carry a word and a glyph as well
//! as a colour.

use crate::domain::Currency;
use crate::engine::Decision;
use crate::web::format;

/// A measured value with its unit, to three significant figures: "12.3 ms".
pub fn measure(value: f64, unit: &str) -> String {
    format!("{} {unit}", format::sig3(value))
}

/// A level the engine may not have estimated yet.
pub fn level(value: Option<f64>, unit: &str) -> String {
    value.map_or(format::MISSING.to_owned(), |v| measure(v, unit))
}

/// A probability of beating the threshold, or a dash before there is an estimate. It sits
/// beside an outcome judged at `confidence` (a beat from c, a miss up to 1 - c), so it never
/// reads across either rule: 0.796 at c = 0.8 is "79.6%", not "80%".
pub fn p_beat(p: Option<f64>, confidence: f64) -> String {
    let rules = [
        format::Rule::AtLeast(confidence),
        format::Rule::AtMost(1.0 - confidence),
    ];
    p.map_or(format::MISSING.to_owned(), |p| {
        format::percent_beside(p, &rules)
    })
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

/// A round's decision for a bet. A kill the committee waived reads as such, not as the "cut"
/// the engine records when the bet it kept alive gets no money (a pinned grant says "pinned").
pub fn decision_chip(decision: Decision, kill_waived: bool) -> Chip {
    if !kill_waived || decision == Decision::Pinned {
        return chip(decision.as_str());
    }
    let mut waived = chip("pinned");
    waived.text = if decision == Decision::Cut {
        "◆ kill waived".to_owned()
    } else {
        format!("◆ kill waived, {}", decision.as_str())
    };
    waived
}

/// "1 bet", "2 bets".
pub fn count(n: usize, noun: &str) -> String {
    format::count(n, noun, &format!("{noun}s"))
}
