//! Test helpers: a small XML well-formedness checker for the charts' output, so every chart test
//! can assert that tags balance, attributes are quoted and unique, and every `&` starts an entity;
//! and the fixtures the chart tests share.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use super::{
    Bar, MetricChart, ReportPoint, RoundMark, Series, StackedBars, ThresholdStep, Trend,
    stacked_bars,
};

/// Element name -> how many times it occurs, if `xml` is one well-formed element.
pub(super) fn check(xml: &str) -> Result<BTreeMap<String, usize>, String> {
    let mut counts = BTreeMap::new();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open])?;
        if open > 0 && stack.is_empty() {
            return Err(format!("text outside the root: {:?}", &rest[..open]));
        }
        let tag_len =
            tag_end(&rest[open..]).ok_or_else(|| format!("unclosed tag at {:?}", &rest[open..]))?;
        let tag = &rest[open + 1..open + tag_len];
        rest = &rest[open + tag_len + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(top) if top == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let (body, empty) = tag.strip_suffix('/').map_or((tag, false), |b| (b, true));
        let name = body.split_whitespace().next().unwrap_or("").to_owned();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("bad element name in <{tag}>"));
        }
        check_attributes(&body[name.len()..])?;
        if stack.is_empty() {
            roots += 1;
        }
        *counts.entry(name.clone()).or_insert(0) += 1;
        if !empty {
            stack.push(name);
        }
    }
    check_text(rest)?;
    match (roots, stack.is_empty(), rest.trim().is_empty()) {
        (1, true, true) => Ok(counts),
        _ => Err(format!(
            "{roots} roots, still open {stack:?}, trailing {rest:?}"
        )),
    }
}

/// Index of the `>` that ends the tag starting at `s[0] == '<'`, skipping quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quoted = false;
    s.char_indices()
        .skip(1)
        .find_map(|(i, c)| match c {
            '"' => {
                quoted = !quoted;
                None
            }
            '>' if !quoted => Some(i),
            '<' if !quoted => Some(usize::MAX),
            _ => None,
        })
        .filter(|i| *i != usize::MAX)
}

fn check_text(text: &str) -> Result<(), String> {
    if text.contains('>') {
        return Err(format!("unescaped > in {text:?}"));
    }
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        if !["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
            .iter()
            .any(|e| entity.starts_with(e))
        {
            return Err(format!("bare & in {text:?}"));
        }
    }
    Ok(())
}

fn check_attributes(mut s: &str) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s
            .find("=\"")
            .ok_or_else(|| format!("unquoted attribute in {s:?}"))?;
        let name = &s[..eq];
        if seen.contains(&name) || name.contains(char::is_whitespace) {
            return Err(format!("duplicate or bad attribute {name:?}"));
        }
        seen.push(name);
        let value_len = s[eq + 2..].find('"').ok_or("unterminated attribute")?;
        let value = &s[eq + 2..eq + 2 + value_len];
        if value.contains('<') {
            return Err(format!("< in attribute {name}"));
        }
        check_text(value)?;
        s = &s[eq + 3 + value_len..];
    }
}

/// The two layouts of a big chart's output, wide then narrow. Fails the test unless the output
/// is exactly the two wrappers the stylesheet expects, each around one well-formed `<svg>`.
pub(super) fn layouts(html: &str) -> [String; 2] {
    let rest = html
        .strip_prefix("<div class=\"chart-wide\">")
        .unwrap_or_else(|| panic!("no wide wrapper: {html:.80}"));
    let (wide, narrow) = rest
        .strip_suffix("</div>")
        .and_then(|r| r.split_once("</div><div class=\"chart-narrow\">"))
        .unwrap_or_else(|| panic!("no narrow wrapper: {html:.80}"));
    for svg in [wide, narrow] {
        check(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    }
    // Dates are written with no-break hyphens (`format::date`); the tests spell them with `-`.
    [wide, narrow].map(|svg| svg.replace('\u{2011}', "-"))
}

/// The viewBox width of a chart.
pub(super) fn view_width(svg: &str) -> f64 {
    svg.split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|w| w.parse().ok())
        .unwrap_or(0.0)
}

/// How many `<name …>` elements contain a `<title>` as their first child.
pub(super) fn titled(xml: &str, name: &str) -> usize {
    xml.match_indices(&format!("<{name} "))
        .filter(|(i, _)| {
            xml[*i..]
                .find('>')
                .is_some_and(|end| xml[i + end + 1..].starts_with("<title>"))
        })
        .count()
}

#[test]
fn checker_rejects_broken_xml() {
    assert!(check("<svg><g></svg>").is_err());
    assert!(check("<svg a=\"1\" a=\"2\"/>").is_err());
    assert!(check("<svg>a & b</svg>").is_err());
    assert!(check("<svg/><svg/>").is_err());
    assert!(check("<svg a=1/>").is_err());
    assert!(check("<svg><text>x > y</text></svg>").is_err());
    let ok = check("<svg a=\"x&amp;y\"><g><text>a &lt; b</text><rect/></g></svg>");
    assert_eq!(ok.map(|c| c.get("rect").copied()), Ok(Some(1)));
}

/// Every `<text>` uses one of the two text colours (both at least 4.5:1 on white) and no font
/// smaller than the 15-unit label size.
pub(super) fn assert_readable_text(xml: &str) {
    for (i, _) in xml.match_indices("<text ") {
        let tag = &xml[i..i + xml[i..].find('>').unwrap_or(0)];
        assert!(
            tag.contains("fill=\"#1a1a1a\"") || tag.contains("fill=\"#555555\""),
            "text colour in {tag}"
        );
        if let Some(size) = tag
            .split("font-size=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            assert!(
                size.parse::<f64>().is_ok_and(|s| s >= 15.0),
                "font size in {tag}"
            );
        }
    }
}

// Fixtures.

pub(super) fn at(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

pub(super) fn report(
    id: i64,
    at: DateTime<Utc>,
    value: f64,
    superseded_by: Option<i64>,
) -> ReportPoint {
    ReportPoint {
        id,
        at,
        value,
        superseded_by,
    }
}

pub(super) fn chart<'a>(
    reports: &'a [ReportPoint],
    thresholds: &'a [ThresholdStep],
    rounds: &'a [RoundMark],
    trend: Option<Trend>,
) -> MetricChart<'a> {
    MetricChart {
        title: "Signups beat the threshold",
        metric: "Weekly signups",
        unit: "users",
        reports,
        thresholds,
        trend,
        rounds,
    }
}

pub(super) fn categories(n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("R{i} 2026-0{}-30", i % 9 + 1))
        .collect()
}

/// A series keyed by its name's bytes, so every series of a test has its own stable key.
pub(super) fn series(name: &str, values: &[i64], ended_after: Option<usize>) -> Series {
    let key = name
        .bytes()
        .fold(0_i64, |k, b| k.wrapping_mul(31).wrapping_add(i64::from(b)));
    Series {
        name: name.into(),
        values: values.to_vec(),
        ended_after,
        key: Some(key),
    }
}

pub(super) fn stacked(categories: &[String], series: &[Series]) -> String {
    stacked_bars(&StackedBars {
        title: "Where the money went",
        categories,
        series,
        currency: "USD",
        exponent: 2,
    })
}

pub(super) fn bar(label: &str, value: i64, note: Option<&str>) -> Bar {
    Bar {
        label: label.into(),
        value,
        note: note.map(str::to_owned),
    }
}
