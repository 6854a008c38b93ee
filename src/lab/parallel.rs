//! Spreading independent runs over threads without letting the threads change any figure:
//! each job is identified by its index, computed wholly by one thread, and collected back by
//! its index, so the answer is the same with one thread or many. Progress is reported on the
//! caller's thread, which is why the callback need not be `Send`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// How many threads the lab uses by default: one per core the process may use.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `job(0), ..., job(total - 1)`, in index order, computed on up to `threads` threads;
/// `progress(done, total)` after each one finishes.
pub fn map_indexed<T, F>(
    total: usize,
    threads: usize,
    job: F,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let threads = threads.clamp(1, total.max(1));
    if threads == 1 {
        return (0..total)
            .map(|i| {
                let value = job(i);
                progress(i + 1, total);
                value
            })
            .collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<T>> = (0..total).map(|_| None).collect();
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..threads {
            let sender = sender.clone();
            let (next, job) = (&next, &job);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total || sender.send((i, job(i))).is_err() {
                        break;
                    }
                }
            });
        }
        // The workers hold the only senders left, so the loop ends when they all have.
        drop(sender);
        for (done, (i, value)) in receiver.into_iter().enumerate() {
            slots[i] = Some(value);
            progress(done + 1, total);
        }
    });
    // Every index was handed to exactly one worker, and a worker that panicked has already
    // re-raised its panic at the end of the scope, so no slot is empty here.
    slots.into_iter().flatten().collect()
}
