//! A race in time, in words: how long until or since its finish ("finishes 2027-01-15, in 12
//! days", "finished 3 days ago: waiting for the committee's decision"), and a service's
//! messages with their instants held together as the pages write them, so that no date breaks
//! across lines.

use chrono::{DateTime, TimeDelta, Utc};

use crate::web::format::{count, date, datetime};

/// A span of time in whole units, cut down: "12 days", "1 day", "5 hours", "under an hour".
fn span(d: TimeDelta) -> String {
    let hours = d.num_hours();
    if hours >= 24 {
        count(
            usize::try_from(hours / 24).unwrap_or(usize::MAX),
            "day",
            "days",
        )
    } else if hours >= 1 {
        count(usize::try_from(hours).unwrap_or(0), "hour", "hours")
    } else {
        "under an hour".to_owned()
    }
}

/// Where a running race stands in time: "finishes 2027-01-15, in 12 days", "finishes
/// 2027-01-15 14:05 UTC, in 5 hours", "finished 3 days ago: waiting for the committee's
/// decision".
pub fn finish_text(finish: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if now < finish {
        let left = finish - now;
        let when = if left >= TimeDelta::days(1) {
            date(finish)
        } else {
            datetime(finish)
        };
        format!("finishes {when}, in {}", span(left))
    } else {
        let ago = span(now - finish);
        let ago = if ago == "under an hour" {
            "under an hour ago".to_owned()
        } else {
            format!("{ago} ago")
        };
        format!("finished {ago}: waiting for the committee's decision")
    }
}

/// A service's message with its instants ("2026-12-18 03:03 UTC", as `domain::time::display`
/// writes them) held together the way the pages write them (`format::datetime`): no-break
/// hyphens and spaces, so that a date never breaks across lines.
pub fn hold_instants(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |j: usize| chars.get(j).is_some_and(char::is_ascii_digit);
    let is = |j: usize, c: char| chars.get(j) == Some(&c);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let date = (i == 0 || !digit(i - 1))
            && (0..4).all(|k| digit(i + k))
            && is(i + 4, '-')
            && digit(i + 5)
            && digit(i + 6)
            && is(i + 7, '-')
            && digit(i + 8)
            && digit(i + 9);
        if !date {
            out.push(c);
            i += 1;
            continue;
        }
        out.extend(
            chars[i..i + 10]
                .iter()
                .map(|c| if *c == '-' { '\u{2011}' } else { *c }),
        );
        i += 10;
        if is(i, ' ')
            && digit(i + 1)
            && digit(i + 2)
            && is(i + 3, ':')
            && digit(i + 4)
            && digit(i + 5)
        {
            out.push('\u{a0}');
            out.extend(&chars[i + 1..i + 6]);
            i += 6;
            if is(i, ' ') && is(i + 1, 'U') && is(i + 2, 'T') && is(i + 3, 'C') {
                out.push_str("\u{a0}UTC");
                i += 4;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, d, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn plain(s: String) -> String {
        s.replace(['\u{2011}'], "-").replace('\u{a0}', " ")
    }

    #[test]
    fn the_finish_reads_in_days_or_hours() {
        assert_eq!(
            plain(finish_text(t(15, 12), t(3, 9))),
            "finishes 2027-01-15, in 12 days"
        );
        assert_eq!(
            plain(finish_text(t(15, 12), t(15, 7))),
            "finishes 2027-01-15 12:00 UTC, in 5 hours"
        );
        assert_eq!(
            plain(finish_text(t(15, 12), t(18, 13))),
            "finished 3 days ago: waiting for the committee's decision"
        );
        assert_eq!(
            plain(finish_text(t(15, 12), t(15, 12))),
            "finished under an hour ago: waiting for the committee's decision"
        );
    }

    #[test]
    fn a_services_instants_are_held_together() {
        assert_eq!(
            hold_instants("after the current one (2026-12-18 03:03 UTC) and now"),
            "after the current one (2026\u{2011}12\u{2011}18\u{a0}03:03\u{a0}UTC) and now"
        );
        assert_eq!(
            hold_instants("on 2026-12-18."),
            "on 2026\u{2011}12\u{2011}18."
        );
        assert_eq!(hold_instants("bet 12026-12-18x"), "bet 12026-12-18x");
        assert_eq!(hold_instants("é 2026-1"), "é 2026-1");
    }
}
