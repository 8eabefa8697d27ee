//! Progress of a transfer: bytes and objects done out of planned, rate and ETA.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::repository::CopyPhase;

/// A progress report, sent after every finished object (and every part of a multipart upload).
#[derive(Debug, Clone, PartialEq)]
pub struct TransferProgress {
    /// The phase being copied.
    pub phase: CopyPhase,
    /// Objects copied so far.
    pub objects_done: u64,
    /// Objects to copy in total (skipped ones excluded).
    pub objects_total: u64,
    /// Bytes copied so far.
    pub bytes_done: u64,
    /// Bytes to copy in total.
    pub bytes_total: u64,
    /// Time since copying started.
    pub elapsed: Duration,
    /// Average rate so far, bytes per second.
    pub bytes_per_second: f64,
    /// Estimated time left at that rate (none before any byte was copied).
    pub eta: Option<Duration>,
}

/// Receives progress reports; called from the copying tasks, so keep it quick.
pub type ProgressFn = Arc<dyn Fn(&TransferProgress) + Send + Sync>;

/// A progress callback feeding a watch channel: the receiver always holds the latest report (for
/// a progress bar or an event stream that samples), and a slow reader never slows the copy.
pub fn progress_watch() -> (
    ProgressFn,
    tokio::sync::watch::Receiver<Option<TransferProgress>>,
) {
    let (sender, receiver) = tokio::sync::watch::channel(None);
    let sink: ProgressFn = Arc::new(move |p: &TransferProgress| {
        sender.send_replace(Some(p.clone()));
    });
    (sink, receiver)
}

/// Shared counters behind the reports.
pub(crate) struct Tracker {
    start: Instant,
    objects_total: u64,
    bytes_total: u64,
    objects_done: AtomicU64,
    bytes_done: AtomicU64,
    sink: Option<ProgressFn>,
}

impl Tracker {
    pub(crate) fn new(objects_total: u64, bytes_total: u64, sink: Option<ProgressFn>) -> Self {
        Tracker {
            start: Instant::now(),
            objects_total,
            bytes_total,
            objects_done: AtomicU64::new(0),
            bytes_done: AtomicU64::new(0),
            sink,
        }
    }

    pub(crate) fn add_bytes(&self, phase: CopyPhase, bytes: u64) {
        self.bytes_done.fetch_add(bytes, Ordering::Relaxed);
        self.emit(phase);
    }

    pub(crate) fn object_done(&self, phase: CopyPhase) {
        self.objects_done.fetch_add(1, Ordering::Relaxed);
        self.emit(phase);
    }

    pub(crate) fn objects_done(&self) -> u64 {
        self.objects_done.load(Ordering::Relaxed)
    }

    pub(crate) fn bytes_done(&self) -> u64 {
        self.bytes_done.load(Ordering::Relaxed)
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn emit(&self, phase: CopyPhase) {
        let Some(sink) = &self.sink else { return };
        let elapsed = self.start.elapsed();
        let bytes_done = self.bytes_done();
        let secs = elapsed.as_secs_f64();
        let bytes_per_second = if secs > 0.0 {
            bytes_done as f64 / secs
        } else {
            0.0
        };
        let eta = (bytes_per_second > 0.0).then(|| {
            Duration::from_secs_f64(
                self.bytes_total.saturating_sub(bytes_done) as f64 / bytes_per_second,
            )
        });
        sink(&TransferProgress {
            phase,
            objects_done: self.objects_done(),
            objects_total: self.objects_total,
            bytes_done,
            bytes_total: self.bytes_total,
            elapsed,
            bytes_per_second,
            eta,
        });
    }
}
