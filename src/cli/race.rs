//! `horserace race ...`: races from a terminal, straight on the database. `declare` and
//! `decide` (and `extend`) are the committee's; `show` and `list` read what the acting user may.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::round::{actor, api, date, portfolio_currency};
use super::table::{Align, Table};
use crate::db::{DatabaseUrl, DbConnection};
use crate::domain::{Actor, Currency, Money, Name, RaceMeasure, Reason, time};
use crate::engine::{RaceCall, group_digits};
use crate::services::races::decide::{Decision, Loser, LoserFate};
use crate::services::races::declare::RaceDraft;
use crate::services::races::{self, standings};

#[derive(Debug, Subcommand)]
pub enum RaceCommand {
    /// Declare a race in an arena (committee).
    Declare {
        #[arg(long)]
        arena: i64,
        #[arg(long)]
        name: String,
        /// The racing bets, comma-separated (two or more, of different teams).
        #[arg(long, value_delimiter = ',', required = true)]
        racers: Vec<i64>,
        /// The finish (RFC 3339, e.g. 2027-03-31T00:00:00Z).
        #[arg(long)]
        finish: DateTime<Utc>,
        /// Reports after this instant count (default: now).
        #[arg(long)]
        start: Option<DateTime<Utc>>,
        /// `metric` or `progress` (default: the common metric when the racers share one).
        #[arg(long)]
        measure: Option<RaceMeasure>,
        /// The P(best) that calls the winner (default 0.9).
        #[arg(long)]
        confidence: Option<f64>,
        #[arg(long)]
        min_reports: Option<u32>,
        /// The winner's prize, in minor units, pinned on the next draft round.
        #[arg(long)]
        prize: Option<i64>,
    },
    /// List the races.
    List,
    /// Show a race: each racer's forecast at the finish, P(best), expected loss and the call.
    Show { id: i64 },
    /// Move a running race's finish later (committee).
    Extend {
        id: i64,
        #[arg(long)]
        finish: DateTime<Utc>,
    },
    /// Decide a race (committee): the winner advances; name each loser's fate.
    Decide {
        id: i64,
        /// Default: the engine's call.
        #[arg(long)]
        winner: Option<i64>,
        /// Losers killed, comma-separated.
        #[arg(long, value_delimiter = ',')]
        kill: Vec<i64>,
        /// Losers that continue outside the race, comma-separated.
        #[arg(long = "continue", value_delimiter = ',')]
        continues: Vec<i64>,
        /// A loser merged into the winner with the people who move: BET:USER,USER (repeat).
        #[arg(long)]
        merge: Vec<String>,
        /// Raise the winner's team cap in the same step.
        #[arg(long)]
        raise_cap_to: Option<i32>,
        /// Needed before the finish or against the call.
        #[arg(long)]
        reason: Option<String>,
    },
}

/// Runs a race command as the named user.
pub fn run(url: &DatabaseUrl, acting_as: &str, command: RaceCommand) -> anyhow::Result<()> {
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let currency = Currency::parse("currency", &portfolio_currency(&mut conn)?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = time::now();
    let conn = &mut conn;
    match command {
        RaceCommand::Declare {
            arena,
            name,
            racers,
            finish,
            start,
            measure,
            confidence,
            min_reports,
            prize,
        } => {
            let draft = RaceDraft {
                arena_id: arena,
                name: Name::parse("--name", &name).map_err(|e| anyhow::anyhow!("{e}"))?,
                racers,
                measure,
                starts_at: start,
                finish_at: finish,
                confidence,
                min_reports,
                prize: prize
                    .map(|p| Money::parse("--prize", p))
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            };
            let race = races::declare::declare(conn, &actor, &draft, now).map_err(api)?;
            println!(
                "Declared race {} ({}): {} racers, finishing {}.",
                race.id,
                race.name,
                draft.racers.len(),
                date(race.finish_at.and_utc())
            );
            Ok(())
        }
        RaceCommand::List => list(conn, &actor),
        RaceCommand::Show { id } => show(conn, &actor, id, (&currency, now)),
        RaceCommand::Extend { id, finish } => {
            let race = races::decide::extend(conn, &actor, id, finish, now).map_err(api)?;
            println!(
                "Race {} now finishes {}.",
                race.id,
                date(race.finish_at.and_utc())
            );
            Ok(())
        }
        RaceCommand::Decide {
            id,
            winner,
            kill,
            continues,
            merge,
            raise_cap_to,
            reason,
        } => {
            let decision = Decision {
                winner,
                reason: reason
                    .as_deref()
                    .map(|r| Reason::parse("--reason", r))
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                losers: losers(&kill, &continues, &merge)?,
                raise_cap_to,
            };
            races::decide::decide(conn, &actor, id, &decision, now).map_err(api)?;
            show(conn, &actor, id, (&currency, now))
        }
    }
}

/// The losers from the flags: `--kill 4,5 --continue 6 --merge 7:12,13`.
fn losers(kill: &[i64], continues: &[i64], merge: &[String]) -> anyhow::Result<Vec<Loser>> {
    let simple = |ids: &[i64], fate: LoserFate| {
        ids.iter()
            .map(|&bet_id| Loser {
                bet_id,
                fate,
                people: Vec::new(),
            })
            .collect::<Vec<_>>()
    };
    let mut out = simple(kill, LoserFate::Kill);
    out.extend(simple(continues, LoserFate::Continue));
    for m in merge {
        let (bet, people) = m.split_once(':').unwrap_or((m.as_str(), ""));
        let parse = |t: &str| {
            t.trim()
                .parse::<i64>()
                .map_err(|_| anyhow::anyhow!("--merge {m:?}: expected BET:USER,USER"))
        };
        out.push(Loser {
            bet_id: parse(bet)?,
            fate: LoserFate::Merge,
            people: people
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(parse)
                .collect::<anyhow::Result<_>>()?,
        });
    }
    Ok(out)
}

fn list(conn: &mut DbConnection, actor: &Actor) -> anyhow::Result<()> {
    let mut table = Table::new(&[
        ("race", Align::Right),
        ("arena", Align::Right),
        ("name", Align::Left),
        ("status", Align::Left),
        ("finish", Align::Left),
        ("racers", Align::Right),
        ("winner", Align::Left),
    ]);
    for r in races::list(conn, actor, None).map_err(api)? {
        let winner = r.race.winner_bet_id.map_or(String::new(), |w| title(&r, w));
        table.row(vec![
            r.race.id.to_string(),
            r.race.arena_id.to_string(),
            r.race.name.clone(),
            r.race.status.to_string(),
            date(r.race.finish_at.and_utc()),
            r.racers.len().to_string(),
            winner,
        ]);
    }
    println!("{}", table.render());
    Ok(())
}

/// A racer as a terminal names it: "Instant refunds (bet 12)".
fn title(r: &races::Readable, bet: i64) -> String {
    r.labels.get(&bet).map_or_else(
        || format!("bet {bet}"),
        |l| format!("{} (bet {bet})", l.title),
    )
}

fn show(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    (currency, now): (&Currency, DateTime<Utc>),
) -> anyhow::Result<()> {
    let w = standings::watch(conn, actor, id, now).map_err(api)?;
    let race = &w.readable.race;
    println!(
        "Race {} ({}), {}: finish {}, calls a winner at P(best) {}{}.",
        race.id,
        race.name,
        race.status,
        date(race.finish_at.and_utc()),
        percent(race.confidence),
        race.prize
            .map_or(String::new(), |p| format!(", prize {}", currency.format(p)))
    );
    let mut table = Table::new(&[
        ("bet", Align::Right),
        ("racer", Align::Left),
        ("team", Align::Left),
        ("reports", Align::Right),
        ("forecast", Align::Right),
        ("P(best)", Align::Right),
        ("exp. loss", Align::Right),
        ("fate", Align::Left),
    ]);
    for s in &w.standings.racers {
        let label = w.readable.labels.get(&s.bet_id);
        table.row(vec![
            s.bet_id.to_string(),
            label.map_or_else(String::new, |l| l.title.clone()),
            label
                .map(|l| l.team.clone().unwrap_or_else(|| "another team".to_owned()))
                .unwrap_or_default(),
            s.n.to_string(),
            figure(s.forecast),
            s.p_best
                .map_or_else(|| "not enough data".to_owned(), percent),
            figure(s.expected_loss),
            label
                .and_then(|l| l.fate)
                .map_or_else(String::new, |f| f.to_string()),
        ]);
    }
    println!("{}", table.render());
    println!("{}", call(&w));
    Ok(())
}

/// The last line of `race show`: how a decided race was decided, or the call so far.
fn call(w: &standings::Watched) -> String {
    let race = &w.readable.race;
    let needed = percent(race.confidence);
    if let (Some(winner), Some(at)) = (race.winner_bet_id, race.decided_at) {
        let reason = race
            .decision_reason
            .as_deref()
            .map_or(String::new(), |r| format!(" Reason: {r}"));
        return format!(
            "Decided {}: {} won.{reason}",
            date(at.and_utc()),
            title(&w.readable, winner)
        );
    }
    let leader = w.standings.leader.map(|id| {
        let p = w.standings.racers.iter().find(|r| r.bet_id == id);
        (title(&w.readable, id), p.and_then(|r| r.p_best))
    });
    match (w.standings.call, leader) {
        (RaceCall::Winner { .. }, Some((who, p))) => format!(
            "Call so far: {who} leads with P(best) {}, enough to call it ({needed} needed).",
            p.map_or_else(String::new, percent)
        ),
        (RaceCall::TooCloseToCall, Some((who, p))) => format!(
            "Call so far: too close to call; {who} leads with P(best) {}, {needed} needed.",
            p.map_or_else(String::new, percent)
        ),
        _ => format!(
            "Call so far: not enough data; {} of the racers have {} reports since the start.",
            w.standings.compared, race.min_reports
        ),
    }
}

/// A probability with one decimal, never 100.0% short of certainty: ">99.9%", "<0.1%".
fn percent(p: f64) -> String {
    match format!("{:.1}", p * 100.0).as_str() {
        "100.0" if p < 1.0 => ">99.9%".to_owned(),
        "0.0" if p > 0.0 => "<0.1%".to_owned(),
        text => format!("{}%", text.trim_end_matches(".0")),
    }
}

/// A forecast or a loss in the measure's unit: grouped thousands, four significant decimals
/// below 1,000 and one above ("189,277.5", "1.2337"); a dash for none.
fn figure(v: Option<f64>) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else {
        return "–".to_owned();
    };
    let decimals = if v.abs() >= 1000.0 { 1 } else { 4 };
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{}.{frac}", group_digits(int))
}
