//! Group commit for single reports. SQLite has one writer, so a thousand clients each sending one
//! report would each wait for their own transaction. Instead one writer thread takes whatever
//! reports have queued while it was busy, a few dozen at most, and stores them in one
//! transaction: each client's report judged on its own, all inserted together, all made durable
//! by one commit, and every client answered only after that commit. PostgreSQL takes several
//! writers at once, and a commit there waits milliseconds for its log to reach the disk, so it
//! gets two writer threads whose groups are in flight together (see [`Layout`]).

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::db::{DatabaseUrl, DbConnection, DbError, Pool, write_transaction};
use crate::domain::{Actor, ApiToken};
use crate::error::AppError;
use crate::services::reports::{
    GroupRequest, ReportDraft, Stored, audit, store_group, store_unaudited,
};
use crate::services::users::actor_for_token;
use crate::services::write_limit::WriteLimit;

/// Reports waiting for the writer before new ones are turned away with 503.
const QUEUE: usize = 8_192;
/// How the writer is laid out for one database: its threads, and the most reports one group
/// (one commit) takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub threads: u32,
    pub group: usize,
}

/// SQLite has one writer anyway, so it gets one thread. Its groups stay small: past a few dozen
/// a bigger group saves little per report (the commit and each statement are already shared),
/// but every client in it waits for all of its work while the HTTP workers run out of requests
/// to turn around; with groups of 32 the workers answer one group and parse the next while the
/// writer stores the one between (single reports ran about 5% faster than with groups of up to
/// 1,000).
const SQLITE: Layout = Layout {
    threads: 1,
    group: 32,
};

/// A PostgreSQL commit waits for its log to reach the disk, so two threads share the queue: one
/// gathers and stores a group while the other waits for its flush. More threads split the same
/// clients into smaller groups, and each group pays its own statements in the server's CPU: on
/// two cores, four threads stored 25% fewer reports a second than two, one thread 30% fewer.
/// Groups may grow large, to carry a heavy load through each flush.
const POSTGRES: Layout = Layout {
    threads: 2,
    group: 256,
};

impl Layout {
    /// The layout for a database, with never more threads than half the pool.
    pub fn for_database(url: &DatabaseUrl, pool_size: u32) -> Self {
        match url {
            DatabaseUrl::Sqlite(_) => SQLITE,
            DatabaseUrl::Postgres(_) => Layout {
                threads: POSTGRES.threads.min(pool_size / 2).max(1),
                ..POSTGRES
            },
        }
    }
}

/// One client's report, with the bearer token it came with. The writer resolves the token
/// itself: one lookup per distinct token in a group instead of a trip to the blocking pool and
/// a query for every request before it may even queue.
struct Job {
    token: ApiToken,
    draft: ReportDraft,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Result<Written, AppError>>,
}

/// A stored (or replayed) report and who stored it.
#[derive(Debug)]
pub struct Written {
    pub by: Actor,
    pub stored: Stored,
}

/// The handle requests use; cheap to clone.
#[derive(Clone)]
pub struct ReportWriter {
    jobs: SyncSender<Job>,
}

impl ReportWriter {
    /// Starts the writer threads of `layout` (see [`Layout::for_database`]), each taking a
    /// connection from `pool` for its group; writes count against `limit`.
    pub fn start(
        pool: Pool,
        limit: Option<Arc<WriteLimit>>,
        layout: Layout,
    ) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::sync_channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let group = layout.group.max(1);
        for _ in 0..layout.threads.max(1) {
            let (pool, queue, limit) = (pool.clone(), queue.clone(), limit.clone());
            std::thread::Builder::new()
                .name("report-writer".into())
                .spawn(move || run(&pool, &queue, group, limit.as_deref()))?;
        }
        Ok(Self { jobs })
    }

    /// Stores one report (or correction) sent with `token`, and answers once it is committed:
    /// 401 for a token that is unknown, revoked or expired, 429 past the token's write limit,
    /// else whatever storing the report alone would answer.
    pub async fn store(
        &self,
        token: ApiToken,
        draft: ReportDraft,
        now: DateTime<Utc>,
    ) -> Result<Written, AppError> {
        let (reply, answer) = oneshot::channel();
        match self.jobs.try_send(Job {
            token,
            draft,
            now,
            reply,
        }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(AppError::unavailable(
                    "too many reports are waiting to be stored; try again shortly",
                ));
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(AppError::internal(&"the report writer stopped"));
            }
        }
        answer
            .await
            .map_err(|_| AppError::internal(&"the report writer dropped a report"))?
    }
}

fn run(pool: &Pool, queue: &Mutex<Receiver<Job>>, group: usize, limit: Option<&WriteLimit>) {
    while let Some(jobs) = next_group(queue, group) {
        let results = match pool.get() {
            Ok(mut conn) => write_group(&mut conn, &jobs, limit),
            Err(e) => {
                let failure = AppError::from(DbError::from(e));
                jobs.iter().map(|_| Err(failure.clone())).collect()
            }
        };
        let stored = results
            .iter()
            .filter(|r| matches!(r, Ok(w) if !w.stored.replayed))
            .count();
        crate::metrics::METRICS
            .reports_ingested
            .inc_by(u64::try_from(stored).unwrap_or(0));
        crate::metrics::METRICS.report_commits.inc();
        for (job, result) in jobs.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
    }
}

/// Waits for a report, then takes whatever else has queued, up to `group` reports. One writer at
/// a time holds the queue; the others are storing or committing their own groups meanwhile. None
/// once the server has dropped its handle (or a writer panicked holding the queue).
fn next_group(queue: &Mutex<Receiver<Job>>, group: usize) -> Option<Vec<Job>> {
    let queue = queue.lock().ok()?;
    let mut jobs = vec![queue.recv().ok()?];
    while jobs.len() < group {
        match queue.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

/// A token's actor and the token's id; None for an unknown, revoked or expired token.
type TokenLookup = Result<Option<(Actor, i64)>, AppError>;

/// Who sent each job, in order: the token's actor, or 401, or 429 past the write limit. Each
/// distinct token is looked up once, as of the moment its first job arrived.
fn callers(
    conn: &mut DbConnection,
    jobs: &[Job],
    limit: Option<&WriteLimit>,
) -> Vec<Result<Actor, AppError>> {
    // Keyed by the token as sent: hashing it is `actor_for_token`'s job, once per token.
    let mut known: HashMap<&str, TokenLookup> = HashMap::new();
    let admitted_at = std::time::Instant::now();
    jobs.iter()
        .map(|job| {
            let found = known
                .entry(job.token.expose())
                .or_insert_with(|| actor_for_token(conn, &job.token, job.now.naive_utc()))
                .clone()?;
            let (actor, token_id) = found.ok_or_else(AppError::invalid_token)?;
            if let Some(limit) = limit {
                limit.take_or_refuse(token_id, admitted_at)?;
            }
            Ok(actor)
        })
        .collect()
}

/// Resolves the group's callers, then stores the admitted jobs in one transaction.
fn write_group(
    conn: &mut DbConnection,
    jobs: &[Job],
    limit: Option<&WriteLimit>,
) -> Vec<Result<Written, AppError>> {
    let callers = callers(conn, jobs, limit);
    let requests: Vec<GroupRequest<'_>> = jobs
        .iter()
        .zip(&callers)
        .filter_map(|(job, caller)| {
            Some(GroupRequest {
                actor: caller.as_ref().ok()?,
                draft: &job.draft,
                now: job.now,
            })
        })
        .collect();
    let mut stored = commit_group(conn, &requests).into_iter();
    callers
        .into_iter()
        .map(|caller| {
            let by = caller?;
            let stored = stored
                .next()
                .unwrap_or_else(|| Err(AppError::internal(&"a report went unanswered")))?;
            Ok(Written { by, stored })
        })
        .collect()
}

/// Stores every request in one transaction: each judged on its own, all inserted by one
/// statement. If that fails as a whole (another process stored one of the idempotency keys
/// first, on PostgreSQL), they are stored one by one instead, each in a savepoint, so that one
/// refused report leaves the others stored. If the commit fails, every request gets that failure.
fn commit_group(
    conn: &mut DbConnection,
    requests: &[GroupRequest<'_>],
) -> Vec<Result<Stored, AppError>> {
    if requests.is_empty() {
        return Vec::new();
    }
    if let Ok(results) = write_transaction(conn, |conn| store_group(conn, requests)) {
        return results;
    }
    let outcome = write_transaction(conn, |conn| {
        Ok::<_, AppError>(
            requests
                .iter()
                .map(|request| store_one(conn, request))
                .collect::<Vec<_>>(),
        )
    });
    match outcome {
        Ok(results) => results,
        Err(e) => requests.iter().map(|_| Err(e.clone())).collect(),
    }
}

fn store_one(conn: &mut DbConnection, request: &GroupRequest<'_>) -> Result<Stored, AppError> {
    let rows = [Ok(request.draft.clone())];
    let attempt = |conn: &mut DbConnection| {
        write_transaction(conn, |conn| {
            let mut stored = store_unaudited(conn, request.actor, &rows, request.now)?;
            let one = stored
                .pop()
                .ok_or_else(|| AppError::internal(&"no report stored"))?;
            if !one.replayed {
                audit(conn, request.actor, 1, &[&one.report], request.now)?;
            }
            Ok::<_, AppError>(one)
        })
    };
    // Another process may store the same idempotency key between our lookup and our insert (on
    // PostgreSQL); the unique index refuses ours, and a second look finds theirs and replays it.
    match attempt(conn) {
        Err(e) if e.detail().code == "conflict" => attempt(conn),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_one_writer_and_postgresql_two_within_half_the_pool() {
        let sqlite = DatabaseUrl::parse("horserace.db").unwrap();
        let postgres = DatabaseUrl::parse("postgres://u@127.0.0.1/h").unwrap();
        assert_eq!(Layout::for_database(&sqlite, 32), SQLITE);
        assert_eq!(Layout::for_database(&postgres, 32), POSTGRES);
        assert_eq!(Layout::for_database(&postgres, 4).threads, 2);
        assert_eq!(Layout::for_database(&postgres, 3).threads, 1);
        assert_eq!(Layout::for_database(&postgres, 1).threads, 1);
        assert_eq!(Layout::for_database(&postgres, 1).group, POSTGRES.group);
    }

    fn job() -> Job {
        Job {
            token: ApiToken::generate().unwrap(),
            draft: ReportDraft {
                subject: crate::services::reports::Subject::Bet(1),
                value: 1.0,
                observed_at: None,
                source: None,
                idempotency_key: None,
            },
            now: Utc::now(),
            reply: oneshot::channel().0,
        }
    }

    #[test]
    fn a_group_takes_what_has_queued_up_to_its_size_and_leaves_the_rest_queued() {
        let (jobs, queue) = mpsc::sync_channel(QUEUE);
        let group = SQLITE.group;
        for _ in 0..(2 * group + 5) {
            jobs.try_send(job()).unwrap();
        }
        let queue = Mutex::new(queue);
        let sizes: Vec<usize> = (0..3)
            .map(|_| next_group(&queue, group).unwrap().len())
            .collect();
        assert_eq!(sizes, [group, group, 5]);
        drop(jobs);
        assert!(
            next_group(&queue, group).is_none(),
            "no group once the server is gone"
        );
    }
}
