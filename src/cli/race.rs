//! `horserace race ...`: races from a terminal, straight on the database. `declare` and
//! `decide` (and `extend`) are the committee's; `show` and `list` read what the acting user may.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::round::{actor, api, date, portfolio_currency};
use super::table::{Align, Table};
use crate::db::{DatabaseUrl, DbConnection};
use crate::domain::{Actor, Currency, Money, Name, RaceMeasure, Reason, time};
use crate::engine::RaceCall;
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
            let race = races::decide::decide(conn, &actor, id, &decision, now).map_err(api)?;
            println!(
                "Race {} decided: bet {} wins.",
                race.id,
                race.winner_bet_id.unwrap_or_default()
            );
            Ok(())
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
        ("winner", Align::Right),
    ]);
    for r in races::list(conn, actor, None).map_err(api)? {
        table.row(vec![
            r.race.id.to_string(),
            r.race.arena_id.to_string(),
            r.race.name.clone(),
            r.race.status.to_string(),
            date(r.race.finish_at.and_utc()),
            r.racers.len().to_string(),
            r.race
                .winner_bet_id
                .map_or(String::new(), |w| w.to_string()),
        ]);
    }
    println!("{}", table.render());
    Ok(())
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
        "Race {} ({}), {}: finish {}, calls a winner at P(best) {}%{}.",
        race.id,
        race.name,
        race.status,
        date(race.finish_at.and_utc()),
        race.confidence * 100.0,
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
    let figure = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |x| format!("{x:.4}"));
    for s in &w.standings.racers {
        let label = w.readable.labels.get(&s.bet_id);
        table.row(vec![
            s.bet_id.to_string(),
            label.map_or_else(String::new, |l| l.title.clone()),
            label.and_then(|l| l.team.clone()).unwrap_or_default(),
            s.n.to_string(),
            figure(s.forecast),
            s.p_best.map_or_else(
                || "not enough data".to_owned(),
                |p| format!("{:.1}%", p * 100.0),
            ),
            figure(s.expected_loss),
            label
                .and_then(|l| l.fate)
                .map_or_else(String::new, |f| f.to_string()),
        ]);
    }
    println!("{}", table.render());
    println!(
        "Call: {}.",
        match w.standings.call {
            RaceCall::Winner { bet_id } => format!("bet {bet_id} wins"),
            RaceCall::TooCloseToCall => "too close to call".to_owned(),
            RaceCall::NotEnoughData => "not enough data".to_owned(),
        }
    );
    Ok(())
}
