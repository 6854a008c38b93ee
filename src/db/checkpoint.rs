//! Checkpoints behind SQLite's writers. In WAL mode a commit appends pages to the log; a
//! checkpoint copies them into the database file, and once the whole log is copied the next
//! writer starts it over from the beginning. SQLite's automatic checkpoint runs inside the
//! commit that takes the log past its threshold: that writer copies pages and waits for two
//! fsyncs while every other writer of the process waits behind it. So a thread of its own copies
//! the log a little at a time (a passive checkpoint never blocks a writer and never changes
//! what a commit makes durable), and the automatic checkpoint is only the backstop.
//!
//! Under a steady stream of writes the copy never quite catches up (each commit adds pages while
//! the last were being copied), so the log is not started over until the stream pauses or the
//! backstop's threshold is reached. The threshold is high for that reason (see
//! `connection::SQLITE_PRAGMAS`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::{DatabaseUrl, DbConnection, Pool};

/// How often, at most, the log is copied while writes go on.
const EVERY: Duration = Duration::from_millis(100);

/// SQLite commits made by this process (see `write_transaction`). Process-wide, like the writer
/// queue: a process serves one database.
static COMMITS: AtomicU64 = AtomicU64::new(0);

/// Counts one SQLite commit, for the checkpointer to see.
pub(super) fn committed() {
    COMMITS.fetch_add(1, Ordering::Relaxed);
}

/// The checkpointer thread; it ends when this is dropped.
pub struct Checkpointer {
    _stop: SyncSender<()>,
}

impl Checkpointer {
    /// Starts the thread for an SQLite database; None on PostgreSQL, which checkpoints itself.
    pub fn start(url: &DatabaseUrl, pool: Pool) -> std::io::Result<Option<Self>> {
        if !matches!(url, DatabaseUrl::Sqlite(_)) {
            return Ok(None);
        }
        let (stop, stopped) = mpsc::sync_channel(0);
        std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&pool, &stopped))?;
        Ok(Some(Self { _stop: stop }))
    }
}

/// What `PRAGMA wal_checkpoint` answers: whether it was kept from running, the pages in the log,
/// and how many of them are now copied.
#[derive(QueryableByName)]
struct Checkpointed {
    #[diesel(sql_type = Integer)]
    busy: i32,
    #[diesel(sql_type = Integer)]
    log: i32,
    #[diesel(sql_type = Integer)]
    checkpointed: i32,
}

/// Every `EVERY`, copies the log unless it was copied whole since the last commit. A commit is
/// taken as copied only once a checkpoint after it copied the whole log: one made before this
/// thread's first look, or one whose pages a reader's snapshot held back, is copied on a later
/// tick rather than waiting for the next commit.
fn run(pool: &Pool, stopped: &Receiver<()>) {
    let mut copied_through: Option<u64> = None;
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
        let commits = COMMITS.load(Ordering::Relaxed);
        if copied_through == Some(commits) {
            continue;
        }
        let Ok(mut conn) = pool.get() else {
            continue;
        };
        let DbConnection::Sqlite(c) = &mut *conn else {
            return;
        };
        match diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result::<Checkpointed>(c) {
            Ok(done) if done.busy == 0 && done.checkpointed == done.log => {
                copied_through = Some(commits);
            }
            Ok(_) => {}
            Err(e) => {
                // Said once per commit, not every tick; SQLite's own checkpoint is the backstop.
                copied_through = Some(commits);
                tracing::warn!(error = %e, "background checkpoint failed; SQLite's own will run");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use super::Checkpointer;
    use crate::db::connection::connect;
    use crate::db::{DatabaseUrl, write_transaction};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    /// Whether the database file alone, without its log, holds table `name`: a copy of the file
    /// opened on its own sees only what a checkpoint has copied into it. A copy taken while the
    /// checkpointer writes may be torn; that counts as not yet.
    fn file_alone_has_table(dir: &Path, name: &str) -> bool {
        let copy = dir.join("copy.db");
        for stale in ["copy.db-wal", "copy.db-shm"] {
            let _ = std::fs::remove_file(dir.join(stale));
        }
        if std::fs::copy(dir.join("horserace.db"), &copy).is_err() {
            return false;
        }
        let Ok(mut conn) = SqliteConnection::establish(copy.to_str().unwrap()) else {
            return false;
        };
        diesel::sql_query(format!(
            "SELECT count(*) AS n FROM sqlite_master WHERE name = '{name}'"
        ))
        .get_result::<Count>(&mut conn)
        .is_ok_and(|found| found.n == 1)
    }

    /// Commits a new table `pause` after starting the checkpointer, and waits for it to appear
    /// in the database file alone.
    fn commit_reaches_the_file(pause: Duration) {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(dir.path().join("horserace.db").to_str().unwrap()).unwrap();
        let pool = connect(&url, 2, Duration::from_secs(5)).unwrap();
        let _checkpointer = Checkpointer::start(&url, pool.clone()).unwrap();
        std::thread::sleep(pause);
        let mut conn = pool.get().unwrap();
        write_transaction(&mut conn, |c| {
            c.batch_execute("CREATE TABLE marker (x INTEGER)")
        })
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !file_alone_has_table(dir.path(), "marker") {
            assert!(
                Instant::now() < deadline,
                "the commit was not checkpointed into the database file within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SQLite's own checkpoint waits for 50,000 pages of log; a small commit must still reach
    /// the database file soon, or the log only ever grows between pauses. Long after the start,
    /// the checkpointer has copied what there was and waits for commits to count.
    #[test]
    fn a_commit_reaches_the_database_file_long_before_the_threshold() {
        commit_reaches_the_file(Duration::from_millis(400));
    }

    /// A commit made before the checkpointer thread first looks (it once took that commit as
    /// already copied, and the whole test binary sometimes as well).
    #[test]
    fn a_commit_right_after_the_start_reaches_the_database_file() {
        commit_reaches_the_file(Duration::ZERO);
    }
}
