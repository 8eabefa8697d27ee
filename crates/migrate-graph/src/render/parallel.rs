//! Streams a large dry run: the item list (steps, or an index's group of steps) is cut into runs,
//! a batch of runs is rendered at once on several threads, each into a buffer it reuses, and the
//! buffers are written out in item order. Memory stays bounded by the batch, the first bytes go out
//! early, and the output is byte-identical to a one-thread render (a test compares them).
//!
//! A 5,000-index plan has about 65,000 steps and 55 MB of JSON; each item renders from the read-only
//! graph alone, so splitting the list into contiguous runs is safe.

use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::thread;

/// Items per run: large enough that a thread start is noise, small enough to bound memory.
pub(super) const RUN: usize = 512;
/// Below this many steps, one thread is faster than starting more.
const MIN_STEPS_PER_THREAD: usize = 2_000;
/// More threads than this gain nothing on the output sizes plans reach.
const MAX_THREADS: usize = 8;

/// How many threads to render (or fingerprint) a plan of `steps` steps on.
pub(crate) fn threads_for(steps: usize) -> usize {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    (steps / MIN_STEPS_PER_THREAD).clamp(1, cores.min(MAX_THREADS))
}

/// Calls `render(first_position, run, buffer)` for contiguous runs of `items` (`split` items each),
/// up to `threads` runs at a time, and writes the buffers to `out` in item order.
pub(super) fn stream_runs<T, F>(
    items: &[T],
    (threads, split): (usize, usize),
    render: F,
    out: &mut dyn Write,
) -> io::Result<()>
where
    T: Sync,
    F: Fn(usize, &[T], &mut String) + Sync,
{
    let (threads, split) = (threads.max(1), split.max(1));
    let runs: Vec<(usize, &[T])> = items
        .chunks(split)
        .enumerate()
        .map(|(i, run)| (i * split, run))
        .collect();
    let mut buffers: Vec<String> = vec![String::new(); threads.min(runs.len())];
    for batch in runs.chunks(threads) {
        let used = &mut buffers[..batch.len()];
        for b in used.iter_mut() {
            b.clear();
        }
        if batch.len() == 1 {
            render(batch[0].0, batch[0].1, &mut used[0]);
        } else {
            // A renderer that panics is a bug; the scope re-raises its panic here.
            thread::scope(|scope| {
                for (&(first, run), buffer) in batch.iter().zip(used.iter_mut()) {
                    let render = &render;
                    scope.spawn(move || render(first, run, buffer));
                }
            });
        }
        for b in used.iter() {
            out.write_all(b.as_bytes())?;
        }
    }
    Ok(())
}
