//! A race as its pages show it, from what was read: who races (a partner sees other racers
//! without their team: "another team"), where the race stands in time, the call in words,
//! the viewer's own bet and what it needs to take the lead, the chart, a P(best) bar per racer
//! with its expected loss, and every racer's row for the race page's table. The arena page and
//! the race page share it (`race_summary.html`).

use super::chart;
use super::load::Loaded;
use super::time_words::finish_text;
use super::words::{CallFacts, Scale, call_text, needed, or_missing, own_line, p_best};
use crate::domain::{Currency, RaceMeasure, RaceStatus, RacerFate};
use crate::engine::{RaceStandings, RacerStanding};
use crate::services::races::RacerLabel;
use crate::web::charts::race::p_best_bar;
use crate::web::format::{MISSING, date, datetime};
use crate::web::view::Chip;

/// One racer's P(best) bar and expected loss.
pub struct BarRow {
    pub title: String,
    pub team: String,
    pub own: bool,
    pub leader: bool,
    /// The bar (an SVG), or empty for a racer that left.
    pub bar: String,
    pub p_best: String,
    /// "expected loss 0.02 users", or empty without a forecast.
    pub loss: String,
    pub left: bool,
}

/// One racer's row of the race page's table.
pub struct RacerRow {
    pub title: String,
    /// The bet's page, for readers who may open it.
    pub href: Option<String>,
    pub team: String,
    pub team_href: Option<String>,
    pub own: bool,
    pub reports: String,
    pub forecast: String,
    pub p_best: String,
    pub loss: String,
    pub gap: String,
    pub fate: Chip,
}

pub struct RaceView {
    pub id: i64,
    pub name: String,
    pub running: bool,
    pub status: Chip,
    /// "Compared on weekly active users (users), higher is better".
    pub measure: String,
    /// "Chat stickers (Pod A), Voice notes (Pod B) and Partner bots (another team)".
    pub racers: String,
    /// "finishes 2027-01-15, in 12 days"; for a decided race "was decided 2027-01-16".
    pub when: String,
    pub call: String,
    /// The viewer's own bet and what it needs, for the people of a racing team.
    pub own: Option<String>,
    /// Why there are no standings, when the engine could not compute them.
    pub trouble: Option<String>,
    pub chart: String,
    pub bars: Vec<BarRow>,
    pub rows: Vec<RacerRow>,
    /// What counts, and what the call needs.
    pub rules: String,
    /// The prize and when it is pinned (a running race's; a decided race's is its outcome's).
    pub prize: Option<String>,
    /// When the expected loss does not exist, why.
    pub unbounded: bool,
    /// The loss and gap are in this: "users", "percentage points of progress".
    pub loss_unit: String,
    /// The P(best) that calls the race: "90%".
    pub needed: String,
}

/// "Chat stickers (Pod A)", "Partner bots (another team)".
pub fn name_of(label: &RacerLabel) -> String {
    format!(
        "{} ({})",
        label.title,
        label.team.as_deref().unwrap_or("another team")
    )
}

/// "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn standing_of(s: Option<&RaceStandings>, bet: i64) -> Option<&RacerStanding> {
    s.and_then(|s| s.racers.iter().find(|r| r.bet_id == bet))
}

/// The call in words, for the page and the chart's title.
pub fn call_of(loaded: &Loaded) -> String {
    let race = &loaded.readable.race;
    let Some(s) = &loaded.standings else {
        return "The standings cannot be computed".to_owned();
    };
    let leader = s.leader.map(|id| {
        let title = loaded
            .readable
            .labels
            .get(&id)
            .map_or("the leader", |l| l.title.as_str());
        (title, standing_of(Some(s), id).and_then(|r| r.p_best))
    });
    call_text(&CallFacts {
        call: s.call,
        leader,
        confidence: race.confidence,
        compared: s.compared,
        in_race: loaded
            .readable
            .racers
            .iter()
            .filter(|r| r.fate != Some(RacerFate::Left))
            .count(),
        min_reports: u32::try_from(race.min_reports).unwrap_or(3),
    })
}

pub fn build(loaded: &Loaded, currency: &Currency) -> RaceView {
    let r = &loaded.readable;
    let race = &r.race;
    let scale = Scale::of(race);
    let running = race.status == RaceStatus::Running;
    let labels: Vec<&RacerLabel> = r.labels.values().collect();
    let names: Vec<String> = labels.iter().map(|l| name_of(l)).collect();
    let measure = match race.measure {
        RaceMeasure::Progress => {
            "Compared on progress toward each bet's own threshold (100% is at it)".to_owned()
        }
        RaceMeasure::Metric => {
            let direction = if scale.lower_is_better {
                "lower"
            } else {
                "higher"
            };
            format!(
                "Compared on {} ({}), {direction} is better",
                race.metric_name.as_deref().unwrap_or("the common metric"),
                scale.unit
            )
        }
    };
    let when = if running {
        finish_text(race.finish_at.and_utc(), loaded.now)
    } else {
        race.decided_at.map_or_else(
            || "was decided".to_owned(),
            |at| format!("was decided {}", date(at.and_utc())),
        )
    };
    let call = call_of(loaded);
    let chart = chart::chart(loaded, &scale, &chart_title(loaded, &scale, &call));
    let rules = format!(
        "Reports observed after {} up to {} count (corrected ones do not). A racer needs {} \
         in the race to be compared; the leader needs a P(best) of {} for a call.",
        datetime(race.starts_at.and_utc()),
        datetime(loaded.evidence_until),
        crate::web::format::count(
            usize::try_from(race.min_reports).unwrap_or(3),
            "report",
            "reports"
        ),
        needed(race.confidence)
    );
    let prize = race.prize.filter(|_| running).map(|p| {
        format!(
            "Prize: {} for the winner, pinned on the next draft round once the race is decided.",
            currency.format(p)
        )
    });
    RaceView {
        id: race.id,
        name: race.name.clone(),
        running,
        status: chip(if running { "running" } else { "decided" }, ""),
        measure,
        racers: and_list(&names),
        when,
        call,
        own: own(loaded, &scale),
        trouble: loaded.trouble.clone(),
        chart,
        bars: labels.iter().map(|l| bar(loaded, l)).collect(),
        rows: labels.iter().map(|l| row(loaded, l, &scale)).collect(),
        rules,
        prize,
        unbounded: loaded.standings.as_ref().is_some_and(|s| s.loss_unbounded),
        loss_unit: if scale.progress {
            "percentage points of progress".to_owned()
        } else {
            scale.unit.clone()
        },
        needed: needed(race.confidence),
    }
}

/// The chart's title, its finding: the leader's forecast and P(best), or why there is none.
fn chart_title(loaded: &Loaded, scale: &Scale, call: &str) -> String {
    let race = &loaded.readable.race;
    let leader = loaded.standings.as_ref().and_then(|s| s.leader);
    let standing = leader.and_then(|id| standing_of(loaded.standings.as_ref(), id));
    match (leader, standing.and_then(|s| s.forecast)) {
        (Some(id), Some(forecast)) => format!(
            "{} leads: forecast {} at the finish on {}, P(best) {}",
            loaded
                .readable
                .labels
                .get(&id)
                .map_or("The leader", |l| l.title.as_str()),
            scale.level(forecast),
            date(race.finish_at.and_utc()),
            p_best(standing.and_then(|s| s.p_best), race.confidence)
        ),
        _ => call.to_owned(),
    }
}

/// For the people of a racing team: where their bet stands and what it needs.
fn own(loaded: &Loaded, scale: &Scale) -> Option<String> {
    let r = &loaded.readable;
    let label = r.labels.values().find(|l| l.own && l.racing)?;
    let s = loaded.standings.as_ref()?;
    let standing = standing_of(Some(s), label.bet_id)?;
    let min = u32::try_from(r.race.min_reports).unwrap_or(3);
    if standing.forecast.is_some() && s.leader.is_none() {
        return Some(format!(
            "{} has its {min} reports; it is compared once another racer has them too.",
            label.title
        ));
    }
    let leads = s.leader == Some(label.bet_id);
    Some(own_line(
        &label.title,
        (leads, standing.gap_to_leader, standing.n),
        min,
        scale,
    ))
}

fn chip(word: &str, glyph: &str) -> Chip {
    Chip {
        class: format!("chip chip-{}", word.split(' ').next().unwrap_or(word)),
        text: format!("{glyph}{word}"),
    }
}

/// A racer's fate as a chip: racing, the winner, killed, merged, continues, or left.
pub fn fate_chip(label: &RacerLabel) -> Chip {
    match label.fate {
        None => chip("racing", ""),
        Some(RacerFate::Winner) => chip("winner", "▲ "),
        Some(RacerFate::Killed) => chip("killed", "✕ "),
        Some(RacerFate::Merged) => chip("merged", ""),
        Some(RacerFate::Continues) => chip("continues", ""),
        Some(RacerFate::Left) => chip("left the race (closed)", ""),
    }
}

fn loss(loaded: &Loaded, standing: Option<&RacerStanding>, scale: &Scale) -> String {
    match standing {
        Some(s) if s.forecast.is_none() => "not enough data".to_owned(),
        Some(_) if loaded.standings.as_ref().is_some_and(|s| s.loss_unbounded) => {
            "unbounded".to_owned()
        }
        Some(s) => or_missing(s.expected_loss.map(|l| scale.amount(l))),
        None => MISSING.to_owned(),
    }
}

fn bar(loaded: &Loaded, label: &RacerLabel) -> BarRow {
    let race = &loaded.readable.race;
    let scale = Scale::of(race);
    let standing = standing_of(loaded.standings.as_ref(), label.bet_id);
    let left = label.fate == Some(RacerFate::Left);
    let keys: Vec<i64> = loaded.readable.racers.iter().map(|r| r.bet_id).collect();
    let p = standing.and_then(|s| s.p_best);
    BarRow {
        title: label.title.clone(),
        team: label
            .team
            .clone()
            .unwrap_or_else(|| "another team".to_owned()),
        own: label.own,
        leader: loaded.standings.as_ref().and_then(|s| s.leader) == Some(label.bet_id),
        bar: if left {
            String::new()
        } else {
            p_best_bar(&keys, label.bet_id, p.unwrap_or(0.0), race.confidence)
        },
        p_best: if left {
            "left the race (closed)".to_owned()
        } else {
            p_best(p, race.confidence)
        },
        loss: match standing {
            Some(s) if !left && s.forecast.is_some() => {
                format!("expected loss {}", loss(loaded, Some(s), &scale))
            }
            _ => String::new(),
        },
        left,
    }
}

fn row(loaded: &Loaded, label: &RacerLabel, scale: &Scale) -> RacerRow {
    let race = &loaded.readable.race;
    let standing = standing_of(loaded.standings.as_ref(), label.bet_id);
    let leader = loaded.standings.as_ref().and_then(|s| s.leader);
    let min = usize::try_from(race.min_reports).unwrap_or(3);
    let reports = standing.map_or(MISSING.to_owned(), |s| {
        let n = usize::try_from(s.n).unwrap_or(0);
        if n < min {
            format!("{n} ({min} needed)")
        } else {
            n.to_string()
        }
    });
    let gap = match standing.and_then(|s| s.gap_to_leader) {
        _ if leader == Some(label.bet_id) => "leads".to_owned(),
        Some(g) if g > 0.0 => scale.gap_cell(g),
        Some(_) => "ahead on its forecast".to_owned(),
        None => MISSING.to_owned(),
    };
    RacerRow {
        title: label.title.clone(),
        href: label.team_id.map(|_| format!("/bets/{}", label.bet_id)),
        team: label
            .team
            .clone()
            .unwrap_or_else(|| "another team".to_owned()),
        team_href: label.team_id.map(|t| format!("/teams/{t}")),
        own: label.own,
        reports,
        forecast: match standing.and_then(|s| s.forecast.zip(s.se)) {
            Some((v, se)) => scale.forecast(v, se),
            None => "not enough data".to_owned(),
        },
        p_best: p_best(standing.and_then(|s| s.p_best), race.confidence),
        loss: loss(loaded, standing, scale),
        gap,
        fate: fate_chip(label),
    }
}
