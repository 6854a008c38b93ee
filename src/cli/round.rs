//! `horserace round ...`: the committee's rounds from a terminal, straight on the database.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::table::{Align, Table};
use crate::db::rounds::{Round, RoundPin};
use crate::db::users::User;
use crate::db::{DatabaseUrl, DbConnection};
use crate::domain::{Actor, Currency, Money, Reason, Role, time};
use crate::engine::Policy;
use crate::error::AppError;
use crate::services::rounds::{self as service, Evaluation, PinForm, RoundForm, lifecycle};

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Open a draft round.
    Create {
        /// The money to hand out, in minor units (cents).
        #[arg(long)]
        budget: i64,
        /// The instant the round evaluates at (RFC 3339, e.g. 2026-06-30T00:00:00Z).
        #[arg(long)]
        as_of: DateTime<Utc>,
        /// Exclusive start of the evidence window (default: the previous round's as_of).
        #[arg(long)]
        window_start: Option<DateTime<Utc>>,
        /// The policy as JSON; missing fields take the defaults.
        #[arg(long)]
        policy: Option<String>,
    },
    /// List the rounds.
    List,
    /// Evaluate a draft against the evidence as it stands, and store the preview.
    Preview { id: i64 },
    /// Fix a bet's grant or waive its kill in a draft, with a reason.
    Pin {
        id: i64,
        bet_id: i64,
        /// The grant, in minor units.
        #[arg(long)]
        grant: Option<i64>,
        #[arg(long)]
        waive_kill: bool,
        #[arg(long)]
        reason: String,
    },
    /// Remove a pin from a draft.
    Unpin { id: i64, bet_id: i64 },
    /// Commit a draft: results, ledger entries and kills, in one transaction.
    Commit {
        id: i64,
        /// Commit without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Show a round: every bet's outcome, P, grant, change and decision.
    Show {
        id: i64,
        /// The whole round as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Recompute a committed round from what it stored and compare, bit for bit.
    Verify { id: i64 },
}

/// Runs a round command as the named user. Returns whether it succeeded (verify can fail, and
/// a commit can be declined at its confirmation).
pub fn run(url: &DatabaseUrl, acting_as: &str, command: RoundCommand) -> anyhow::Result<bool> {
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let mut session = Session::open(&mut conn, acting_as)?;
    match command {
        RoundCommand::Create {
            budget,
            as_of,
            window_start,
            policy,
        } => session.create(budget, as_of, window_start, policy.as_deref()),
        RoundCommand::List => session.list(),
        RoundCommand::Preview { id } => session.preview(id),
        RoundCommand::Pin {
            id,
            bet_id,
            grant,
            waive_kill,
            reason,
        } => session.pin(id, bet_id, grant, waive_kill, &reason),
        RoundCommand::Unpin { id, bet_id } => session.unpin(id, bet_id),
        RoundCommand::Commit { id, yes } => session.commit(id, yes),
        RoundCommand::Show { id, json } => session.show(id, json),
        RoundCommand::Verify { id } => session.verify(id),
    }
}

/// Who runs the command, on which connection, in which currency, at what instant.
struct Session<'a> {
    conn: &'a mut DbConnection,
    actor: Actor,
    currency: Currency,
    now: DateTime<Utc>,
}

impl<'a> Session<'a> {
    fn open(conn: &'a mut DbConnection, acting_as: &str) -> anyhow::Result<Self> {
        let actor = actor(conn, acting_as)?;
        let currency = Currency::parse("currency", &portfolio_currency(conn)?)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Self {
            conn,
            actor,
            currency,
            now: time::now(),
        })
    }

    /// Only the committee runs rounds; everyone may list, show and verify them.
    fn committee(&self) -> anyhow::Result<()> {
        if self.actor.role == Role::Committee {
            Ok(())
        } else {
            anyhow::bail!(
                "{} is not on the committee; use --as with a committee member",
                self.actor.name
            )
        }
    }

    fn create(
        &mut self,
        budget: i64,
        as_of: DateTime<Utc>,
        window_start: Option<DateTime<Utc>>,
        policy: Option<&str>,
    ) -> anyhow::Result<bool> {
        self.committee()?;
        let policy: Policy = match policy {
            Some(text) => {
                serde_json::from_str(text).map_err(|e| anyhow::anyhow!("--policy: {e}"))?
            }
            None => Policy::default(),
        };
        let form = RoundForm {
            budget: Money::parse("--budget", budget).map_err(|e| anyhow::anyhow!("{e}"))?,
            as_of: time::schedule_instant("--as-of", as_of).map_err(|e| anyhow::anyhow!("{e}"))?,
            window_start,
            policy,
        };
        let round = lifecycle::create(self.conn, &self.actor, form, self.now).map_err(api)?;
        println!(
            "Created draft round {} ({}, as of {}).",
            round.id,
            self.currency.format(round.budget),
            date(round.as_of.and_utc())
        );
        Ok(true)
    }

    fn list(&mut self) -> anyhow::Result<bool> {
        let currency = &self.currency;
        let mut table = Table::new(&[
            ("round", Align::Right),
            ("status", Align::Left),
            ("as of", Align::Left),
            ("budget", Align::Right),
            ("granted", Align::Right),
            ("reserve", Align::Right),
        ]);
        for r in Round::list(self.conn)? {
            table.row(vec![
                r.id.to_string(),
                r.status.to_string(),
                date(r.as_of.and_utc()),
                currency.format_amount(r.budget),
                r.reserve
                    .map_or(String::new(), |res| currency.format_amount(r.budget - res)),
                r.reserve
                    .map_or(String::new(), |res| currency.format_amount(res)),
            ]);
        }
        println!("{}", table.render());
        Ok(true)
    }

    fn preview(&mut self, id: i64) -> anyhow::Result<bool> {
        self.committee()?;
        let evaluation = service::preview(self.conn, id, self.now).map_err(api)?;
        print_round(self.conn, id, &evaluation, &self.currency)?;
        Ok(true)
    }

    fn pin(
        &mut self,
        id: i64,
        bet_id: i64,
        grant: Option<i64>,
        waive_kill: bool,
        reason: &str,
    ) -> anyhow::Result<bool> {
        self.committee()?;
        let form = PinForm {
            grant: grant
                .map(|g| Money::parse("--grant", g))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            waive_kill,
            reason: Reason::parse("--reason", reason).map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        lifecycle::pin(self.conn, &self.actor, id, bet_id, form, self.now).map_err(api)?;
        println!("Pinned bet {bet_id} in round {id}.");
        Ok(true)
    }

    fn unpin(&mut self, id: i64, bet_id: i64) -> anyhow::Result<bool> {
        self.committee()?;
        lifecycle::unpin(self.conn, &self.actor, id, bet_id, self.now).map_err(api)?;
        println!("Removed the pin of bet {bet_id} from round {id}.");
        Ok(true)
    }

    fn commit(&mut self, id: i64, yes: bool) -> anyhow::Result<bool> {
        self.committee()?;
        if !yes && !confirm(self.conn, id, &self.currency, self.now)? {
            println!("Not committed.");
            return Ok(false);
        }
        let evaluation = service::commit(self.conn, &self.actor, id, self.now).map_err(api)?;
        print_round(self.conn, id, &evaluation, &self.currency)?;
        let (granted, reserve) = totals(&evaluation);
        println!(
            "\nCommitted round {id}: {} granted, {} in reserve.",
            self.currency.format(granted),
            self.currency.format(reserve)
        );
        Ok(true)
    }

    fn show(&mut self, id: i64, json: bool) -> anyhow::Result<bool> {
        let round =
            Round::find(self.conn, id)?.ok_or_else(|| anyhow::anyhow!("round {id} not found"))?;
        let evaluation = Evaluation::stored(&round).map_err(api)?;
        match (json, evaluation) {
            (true, e) => println!("{}", serde_json::to_string_pretty(&e)?),
            (false, Some(e)) => print_round(self.conn, id, &e, &self.currency)?,
            (false, None) => {
                println!("Round {id} has not been previewed yet: horserace round preview {id}")
            }
        }
        Ok(true)
    }

    fn verify(&mut self, id: i64) -> anyhow::Result<bool> {
        let verdict = service::verify(self.conn, id).map_err(api)?;
        if verdict.matches {
            println!(
                "Round {id} verified: recomputed from {} reports over {} bets, it matches bit for bit.",
                verdict.reports, verdict.bets
            );
            return Ok(true);
        }
        println!("Round {id} does NOT match what it stored:");
        for problem in &verdict.problems {
            println!("  - {problem}");
        }
        Ok(false)
    }
}

/// A service's refusal for a terminal: the field at fault, when there is one, then why.
pub(super) fn api(e: AppError) -> anyhow::Error {
    let detail = e.detail();
    match &detail.field {
        Some(field) if !detail.message.contains(field.as_str()) => {
            anyhow::anyhow!("{field}: {}", detail.message)
        }
        _ => anyhow::anyhow!("{}", detail.message),
    }
}

pub(super) fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub(super) fn actor(conn: &mut DbConnection, name: &str) -> anyhow::Result<Actor> {
    let user = User::find_by_name(conn, name)?.ok_or_else(|| {
        anyhow::anyhow!("no user named {name:?}; pass --as with an existing user")
    })?;
    Ok(Actor {
        role: user.role,
        user_id: user.id,
        name: user.name,
        team_id: user.team_id,
    })
}

pub(super) fn portfolio_currency(conn: &mut DbConnection) -> anyhow::Result<String> {
    crate::db::portfolio::Portfolio::get(conn)?
        .map(|p| p.currency)
        .ok_or_else(|| anyhow::anyhow!("the database has no portfolio yet: start the server once"))
}

/// Shows what a commit would do and asks; only a "y" commits.
fn confirm(
    conn: &mut DbConnection,
    id: i64,
    currency: &Currency,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let evaluation = service::preview(conn, id, now).map_err(api)?;
    print_round(conn, id, &evaluation, currency)?;
    println!(
        "\nCommit round {id} ({}): {} to {} bets, {} in reserve, {} killed? This cannot be undone. [y/N] ",
        currency.format(evaluation.budget),
        currency.format(totals(&evaluation).0),
        evaluation
            .results
            .iter()
            .filter(|l| l.result.grant > 0)
            .count(),
        currency.format(totals(&evaluation).1),
        or_dash(evaluation.killed),
    );
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("y") || answer.trim().eq_ignore_ascii_case("yes"))
}

fn print_round(
    conn: &mut DbConnection,
    id: i64,
    e: &Evaluation,
    currency: &Currency,
) -> anyhow::Result<()> {
    let mut table = Table::new(&[
        ("bet", Align::Right),
        ("title", Align::Left),
        ("team", Align::Left),
        ("outcome", Align::Left),
        ("P(beat)", Align::Right),
        ("grant", Align::Right),
        ("change", Align::Right),
        ("decision", Align::Left),
    ]);
    for line in &e.results {
        let r = &line.result;
        table.row(vec![
            r.bet_id.to_string(),
            line.bet.title.clone(),
            line.bet.team_name.clone(),
            r.outcome.as_str().replace('_', " "),
            r.p_beat
                .map_or("-".to_owned(), |p| format!("{:.0}%", p * 100.0)),
            currency.format_amount(r.grant),
            signed(currency, line.change),
            r.decision.as_str().to_owned(),
        ]);
    }
    let pins = RoundPin::for_round(conn, id)?;
    println!(
        "Round {id}: budget {}, granted {}, reserve {}, {} reports in the window{}",
        currency.format(e.budget),
        currency.format(totals(e).0),
        currency.format(totals(e).1),
        or_dash(e.reports_used),
        e.window_start
            .map_or(String::new(), |w| format!(" after {}", date(w))),
    );
    println!("{}", table.render());
    for pin in pins {
        println!("pin on bet {}: {}", pin.bet_id, pin.reason);
    }
    for out in &e.sitting_out {
        println!(
            "sitting out: bet {} ({}): {}",
            out.bet_id, out.bet.title, out.reason
        );
    }
    Ok(())
}

/// (granted, reserve) of a round the committee sees whole.
/// A count, or a dash where the evaluation leaves it out.
fn or_dash(count: Option<usize>) -> String {
    count.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

fn totals(e: &Evaluation) -> (i64, i64) {
    e.money
        .as_ref()
        .map_or((0, 0), |m| (m.total_granted, m.reserve))
}

fn signed(currency: &Currency, amount: i64) -> String {
    if amount > 0 {
        format!("+{}", currency.format_amount(amount))
    } else {
        currency.format_amount(amount)
    }
}
