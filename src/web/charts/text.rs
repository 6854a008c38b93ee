//! Text metrics without a font: an estimate of how wide a label will be, and cutting or wrapping
//! labels to a width. The layouts use these to size margins, keep tick labels, chips and legend
//! entries apart, and never let a long name run off the chart.

/// Estimated advance width of `s` at font size `size` in a sans-serif font. The widths are those
/// of DejaVu Sans, one of the widest fallbacks `system-ui` may resolve to, so that in the usual
/// narrower fonts labels only gain space: an overestimate costs a little room, an underestimate
/// overlaps labels.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
            ' ' => 0.33,
            'f' | 'r' | 't' | 'I' | '(' | ')' | '-' | '\u{2011}' | '[' | ']' | '/' => 0.42,
            'm' | 'M' | 'W' | '@' | '%' | '—' => 0.98,
            'w' => 0.83,
            'A'..='Z' => 0.73,
            '0'..='9' | '…' => 0.64,
            c if c >= '\u{2E80}' => 1.0,
            _ => 0.61,
        })
        .sum();
    em * size
}

/// `s` cut to fit `max_width`, ending in an ellipsis when something was cut.
pub(super) fn fit(s: &str, max_width: f64, size: f64) -> String {
    if text_width(s, size) <= max_width {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if text_width(&out, size) + text_width("…", size) > max_width {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}

/// `s` wrapped at spaces into at most `max_lines` lines of `max_width`; the last line is cut
/// with an ellipsis when the text does not fit.
pub(super) fn wrap(s: &str, max_width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || text_width(&candidate, size) <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines.max(1) {
        let rest = lines.split_off(max_lines.max(1) - 1).join(" ");
        lines.push(rest);
    }
    lines
        .into_iter()
        .map(|line| fit(&line, max_width, size))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_wrap_respect_width() {
        assert_eq!(fit("short", 200.0, 15.0), "short");
        let cut = fit("a rather long label that will not fit", 100.0, 15.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, 15.0) <= 100.0,
            "{cut}"
        );
        let lines = wrap("one two three four five six seven eight", 90.0, 15.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("", 90.0, 15.0, 2), vec![String::new()]);
        assert_eq!(wrap("tiny", 90.0, 15.0, 0), vec!["tiny".to_owned()]);
    }
}
