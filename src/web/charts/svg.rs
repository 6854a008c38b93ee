//! A tiny SVG writer. It owns the two things that make the output safe to embed in HTML: every
//! text and attribute value is XML-escaped on the way in, and elements are closed by construction
//! (an element is either empty, holds escaped text, or holds what a closure writes), so tags always
//! balance.

/// Something that can be written as an attribute value.
pub(super) trait AttrValue {
    fn write_to(&self, out: &mut String);
}

impl AttrValue for f64 {
    fn write_to(&self, out: &mut String) {
        out.push_str(&num(*self));
    }
}

impl AttrValue for &str {
    fn write_to(&self, out: &mut String) {
        escape_into(out, self);
    }
}

impl AttrValue for &String {
    fn write_to(&self, out: &mut String) {
        escape_into(out, self);
    }
}

impl AttrValue for i64 {
    fn write_to(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

/// An SVG document being written.
pub(super) struct Svg {
    out: String,
}

impl Svg {
    pub(super) fn new() -> Self {
        Svg {
            out: String::with_capacity(8 * 1024),
        }
    }

    /// Starts an element; finish it with [`El::end`], [`El::text`] or [`El::with`].
    pub(super) fn el(&mut self, name: &'static str) -> El<'_> {
        self.out.push('<');
        self.out.push_str(name);
        El { svg: self, name }
    }

    /// Escaped character data inside the current element.
    pub(super) fn text(&mut self, s: &str) {
        escape_into(&mut self.out, s);
    }

    pub(super) fn finish(self) -> String {
        self.out
    }
}

/// An element whose start tag is open.
#[must_use = "an element must be finished with end(), text() or with()"]
pub(super) struct El<'a> {
    svg: &'a mut Svg,
    name: &'static str,
}

impl El<'_> {
    /// Adds an attribute; the value is escaped (strings) or rounded to 2 decimals (numbers).
    pub(super) fn a(self, key: &'static str, value: impl AttrValue) -> Self {
        let out = &mut self.svg.out;
        out.push(' ');
        out.push_str(key);
        out.push_str("=\"");
        value.write_to(out);
        out.push('"');
        self
    }

    /// Closes the element empty: `<name .../>`.
    pub(super) fn end(self) {
        self.svg.out.push_str("/>");
    }

    /// Closes the element around escaped text: `<name ...>text</name>`.
    pub(super) fn text(self, s: &str) {
        self.with(|svg| svg.text(s));
    }

    /// Closes the element around whatever `children` writes.
    pub(super) fn with(self, children: impl FnOnce(&mut Svg)) {
        self.svg.out.push('>');
        children(self.svg);
        self.svg.out.push_str("</");
        self.svg.out.push_str(self.name);
        self.svg.out.push('>');
    }
}

/// Appends `s` escaped for both text and attribute values. Characters XML 1.0 forbids (most
/// control characters) become U+FFFD, so even hostile input yields a well-formed document.
pub(super) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// A coordinate as written: at most 2 decimals, no trailing zeros, no `-0`. Non-finite values
/// (which the layouts never produce) become 0 and huge ones are clamped, so the output stays
/// valid and short whatever happens.
pub(super) fn num(v: f64) -> String {
    let v = if v.is_finite() {
        v.clamp(-1e7, 1e7)
    } else {
        0.0
    };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        let mut svg = Svg::new();
        svg.el("text")
            .a("data-x", "<script>&\"'")
            .text("<script>&\"' \u{0}");
        assert_eq!(
            svg.finish(),
            "<text data-x=\"&lt;script&gt;&amp;&quot;&#39;\">&lt;script&gt;&amp;&quot;&#39; \u{FFFD}</text>"
        );
    }

    #[test]
    fn elements_nest_and_close() {
        let mut svg = Svg::new();
        svg.el("g").a("x", 1.005).with(|s| {
            s.el("rect").a("w", -0.001).end();
            s.el("circle").a("r", f64::NAN).a("n", 3_i64).text("t");
        });
        assert_eq!(
            svg.finish(),
            "<g x=\"1\"><rect w=\"0\"/><circle r=\"0\" n=\"3\">t</circle></g>"
        );
    }

    #[test]
    fn numbers_are_short_and_bounded() {
        assert_eq!(num(12.345_6), "12.35");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-0.004), "0");
        assert_eq!(num(1e300), "10000000");
        assert_eq!(num(f64::INFINITY), "0");
    }
}
