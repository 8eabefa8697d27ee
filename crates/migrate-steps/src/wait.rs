//! Waiting without busy loops: exponential backoff between polls, capped, interrupted at once by
//! the run's cancellation token (the step then answers a retryable error and keeps its handle).
//! By default the first interval is one second, so a waiting step sends at most one request per
//! second (the demo, against in-process sandboxes, polls faster).

use std::time::Duration;

use migrate_exec::StepError;
use tokio_util::sync::CancellationToken;

/// Poll intervals: `initial`, doubling up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first interval (one second by default).
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(5),
        }
    }
}

/// One wait: the next interval and how many polls in a row failed transiently.
pub(crate) struct Poller<'a> {
    backoff: Backoff,
    next: Duration,
    cancel: CancellationToken,
    step: &'a str,
    transient: u32,
}

/// Transient poll failures tolerated in a row before the wait gives up (retryably).
const TRANSIENT_LIMIT: u32 = 8;

impl<'a> Poller<'a> {
    pub(crate) fn new(backoff: Backoff, cancel: CancellationToken, step: &'a str) -> Self {
        Poller {
            backoff,
            next: backoff.initial,
            cancel,
            step,
            transient: 0,
        }
    }

    /// Sleeps the next interval; `Err` (retryable) if the run is cancelled meanwhile.
    pub(crate) async fn sleep(&mut self, waiting_for: &str) -> Result<(), StepError> {
        let d = self.next;
        self.next = (self.next * 2).min(self.backoff.max);
        tokio::select! {
            () = self.cancel.cancelled() => Err(self.cancelled(waiting_for)),
            () = tokio::time::sleep(d) => Ok(()),
        }
    }

    /// The error a cancelled wait answers.
    pub(crate) fn cancelled(&self, waiting_for: &str) -> StepError {
        StepError::retryable(format!(
            "step `{}`: cancelled while waiting for {waiting_for}; the next run re-attaches to it",
            self.step
        ))
    }

    /// Whether the run is cancelled.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// A poll failed: a transient failure is absorbed (the wait goes on) up to a limit; a permanent
    /// one, or too many transient ones in a row, ends the wait with `err`.
    pub(crate) fn absorb(&mut self, err: StepError) -> Result<(), StepError> {
        if err.retryable && self.transient < TRANSIENT_LIMIT {
            self.transient += 1;
            tracing::debug!(step = self.step, error = %err.message, "transient poll failure");
            Ok(())
        } else {
            Err(err)
        }
    }

    /// A poll succeeded.
    pub(crate) fn ok(&mut self) {
        self.transient = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_polls_at_most_once_a_second_by_default() {
        let b = Backoff::default();
        assert_eq!(b.initial, Duration::from_secs(1));
        assert!(b.max >= b.initial);
    }

    #[tokio::test(start_paused = true)]
    async fn intervals_double_from_one_second_up_to_the_cap() {
        let mut p = Poller::new(Backoff::default(), CancellationToken::new(), "s");
        let mut seen = Vec::new();
        for _ in 0..5 {
            let t = tokio::time::Instant::now();
            p.sleep("x").await.unwrap();
            seen.push(t.elapsed().as_millis());
        }
        assert_eq!(seen, [1000, 2000, 4000, 5000, 5000]);
    }
}
