//! What every page must pass in a real browser, at every width: nothing wider than the screen,
//! no box whose content is wider than the box (a scroll container hiding content counts), no
//! control outside the viewport, no chart text rendered under 11 px, and no axe-core
//! accessibility violation above "minor". Each check returns the problems it found, in words, so
//! that one run of the tour lists every page's problems at once.

use fantoccini::Client;

/// The layout checks, run in the page. Elements that are meant to be out of sight (the skip
/// link, visually hidden labels, the closed parts of `<details>`, the chart layout not shown)
/// have no box, or are named, and are left out.
const LAYOUT: &str = r#"
const found = new Map();
// One line per kind of element and problem, with how many there are: a table of fifty rows
// with the same fault is one fault.
const report = (el, what) => {
  const key = kind(el) + ' ' + what.replace(/[0-9.-]+/g, '#');
  const seen = found.get(key);
  if (seen) { seen.count += 1; } else { found.set(key, { text: `${name(el)}: ${what}`, count: 1 }); }
};
const kind = (el) => el.tagName.toLowerCase() + '.' + (typeof el.className === 'string' ? el.className : '');
const problems = [];
const root = document.documentElement;
const viewport = root.clientWidth;
if (root.scrollWidth > viewport) {
  problems.push(`the page is ${root.scrollWidth} px wide in a ${viewport} px viewport`);
}
const name = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  const cls = typeof el.className === 'string' ? el.className.trim() : '';
  if (cls) s += '.' + cls.split(/\s+/).join('.');
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
  return text ? `${s} "${text}"` : s;
};
const shown = (el) => {
  const r = el.getBoundingClientRect();
  return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden';
};
const folded = (el) => {
  const closed = el.closest('details:not([open])');
  return closed !== null && !(el.tagName === 'SUMMARY' && el.parentElement === closed);
};
const meant_hidden = (el) => el.closest('.skip, .visually-hidden, [hidden]') !== null || folded(el);
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('svg') || meant_hidden(el) || !shown(el)) continue;
  const style = getComputedStyle(el);
  if (style.display === 'inline' || style.display === 'contents') continue;
  // A text field scrolls its own value; that is how fields work, not a clipped page.
  if (el.matches('input, textarea, select')) continue;
  if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
    report(el, `content ${el.scrollWidth} px wide in a ${el.clientWidth} px box (overflow-x ${style.overflowX})`);
  }
}
for (const el of document.querySelectorAll('input, select, textarea, button, a.button, summary')) {
  if (meant_hidden(el) || !shown(el)) continue;
  const r = el.getBoundingClientRect();
  if (r.left < -0.5 || r.right > viewport + 0.5) {
    report(el, `the control spans ${Math.round(r.left)} to ${Math.round(r.right)} px in a ${viewport} px viewport`);
  }
}
// A field's help and error are tied to its control, so a screen reader reads them with it.
for (const field of document.querySelectorAll('.field')) {
  const control = field.querySelector('input:not([type=hidden]), select, textarea');
  if (!control) continue;
  const described = (control.getAttribute('aria-describedby') || '').split(/\s+/);
  for (const note of field.querySelectorAll('.help, .field-error')) {
    if (!note.id || !described.includes(note.id)) {
      report(note, `help or error not tied to its field ${control.id ? '#' + control.id : ''} by aria-describedby`);
    }
  }
}
// The focus ring keeps 3:1 against what is behind it: focused in turn (no pointer has moved,
// so the browser shows the ring a keyboard user sees), its colour against the first opaque
// background around the control.
const rgb = (css) => (css.match(/[\d.]+/g) || []).map(Number);
const luminance = ([r, g, b]) => {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const backdrop = (el) => {
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
const focusable = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter((el) => !meant_hidden(el) && shown(el)).slice(0, 40);
for (const el of focusable) {
  el.focus({ preventScroll: true });
  const style = getComputedStyle(el);
  if (document.activeElement !== el || style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 1) {
    report(el, 'shows no focus ring');
    continue;
  }
  const [a, b] = [luminance(rgb(style.outlineColor)), luminance(backdrop(el))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 3) report(el, `focus ring at ${ratio.toFixed(2)}:1 against its background`);
}
if (document.activeElement) document.activeElement.blur();
// A date or an instant is read as one thing: it never breaks across lines.
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  // Raw data (the audit's JSON) is exempt: it is shown as stored.
  if (!el || el.closest('svg, script, style, option, code') || meant_hidden(el) || !shown(el)) continue;
  for (const m of node.data.matchAll(/\d{4}[-\u2011]\d{2}[-\u2011]\d{2}(?:[ \u00a0]\d{2}:\d{2}(?:[ \u00a0]UTC)?)?/g)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (tops.size > 1) report(el, `the date "${m[0]}" breaks across lines`);
  }
}
for (const svg of document.querySelectorAll('svg')) {
  const box = svg.viewBox && svg.viewBox.baseVal;
  if (!box || !box.width || !shown(svg)) continue;
  const scale = svg.getBoundingClientRect().width / box.width;
  for (const text of svg.querySelectorAll('text')) {
    const size = parseFloat(getComputedStyle(text).fontSize) * scale;
    if (size < 10.95) {
      problems.push(`chart "${svg.querySelector('title')?.textContent ?? ''}": "${text.textContent}" renders at ${size.toFixed(1)} px`);
      break;
    }
  }
}
for (const { text, count } of found.values()) {
  problems.push(count > 1 ? `${text} (and ${count - 1} more like it)` : text);
}
return problems;
"#;

/// Runs axe-core (injected from its file) and hands back the violations above "minor".
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then((result) => {
  done(result.violations
    // Minor findings pass, but a table header with no text never does: a reader of the
    // table by ear would hear a column without a name.
    .filter((v) => v.impact !== 'minor' || v.id === 'empty-table-header')
    .map((v) => `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`));
}, (error) => done([`axe did not run: ${error}`]));
"#;

/// axe-core's browser build, installed by `.ci/run` (`npm ci --prefix .ci/axe`); `AXE_CORE_JS`
/// names another copy. A missing file fails the tour: it never passes without the check.
pub fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/.ci/axe/node_modules/axe-core/axe.min.js"
        )
        .to_owned()
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("axe-core at {path}: {e} (run `npm ci --prefix .ci/axe`)"))
}

/// Every problem the page in `c` has, each prefixed with `what` (role, width and path).
pub async fn problems(c: &Client, axe: &str, what: &str) -> Vec<String> {
    let mut found = strings(c.execute(LAYOUT, vec![]).await.unwrap());
    c.execute(axe, vec![]).await.unwrap();
    found.extend(strings(c.execute_async(AXE_RUN, vec![]).await.unwrap()));
    found.into_iter().map(|p| format!("{what}: {p}")).collect()
}

fn strings(value: serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
