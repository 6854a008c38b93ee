//! `horserace market ...`: the internal market from a terminal, straight on the database, with
//! the same tables as the pages: the services, subscriptions, requests, billing runs and a
//! team's statement. Each command acts as the `--as` user and is allowed exactly what the API
//! allows that user.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::round::{actor, api, date, portfolio_currency};
use super::table::{Align, Table};
use crate::db::market::requests::{Request, RequestFilter};
use crate::db::market::subscriptions::{Subscription, SubscriptionFilter};
use crate::db::{DatabaseUrl, DbConnection};
use crate::domain::{Actor, BillingPeriod, Currency, RequestStatus, time};
use crate::services::market::billing::{self, Billing};
use crate::services::market::catalogue::{self, plan_at};
use crate::services::market::names::{Names, party};
use crate::services::market::requests::status_at;
use crate::services::market::{period_length, statement};

#[derive(Debug, Subcommand)]
pub enum MarketCommand {
    /// The catalogue: each service's provider, price, capacity used this period and queue.
    Services,
    /// Subscriptions (a partner sees those its team takes or provides).
    Subscriptions {
        #[arg(long)]
        service: Option<i64>,
        /// The subscribing team.
        #[arg(long)]
        team: Option<i64>,
    },
    /// Requests, with their status as of now (a partner sees its own team's).
    Requests {
        #[arg(long)]
        service: Option<i64>,
        /// The requesting team.
        #[arg(long)]
        team: Option<i64>,
        #[arg(long)]
        status: Option<RequestStatus>,
    },
    /// Billing runs (the committee runs them).
    #[command(subcommand)]
    Bill(BillCommand),
    /// A team's statement for a range (default: the current billing period).
    Statement {
        team: i64,
        /// Start (inclusive), an instant or a date.
        #[arg(long)]
        from: Option<String>,
        /// End (exclusive).
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BillCommand {
    /// The runs, latest period first.
    List,
    /// Open a draft run for a period, `2026-11`.
    Create { period: String },
    /// Who would pay whom, and who cannot pay.
    Preview { id: i64 },
    /// Commit a draft once, in one transaction.
    Commit { id: i64 },
    /// What a run charged (or would charge, as last previewed).
    Show { id: i64 },
}

struct Session<'a> {
    conn: &'a mut DbConnection,
    actor: Actor,
    currency: Currency,
    now: DateTime<Utc>,
    /// Team and service names, read once: the tables show names, as the pages do.
    names: Names,
}

pub fn run(url: &DatabaseUrl, acting_as: &str, command: MarketCommand) -> anyhow::Result<()> {
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let currency = Currency::parse("currency", &portfolio_currency(&mut conn)?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let names = Names::load(&mut conn).map_err(api)?;
    let mut s = Session {
        conn: &mut conn,
        actor,
        currency,
        now: time::now(),
        names,
    };
    match command {
        MarketCommand::Services => s.services(),
        MarketCommand::Subscriptions { service, team } => s.subscriptions(service, team),
        MarketCommand::Requests {
            service,
            team,
            status,
        } => s.requests(service, team, status),
        MarketCommand::Bill(command) => s.bill(command),
        MarketCommand::Statement { team, from, to } => {
            s.statement(team, from.as_deref(), to.as_deref())
        }
    }
}

impl Session<'_> {
    fn money(&self, minor_units: i64) -> String {
        self.currency.format_amount(minor_units)
    }

    fn team(&self, id: i64) -> String {
        self.names.team(id)
    }

    fn service(&self, id: i64) -> String {
        self.names.service(id)
    }

    /// A partner sees only what its own team takes, files or provides.
    fn party(&self) -> Option<i64> {
        party(&self.actor)
    }

    fn services(&mut self) -> anyhow::Result<()> {
        let mut table = Table::new(&[
            ("service", Align::Right),
            ("name", Align::Left),
            ("provider", Align::Left),
            ("price", Align::Right),
            ("per", Align::Left),
            ("subscribers", Align::Right),
            ("capacity", Align::Right),
            ("used", Align::Right),
            ("waiting", Align::Right),
        ]);
        for l in catalogue::listings(self.conn, None, self.now).map_err(api)? {
            let plan = plan_at(&l.plans, self.now).map(|p| &p.plan);
            let q = &l.queue;
            table.row(vec![
                l.service.id.to_string(),
                l.service.name.clone(),
                self.team(l.service.provider_team_id),
                plan.map_or("no plan".into(), |p| self.money(p.price)),
                plan.and_then(|p| p.quantity_unit.clone())
                    .unwrap_or_else(|| "period".into()),
                l.subscribers.to_string(),
                q.capacity.map_or("-".into(), |c| c.to_string()),
                (q.delivered + q.scheduled_units()).to_string(),
                q.waiting_units().to_string(),
            ]);
        }
        println!("{}", table.render());
        Ok(())
    }

    fn subscriptions(&mut self, service: Option<i64>, team: Option<i64>) -> anyhow::Result<()> {
        let filter = SubscriptionFilter {
            service_id: service,
            team_id: team,
            party: self.party(),
        };
        let mut table = Table::new(&[
            ("subscription", Align::Right),
            ("service", Align::Left),
            ("team", Align::Left),
            ("bet", Align::Right),
            ("quantity", Align::Right),
            ("starts", Align::Left),
            ("ends", Align::Left),
        ]);
        for s in Subscription::list(self.conn, &filter)? {
            table.row(vec![
                s.id.to_string(),
                self.service(s.service_id),
                self.team(s.team_id),
                s.bet_id.map_or(String::new(), |b| b.to_string()),
                s.quantity.to_string(),
                date(s.starts_at.and_utc()),
                s.ends_at.map_or(String::new(), |e| date(e.and_utc())),
            ]);
        }
        println!("{}", table.render());
        Ok(())
    }

    fn requests(
        &mut self,
        service: Option<i64>,
        team: Option<i64>,
        status: Option<RequestStatus>,
    ) -> anyhow::Result<()> {
        let filter = RequestFilter {
            service_id: service,
            team_id: team,
            party: self.party(),
            status: None,
        };
        let mut table = Table::new(&[
            ("request", Align::Right),
            ("service", Align::Left),
            ("team", Align::Left),
            ("quantity", Align::Right),
            ("status", Align::Left),
            ("maximum", Align::Right),
            ("quote", Align::Right),
            ("offer", Align::Right),
        ]);
        for r in Request::list(self.conn, &filter)? {
            let now_status = status_at(&r, self.now);
            if status.is_some_and(|s| s != now_status) {
                continue;
            }
            table.row(vec![
                r.id.to_string(),
                self.service(r.service_id),
                self.team(r.team_id),
                r.quantity.to_string(),
                now_status.to_string(),
                self.money(r.max_total),
                r.quote_total.map_or(String::new(), |q| self.money(q)),
                r.offer.map_or(String::new(), |o| self.money(o)),
            ]);
        }
        println!("{}", table.render());
        Ok(())
    }

    fn bill(&mut self, command: BillCommand) -> anyhow::Result<()> {
        let (conn, actor, now) = (&mut *self.conn, &self.actor, self.now);
        let billing = match command {
            BillCommand::List => return self.runs(),
            BillCommand::Create { period } => {
                let length = period_length(conn).map_err(api)?;
                let period = BillingPeriod::parse("period", &period, length)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let run = billing::create(conn, actor, period, now).map_err(api)?;
                println!(
                    "Created draft billing run {} for {}.",
                    run.id,
                    period.label()
                );
                return Ok(());
            }
            BillCommand::Preview { id } => billing::preview(conn, actor, id, now).map_err(api)?,
            BillCommand::Commit { id } => billing::commit(conn, actor, id, now).map_err(api)?,
            BillCommand::Show { id } => {
                if !actor.can_oversee() {
                    anyhow::bail!("only the committee and executives read billing runs");
                }
                let run = billing::find(conn, id).map_err(api)?;
                billing::stored(&run)
                    .map_err(api)?
                    .ok_or_else(|| anyhow::anyhow!("billing run {id} has not been previewed yet"))?
            }
        };
        self.print_billing(&billing);
        Ok(())
    }

    fn runs(&mut self) -> anyhow::Result<()> {
        if !self.actor.can_oversee() {
            anyhow::bail!("only the committee and executives read billing runs");
        }
        let mut table = Table::new(&[
            ("run", Align::Right),
            ("period", Align::Left),
            ("status", Align::Left),
            ("charged", Align::Right),
            ("unpaid", Align::Right),
        ]);
        for r in crate::db::market::billing::BillingRun::list(self.conn)? {
            table.row(vec![
                r.id.to_string(),
                date(r.period_start.and_utc()),
                r.status.to_string(),
                r.charged.map_or(String::new(), |c| self.money(c)),
                r.unpaid.map_or(String::new(), |u| self.money(u)),
            ]);
        }
        println!("{}", table.render());
        Ok(())
    }

    fn print_billing(&self, billing: &Billing) {
        let mut table = Table::new(&[
            ("subscription", Align::Right),
            ("service", Align::Left),
            ("team", Align::Left),
            ("provider", Align::Left),
            ("units", Align::Right),
            ("amount", Align::Right),
            ("", Align::Left),
        ]);
        for c in &billing.charges {
            table.row(vec![
                c.subscription_id.to_string(),
                self.service(c.service_id),
                self.team(c.team_id),
                self.team(c.provider_team_id),
                c.units.to_string(),
                self.money(c.amount),
                if c.paid {
                    "paid".into()
                } else {
                    format!("UNPAID, short by {}", self.money(c.shortfall))
                },
            ]);
        }
        println!("Billing {}\n{}", billing.period, table.render());
        println!(
            "Charged {} {}; unpaid {}.",
            self.currency.code(),
            self.money(billing.charged),
            self.money(billing.unpaid)
        );
    }

    fn statement(&mut self, team: i64, from: Option<&str>, to: Option<&str>) -> anyhow::Result<()> {
        let parse = |field: &str, text: Option<&str>| {
            text.map(|t| time::parse_text(field, t))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{e}"))
        };
        let current = crate::services::market::current_period(self.conn, self.now).map_err(api)?;
        let from = parse("--from", from)?.unwrap_or_else(|| current.start());
        let to = parse("--to", to)?.unwrap_or_else(|| current.end());
        let s = statement::statement(self.conn, &self.actor, team, from, to).map_err(api)?;
        let f = &s.flows;
        let mut table = Table::new(&[("", Align::Left), ("amount", Align::Right)]);
        for (label, amount) in [
            ("opening (own + on hold)", s.opening.total),
            ("+ grants", f.grants),
            ("+ subscription revenue", f.subscription_revenue),
            ("+ request revenue", f.request_revenue),
            ("- subscription costs", f.subscription_costs),
            ("- request costs", f.request_costs),
            ("= closing (own + on hold)", s.closing.total),
            ("  of which on hold", s.closing.on_hold),
        ] {
            table.row(vec![label.into(), self.money(amount)]);
        }
        println!(
            "{}, {} to {} ({})\n{}",
            self.team(team),
            date(from),
            date(to),
            self.currency.code(),
            table.render()
        );
        if !s.reconciles {
            anyhow::bail!("the statement does not reconcile: opening + in - out != closing");
        }
        for u in &s.unpaid {
            println!(
                "unpaid: subscription {} to {}, {} (billing run {})",
                u.subscription_id,
                self.service(u.service_id),
                self.money(u.amount),
                u.billing_run_id
            );
        }
        Ok(())
    }
}
