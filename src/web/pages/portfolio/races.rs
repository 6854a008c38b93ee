//! The portfolio's races: those under way with their leader and finish, those decided with
//! their winner. Each links to its race page. Read with the viewer's rights (a race it may not
//! read is left out).

use chrono::{DateTime, Utc};

use crate::db::DbConnection;
use crate::domain::{Actor, RaceStatus};
use crate::engine::RaceCall;
use crate::error::AppError;
use crate::services::races::{self, standings};
use crate::web::format::{self, Rule};

/// One race on the portfolio page.
pub struct RaceLine {
    pub id: i64,
    pub name: String,
    pub running: bool,
    /// "finishes 2026-12-18" or "decided 2026-10-10".
    pub when: String,
    /// Under way: who leads and how sure ("Group stickers leads, P(best) 71.4%: too close to
    /// call"); decided: "won by Instant refunds".
    pub standing: String,
}

/// Every race the actor may read, under way first.
pub fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<RaceLine>, AppError> {
    let mut lines = Vec::new();
    for r in races::list(conn, actor, None)? {
        let title = |bet: i64| {
            r.labels
                .get(&bet)
                .map_or_else(|| format!("bet {bet}"), |l| l.title.clone())
        };
        let line = if r.race.status == RaceStatus::Running {
            let watched = standings::watch(conn, actor, r.race.id, now)?;
            let s = &watched.standings;
            let leader = s.leader.and_then(|l| {
                let p = s.racers.iter().find(|x| x.bet_id == l)?.p_best?;
                Some(format!(
                    "{} leads, P(best) {}",
                    title(l),
                    format::percent_beside(p, &[Rule::AtLeast(r.race.confidence)])
                ))
            });
            let call = match s.call {
                RaceCall::Winner { .. } => "enough to call it",
                RaceCall::TooCloseToCall => "too close to call",
                RaceCall::NotEnoughData => "not enough data yet",
            };
            RaceLine {
                id: r.race.id,
                name: r.race.name.clone(),
                running: true,
                when: format!("finishes {}", format::date(r.race.finish_at.and_utc())),
                standing: match leader {
                    Some(l) => format!("{l}: {call}"),
                    None => call.to_owned(),
                },
            }
        } else {
            RaceLine {
                id: r.race.id,
                name: r.race.name.clone(),
                running: false,
                when: r.race.decided_at.map_or_else(String::new, |d| {
                    format!("decided {}", format::date(d.and_utc()))
                }),
                standing: r
                    .race
                    .winner_bet_id
                    .map_or_else(String::new, |w| format!("won by {}", title(w))),
            }
        };
        lines.push(line);
    }
    lines.sort_by_key(|l| !l.running);
    Ok(lines)
}
