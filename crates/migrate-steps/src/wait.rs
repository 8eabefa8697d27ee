//! Waiting without busy loops: exponential backoff between polls, capped, interrupted at once by
//! the run's cancellation token (the step then answers a retryable error and keeps its handle).
//! By default the first interval is one second, so a waiting step sends at most one request per
//! second (the demo, against in-process sandboxes, polls faster). A wait whose progress has not
//! moved for the stall timeout (`settings.stall_timeout_s`) ends with a retryable error naming what
//! is stuck and since when: the step keeps its handle and the next attempt or run re-attaches.

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

/// One wait: the next interval, how many polls in a row failed transiently, and the last
/// progress seen with when it last moved.
pub(crate) struct Poller<'a> {
    backoff: Backoff,
    next: Duration,
    cancel: CancellationToken,
    step: &'a str,
    transient: u32,
    stall: Duration,
    last: Option<(u64, tokio::time::Instant)>,
}

/// How long a wait's progress may stand still by default (`settings.stall_timeout_s`).
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(1800);

/// Transient poll failures tolerated in a row before the wait gives up (retryably).
const TRANSIENT_LIMIT: u32 = 8;

impl<'a> Poller<'a> {
    pub(crate) fn new(
        backoff: Backoff,
        stall: Duration,
        cancel: CancellationToken,
        step: &'a str,
    ) -> Self {
        Poller {
            backoff,
            next: backoff.initial,
            cancel,
            step,
            transient: 0,
            stall,
            last: None,
        }
    }

    /// Records the progress seen by a poll (`key`: whatever moves while the work advances — counts,
    /// bytes, stage; `shown` describes it). `Err` (retryable) when it has not moved for the stall
    /// timeout: the message names `waiting_for`, the progress it is stuck at and the field to raise.
    pub(crate) fn progress(
        &mut self,
        waiting_for: &str,
        key: impl std::hash::Hash,
        shown: &str,
    ) -> Result<(), StepError> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        let now = tokio::time::Instant::now();
        match self.last {
            Some((h, since)) if h == hash => {
                let still = now.duration_since(since);
                if still >= self.stall {
                    return Err(StepError::retryable(format!(
                        "step `{}`: {waiting_for} is stuck: its progress ({shown}) has not moved for {} s; check the cluster (stuck shards, a full disk, a blocked task) — the next run re-attaches to it; raise `settings.stall_timeout_s` if it is only slow",
                        self.step,
                        still.as_secs()
                    )));
                }
            }
            _ => self.last = Some((hash, now)),
        }
        Ok(())
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
        let mut p = Poller::new(
            Backoff::default(),
            DEFAULT_STALL_TIMEOUT,
            CancellationToken::new(),
            "s",
        );
        let mut seen = Vec::new();
        for _ in 0..5 {
            let t = tokio::time::Instant::now();
            p.sleep("x").await.unwrap();
            seen.push(t.elapsed().as_millis());
        }
        assert_eq!(seen, [1000, 2000, 4000, 5000, 5000]);
    }

    #[tokio::test(start_paused = true)]
    async fn progress_that_stands_still_for_the_stall_timeout_fails_resumably_naming_what_is_stuck()
    {
        let stall = Duration::from_secs(10);
        let mut p = Poller::new(
            Backoff::default(),
            stall,
            CancellationToken::new(),
            "copy-x",
        );
        let what = "reindex task `n:1`";
        p.progress(what, (5u64, 10u64), "5 of 10 docs").unwrap();
        // Moving progress resets the clock, however long the wait has lasted.
        for done in 6..9u64 {
            tokio::time::advance(Duration::from_secs(9)).await;
            p.progress(what, (done, 10u64), "moving").unwrap();
        }
        tokio::time::advance(Duration::from_secs(9)).await;
        p.progress(what, (8u64, 10u64), "8 of 10 docs").unwrap();
        tokio::time::advance(Duration::from_secs(1)).await;
        let err = p.progress(what, (8u64, 10u64), "8 of 10 docs").unwrap_err();
        assert!(err.retryable, "a stall is resumable: {}", err.message);
        assert!(
            err.message
                .contains("step `copy-x`: reindex task `n:1` is stuck")
                && err
                    .message
                    .contains("(8 of 10 docs) has not moved for 10 s")
                && err.message.contains("settings.stall_timeout_s"),
            "{}",
            err.message
        );
    }
}
