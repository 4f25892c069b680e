//! Batch work over a slice, spread over the machine's cores with scoped threads.
//!
//! The slice is cut into chunks of [`CHUNK`] items; each thread (the calling one
//! included) takes the next chunk when it is done with one, so a thread that the
//! operating system sets aside for a while does not hold the others up. Below
//! [`SEQUENTIAL_BELOW`] items, or on one core, everything runs on the calling thread.
//! Results are in the order of the items, whatever the threads.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Fewer items than this are done on the calling thread: starting threads costs more
/// than they save.
pub const SEQUENTIAL_BELOW: usize = 4096;

/// The items a thread takes at a time.
pub const CHUNK: usize = 4096;

/// How many threads `n` items are spread over.
pub fn threads_for(n: usize) -> usize {
    if n < SEQUENTIAL_BELOW {
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.min(n.div_ceil(CHUNK)).max(1)
}

/// Runs `work` on every job of `jobs`, on `threads` threads (the calling one
/// included), each taking the next job when it has finished one.
fn run<J: Send, I: Iterator<Item = J> + Send>(threads: usize, jobs: I, work: impl Fn(J) + Sync) {
    if threads <= 1 {
        jobs.for_each(work);
        return;
    }
    let jobs = Mutex::new(jobs);
    let next = || jobs.lock().unwrap_or_else(PoisonError::into_inner).next();
    let worker = || {
        while let Some(job) = next() {
            work(job);
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(worker);
        }
        worker();
    });
}

/// `f` of every item, in order.
pub fn map<T: Sync, R: Send + Copy + Default>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut out = vec![R::default(); items.len()];
    let jobs = items.chunks(CHUNK).zip(out.chunks_mut(CHUNK));
    run(threads_for(items.len()), jobs, |(items, out)| {
        for (x, y) in items.iter().zip(out) {
            *y = f(x);
        }
    });
    out
}

/// How many items `f` holds for.
pub fn count<T: Sync>(items: &[T], f: impl Fn(&T) -> bool + Sync) -> usize {
    let total = AtomicUsize::new(0);
    run(threads_for(items.len()), items.chunks(CHUNK), |items| {
        let n = items.iter().filter(|x| f(x)).count();
        total.fetch_add(n, Ordering::Relaxed);
    });
    total.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_and_count_keep_the_sequential_results() {
        for n in [0, 1, SEQUENTIAL_BELOW - 1, SEQUENTIAL_BELOW, 3 * CHUNK + 17, 100_000] {
            let items: Vec<u64> = (0..n as u64).collect();
            let f = |x: &u64| x.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 7;
            assert_eq!(map(&items, f), items.iter().map(f).collect::<Vec<_>>(), "n = {n}");
            assert_eq!(count(&items, |x| x % 3 == 1), items.iter().filter(|x| *x % 3 == 1).count(), "n = {n}");
        }
    }
}
