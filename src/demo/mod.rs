//! `horserace demo`: a living portfolio in one command. Builds six months of history (4
//! arenas, 12 teams, 30 bets, weekly reports with noise, trends, corrections and outliers, and
//! four committed rounds with kills, seeds, pins and a waived kill, a decided race and two under
//! way (`races`), and an internal market with two billed periods) through the same services the
//! API uses, from a fixed seed, so the demo is the same every time.

mod cast;
mod market;
mod portfolio;
mod races;
mod rng;

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::DbConnection;
use crate::db::bets::Bet;
use crate::db::users::User;
use crate::domain::approx;
use crate::domain::{
    Actor, ApiToken, BetStatus, Currency, IdempotencyKey, Money, Name, ObservedAt, Reason, Role,
    SourceNote,
};
use crate::engine::{Decision, Direction, Policy};
use crate::error::AppError;
use crate::services::reports::{self as reports_service, ReportDraft, Subject};
use crate::services::rounds::{self as rounds_service, PinForm, RoundForm, lifecycle};
use crate::services::users::{Bootstrap, bootstrap};
use portfolio::{BetSpec, DAYS, ROUNDS};
use rng::Rng;

const SEED: u64 = 0x5EED_2026;

/// Sign-in tokens for one person of each role.
pub struct DemoPeople {
    pub committee: (String, ApiToken),
    pub exec: (String, ApiToken),
    pub member: (String, ApiToken),
    pub partner: (String, ApiToken),
}

/// Builds the demo portfolio on an empty database, as of `now`.
pub fn build(
    conn: &mut DbConnection,
    currency: &Currency,
    now: DateTime<Utc>,
) -> Result<DemoPeople, AppError> {
    let Bootstrap::Created(admin_token) = bootstrap(conn, currency, None, now)? else {
        return Err(AppError::conflict(
            "not_empty",
            "the demo needs an empty database",
        ));
    };
    let admin = actor_named(conn, "admin")?;
    let start = (now - TimeDelta::days(DAYS)).duration_trunc_day();
    let mut rng = Rng::new(SEED);

    let arenas = cast::arenas(conn, &admin, now)?;
    let teams = cast::teams(conn, &admin, now)?;
    let (exec, chair) = cast::staff(conn, &admin, now)?;
    let round_at = |i: usize| start + TimeDelta::days(ROUNDS[i].0);
    let bet_ids = cast::register_bets(conn, &admin, &arenas, &teams, start, &round_at, now)?;
    let people = &teams.people;

    let titled = |titles: &[&str]| -> Result<Vec<i64>, AppError> {
        titles
            .iter()
            .map(|t| {
                portfolio::bets()
                    .position(|b| b.title == *t)
                    .and_then(|i| bet_ids.get(i).copied())
                    .ok_or_else(|| AppError::internal(&"demo bet"))
            })
            .collect()
    };
    let mut finished_race = None;

    // History: weekly reports between rounds, then the round itself; the Payments race runs
    // from the third round for five weeks.
    let mut period_start = start;
    for (r, &(_, budget)) in ROUNDS.iter().enumerate() {
        let as_of = round_at(r);
        report_period(
            conn,
            &mut rng,
            people,
            &bet_ids,
            (period_start, as_of),
            start,
            &round_at,
            now,
        )?;
        // Each round is opened and committed just after its as-of, as a committee would, so the
        // ledger dates its grants in their own billing period.
        let committed = (as_of + TimeDelta::hours(1)).min(now);
        run_round(conn, &admin, &chair, &bet_ids, r, budget, as_of, committed)?;
        if r == 2 {
            let racers = titled(&["One-tap checkout", "QR pay for shops", "Instant refunds"])?;
            let at = committed + TimeDelta::hours(1);
            finished_race = Some(races::declare_finished(conn, &admin, racers, at)?);
        }
        period_start = as_of;
    }
    // The weeks since the last round: the evidence of the next one.
    report_period(
        conn,
        &mut rng,
        people,
        &bet_ids,
        (period_start, now - TimeDelta::hours(2)),
        start,
        &round_at,
        now,
    )?;

    let specs: Vec<&BetSpec> = portfolio::bets().collect();
    let bet_of = |team: usize| {
        specs
            .iter()
            .zip(&bet_ids)
            .find(|(spec, _)| spec.team == team)
            .map(|(_, id)| *id)
    };
    // Decided now, after every report is in, so that the reports and rounds before it are
    // those of a portfolio without races; its prize waits for the next draft round.
    if let Some(race) = finished_race {
        races::decide_finished(conn, &admin, race, now - TimeDelta::minutes(90))?;
    }
    market::build(conn, &admin, &teams, &bet_of, (currency, now))?;
    let messaging = titled(&["Group stickers", "Mini programs"])?;
    let search = titled(&["Ranking v2", "Image search", "Local results"])?;
    races::declare_running(conn, &admin, (messaging, search), now - TimeDelta::hours(1))?;

    let pick = |t: usize| {
        teams
            .first_tokens
            .get(&t)
            .cloned()
            .ok_or_else(|| AppError::internal(&"demo person missing"))
    };
    Ok(DemoPeople {
        committee: ("admin".to_owned(), admin_token),
        exec,
        member: pick(0)?,
        partner: pick(10)?,
    })
}

trait DayStart {
    fn duration_trunc_day(self) -> Self;
}

impl DayStart for DateTime<Utc> {
    fn duration_trunc_day(self) -> Self {
        use chrono::DurationRound;
        self.duration_trunc(TimeDelta::days(1)).unwrap_or(self)
    }
}

fn name_of(text: &str) -> Result<Name, AppError> {
    Ok(Name::parse("name", text)?)
}

fn actor_of(user: &User, role: Role) -> Actor {
    Actor {
        user_id: user.id,
        name: user.name.clone(),
        role,
        team_id: user.team_id,
    }
}

fn actor_named(conn: &mut DbConnection, name: &str) -> Result<Actor, AppError> {
    let user =
        User::find_by_name(conn, name)?.ok_or_else(|| AppError::internal(&"admin missing"))?;
    Ok(actor_of(&user, Role::Committee))
}

/// When a bet's history begins: the start, or a week before the round it joins.
fn bet_start(
    spec: &BetSpec,
    start: DateTime<Utc>,
    round_at: &dyn Fn(usize) -> DateTime<Utc>,
) -> DateTime<Utc> {
    if spec.starts_before_round == 0 {
        start
    } else {
        round_at(spec.starts_before_round - 1) - TimeDelta::days(21)
    }
}

/// One report a week per live bet in (from, to]: the true trend plus noise, now and then an
/// outlier, and now and then a typo that its team corrects a few days later.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each value distinct"
)]
fn report_period(
    conn: &mut DbConnection,
    rng: &mut Rng,
    people: &[Actor],
    bet_ids: &[i64],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    start: DateTime<Utc>,
    round_at: &dyn Fn(usize) -> DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (spec, &bet_id) in portfolio::bets().zip(bet_ids) {
        let bet =
            Bet::find(conn, bet_id)?.ok_or_else(|| AppError::internal(&"demo bet missing"))?;
        if bet.status != BetStatus::Active {
            continue;
        }
        let begins = bet_start(spec, start, round_at);
        let actor = &people[spec.team];
        let mut drafts = Vec::new();
        let mut typos = Vec::new();
        let mut week = 0i64;
        loop {
            let at = begins + TimeDelta::days(7 * week) + TimeDelta::hours(9 + (bet_id % 8));
            week += 1;
            if at > to {
                break;
            }
            if at <= from {
                continue;
            }
            let weeks = approx::weeks(at - begins);
            let mut value = spec.baseline + spec.drift * weeks + spec.noise * rng.normal();
            let roll = rng.unit();
            if roll < 0.03 {
                value += spec.noise * 9.0 * if rng.unit() < 0.5 { -1.0 } else { 1.0 };
            }
            let value = round_sensibly(value, spec);
            let typo = roll > 0.975;
            drafts.push(Ok(ReportDraft {
                subject: Subject::Bet(bet_id),
                value: if typo { value * 10.0 } else { value },
                observed_at: Some(ObservedAt::parse("observed_at", at, now)?),
                source: Some(SourceNote::parse(
                    "source",
                    if typo {
                        "manual entry"
                    } else {
                        "weekly export"
                    },
                )?),
                idempotency_key: Some(IdempotencyKey::parse(
                    "key",
                    &format!("demo-{bet_id}-{}", at.timestamp()),
                )?),
            }));
            if typo {
                typos.push((drafts.len() - 1, value));
            }
        }
        if drafts.is_empty() {
            continue;
        }
        let stored = reports_service::store(conn, actor, &drafts, now)?;
        let corrections: Vec<_> = typos
            .into_iter()
            .filter_map(|(i, value)| stored.get(i).map(|s| (s.report.id, value)))
            .map(|(id, value)| {
                Ok(ReportDraft {
                    subject: Subject::Correction(id),
                    value,
                    observed_at: None,
                    source: Some(SourceNote::parse("source", "typo: an extra zero")?),
                    idempotency_key: None,
                })
            })
            .collect();
        if !corrections.is_empty() {
            reports_service::store(conn, actor, &corrections, now)?;
        }
    }
    Ok(())
}

/// Values with the precision their unit suggests: counts whole, rates to two decimals.
fn round_sensibly(value: f64, spec: &BetSpec) -> f64 {
    let scale = if spec.baseline.abs() >= 1_000.0 {
        1.0
    } else {
        100.0
    };
    let value = (value * scale).round() / scale;
    if spec.direction == Direction::HigherIsBetter {
        value.max(0.0)
    } else {
        value
    }
}

/// Creates, pins, previews and commits the demo's round `r`.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each value distinct"
)]
fn run_round(
    conn: &mut DbConnection,
    admin: &Actor,
    chair: &Actor,
    bet_ids: &[i64],
    r: usize,
    budget: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let policy = Policy {
        min_grant: 500_000,
        ..Policy::default()
    };
    let round = lifecycle::create(
        conn,
        admin,
        RoundForm {
            budget: Money::parse("budget", budget)?,
            as_of,
            window_start: None,
            policy,
        },
        now,
    )?;
    let bet = |title: &str| {
        portfolio::bets()
            .position(|b| b.title == title)
            .map(|i| bet_ids[i])
            .ok_or_else(|| AppError::internal(&"demo bet"))
    };
    let pin = |grant: Option<i64>, waive_kill: bool, reason: &str| -> Result<PinForm, AppError> {
        Ok(PinForm {
            grant: grant.map(|g| Money::parse("grant", g)).transpose()?,
            waive_kill,
            reason: Reason::parse("reason", reason)?,
        })
    };
    match r {
        1 => {
            lifecycle::pin(
                conn,
                chair,
                round.id,
                bet("Group stickers")?,
                pin(
                    Some(60_000_000),
                    false,
                    "Board priority for the spring campaign: funded at USD 600,000 whatever the evidence says.",
                )?,
                now,
            )?;
        }
        2 => {
            lifecycle::pin(
                conn,
                chair,
                round.id,
                bet("Drone pilot")?,
                pin(
                    Some(15_000_000),
                    true,
                    "Regulatory trial committed with the city: keep it running at USD 150,000.",
                )?,
                now,
            )?;
            let preview = rounds_service::preview(conn, round.id, now)?;
            let partner = bet("Partner bots")?;
            if preview
                .results
                .iter()
                .any(|l| l.result.bet_id == partner && l.result.decision == Decision::Killed)
            {
                lifecycle::pin(
                    conn,
                    chair,
                    round.id,
                    partner,
                    pin(
                        None,
                        true,
                        "Northwind's contract runs to the end of the quarter; judge them then.",
                    )?,
                    now,
                )?;
            }
        }
        _ => {}
    }
    rounds_service::preview(conn, round.id, now)?;
    rounds_service::commit(conn, admin, round.id, now)?;
    Ok(())
}
