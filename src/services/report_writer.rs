//! Group commit for single reports. SQLite has one writer, so a thousand clients each sending one
//! report would each wait for their own transaction. Instead one writer thread takes whatever
//! reports have queued while it was busy and stores them in one transaction: each client's
//! report judged on its own, all inserted together, all made durable by one commit, and every
//! client answered only after that commit.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::api::error::ApiError;
use crate::db::{DbConnection, DbError, Pool, write_transaction};
use crate::domain::Actor;
use crate::services::reports::{
    GroupRequest, ReportDraft, Stored, audit, store_group, store_unaudited,
};

/// Reports waiting for the writer before new ones are turned away with 503.
const QUEUE: usize = 8_192;
/// The most reports one commit takes.
const GROUP: usize = 1_000;

struct Job {
    actor: Actor,
    draft: ReportDraft,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Result<Stored, ApiError>>,
}

/// The handle requests use; cheap to clone.
#[derive(Clone)]
pub struct ReportWriter {
    jobs: SyncSender<Job>,
}

impl ReportWriter {
    /// Starts the writer thread on its own connection from `pool`.
    pub fn start(pool: Pool) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("report-writer".into())
            .spawn(move || run(&pool, &queue))?;
        Ok(Self { jobs })
    }

    /// Stores one report (or correction) and answers once it is committed.
    pub async fn store(
        &self,
        actor: Actor,
        draft: ReportDraft,
        now: DateTime<Utc>,
    ) -> Result<Stored, ApiError> {
        let (reply, answer) = oneshot::channel();
        match self.jobs.try_send(Job {
            actor,
            draft,
            now,
            reply,
        }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::unavailable(
                    "too many reports are waiting to be stored; try again shortly",
                ));
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::internal(&"the report writer stopped"));
            }
        }
        answer
            .await
            .map_err(|_| ApiError::internal(&"the report writer dropped a report"))?
    }
}

fn run(pool: &Pool, queue: &Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        while jobs.len() < GROUP {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let results = match pool.get() {
            Ok(mut conn) => commit_group(&mut conn, &jobs),
            Err(e) => {
                let failure = ApiError::from(DbError::from(e));
                jobs.iter().map(|_| Err(failure.clone())).collect()
            }
        };
        let stored = results
            .iter()
            .filter(|r| matches!(r, Ok(s) if !s.replayed))
            .count();
        crate::metrics::METRICS
            .reports_ingested
            .inc_by(u64::try_from(stored).unwrap_or(0));
        for (job, result) in jobs.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
    }
}

/// Stores every job in one transaction: each judged on its own, all inserted by one statement.
/// If that fails as a whole (another process stored one of the idempotency keys first, on
/// PostgreSQL), the jobs are stored one by one instead, each in a savepoint, so that one
/// refused report leaves the others stored. If the commit fails, every job gets that failure.
fn commit_group(conn: &mut DbConnection, jobs: &[Job]) -> Vec<Result<Stored, ApiError>> {
    let requests: Vec<GroupRequest<'_>> = jobs
        .iter()
        .map(|job| GroupRequest {
            actor: &job.actor,
            draft: &job.draft,
            now: job.now,
        })
        .collect();
    if let Ok(results) = write_transaction(conn, |conn| store_group(conn, &requests)) {
        return results;
    }
    let outcome = write_transaction(conn, |conn| {
        Ok::<_, ApiError>(
            jobs.iter()
                .map(|job| store_one(conn, job))
                .collect::<Vec<_>>(),
        )
    });
    match outcome {
        Ok(results) => results,
        Err(e) => jobs.iter().map(|_| Err(e.clone())).collect(),
    }
}

fn store_one(conn: &mut DbConnection, job: &Job) -> Result<Stored, ApiError> {
    let rows = [Ok(job.draft.clone())];
    let attempt = |conn: &mut DbConnection| {
        write_transaction(conn, |conn| {
            let mut stored = store_unaudited(conn, &job.actor, &rows, job.now)?;
            let one = stored
                .pop()
                .ok_or_else(|| ApiError::internal(&"no report stored"))?;
            if !one.replayed {
                audit(conn, &job.actor, 1, &[&one.report], job.now)?;
            }
            Ok::<_, ApiError>(one)
        })
    };
    // Another process may store the same idempotency key between our lookup and our insert (on
    // PostgreSQL); the unique index refuses ours, and a second look finds theirs and replays it.
    match attempt(conn) {
        Err(e) if e.detail().code == "conflict" => attempt(conn),
        other => other,
    }
}
