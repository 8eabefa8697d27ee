//! The adaptive rate: additive increase, multiplicative decrease (AIMD) of a document rate and of
//! the number of requests in flight, within the plan's ceiling. Pure: callers hand in the time and
//! what the destination answered, so the controller is tested without clocks.

use std::time::{Duration, Instant};

/// The plan's budget: the most the engine may ask of the destination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ceiling {
    /// Documents per second (none: as fast as the destination takes them).
    pub docs_per_second: Option<f64>,
    /// Request body bytes per second (none: unbounded).
    pub bytes_per_second: Option<f64>,
    /// `_bulk` requests in flight at once (at least 1).
    pub concurrency: usize,
}

impl Default for Ceiling {
    fn default() -> Self {
        Ceiling {
            docs_per_second: None,
            bytes_per_second: None,
            concurrency: 4,
        }
    }
}

/// What one `_bulk` round trip told the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Every item was accepted (or refused for good): no pressure.
    Clean,
    /// The request, or some of its items, were rejected for load (429, `*rejected_execution*`,
    /// 502–504).
    Rejected,
}

/// The rate the engine currently allows itself (shown in progress and events).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CurrentRate {
    /// Documents per second the pacing allows (none: unpaced).
    pub docs_per_second: Option<f64>,
    /// Request body bytes per second the pacing allows (none: unpaced).
    pub bytes_per_second: Option<f64>,
    /// Requests allowed in flight.
    pub concurrency: usize,
    /// How many times the rate was cut since the start.
    pub decreases: u64,
}

/// The lowest the controller goes: a trickle that still makes progress.
const FLOOR_DOCS: f64 = 10.0;
const FLOOR_BYTES: f64 = 16.0 * 1024.0;
/// Multiplicative decrease.
const CUT: f64 = 0.5;
/// A clean period this long earns one additive step.
const CLIMB_EVERY: Duration = Duration::from_millis(500);
/// After a cut, further pressure within this period is the same congestion, not a new one.
const HOLD_AFTER_CUT: Duration = Duration::from_millis(250);
/// Latency this many times the best seen (and at least `LATENCY_SLACK` above it) is pressure.
const LATENCY_FACTOR: f64 = 3.0;
const LATENCY_SLACK: Duration = Duration::from_millis(100);

/// The AIMD controller.
#[derive(Debug, Clone)]
pub struct Aimd {
    ceiling: Ceiling,
    docs: Option<f64>,
    bytes: Option<f64>,
    concurrency: usize,
    /// Rates when the last cut happened: additive steps are a tenth of them.
    step_docs: f64,
    step_bytes: f64,
    last_change: Option<Instant>,
    last_cut: Option<Instant>,
    /// Smoothed latency per document and the best smoothed value seen.
    ewma: Option<f64>,
    best: Option<f64>,
    decreases: u64,
}

impl Aimd {
    pub fn new(ceiling: Ceiling) -> Self {
        let concurrency = ceiling.concurrency.max(1);
        Aimd {
            ceiling: Ceiling {
                concurrency,
                ..ceiling
            },
            docs: ceiling.docs_per_second,
            bytes: ceiling.bytes_per_second,
            concurrency,
            step_docs: ceiling.docs_per_second.unwrap_or(1000.0) / 10.0,
            step_bytes: ceiling.bytes_per_second.unwrap_or(1024.0 * 1024.0) / 10.0,
            last_change: None,
            last_cut: None,
            ewma: None,
            best: None,
            decreases: 0,
        }
    }

    pub fn current(&self) -> CurrentRate {
        CurrentRate {
            docs_per_second: self.docs,
            bytes_per_second: self.bytes,
            concurrency: self.concurrency,
            decreases: self.decreases,
        }
    }

    /// Feeds one round trip: `docs` documents in `bytes` bytes took `latency`; `observed_docs` and
    /// `observed_bytes` are the rates actually achieved recently (used when unpaced, to know where
    /// to cut from).
    pub fn observe(
        &mut self,
        now: Instant,
        signal: Signal,
        docs: usize,
        latency: Duration,
        observed: (f64, f64),
    ) {
        let per_doc = latency.as_secs_f64() / docs.max(1) as f64;
        let slow = self.latency_rising(per_doc, docs);
        if signal == Signal::Rejected || slow {
            self.cut(now, observed);
        } else {
            self.climb(now);
        }
    }

    /// Whether this round trip's latency per document is well above the best seen.
    fn latency_rising(&mut self, per_doc: f64, docs: usize) -> bool {
        let ewma = match self.ewma {
            Some(e) => 0.7 * e + 0.3 * per_doc,
            None => per_doc,
        };
        self.ewma = Some(ewma);
        let best = self.best.map_or(ewma, |b| b.min(ewma));
        self.best = Some(best);
        let slack = LATENCY_SLACK.as_secs_f64() / docs.max(1) as f64;
        ewma > best * LATENCY_FACTOR && ewma > best + slack
    }

    fn cut(&mut self, now: Instant, observed: (f64, f64)) {
        if self
            .last_cut
            .is_some_and(|t| now.saturating_duration_since(t) < HOLD_AFTER_CUT)
        {
            return;
        }
        let from_docs = self.docs.unwrap_or(observed.0.max(FLOOR_DOCS));
        let docs = (from_docs * CUT).max(FLOOR_DOCS);
        self.step_docs = (from_docs / 10.0).max(1.0);
        self.docs = Some(docs);
        if self.bytes.is_some() || self.ceiling.bytes_per_second.is_some() {
            let from = self.bytes.unwrap_or(observed.1.max(FLOOR_BYTES));
            self.bytes = Some((from * CUT).max(FLOOR_BYTES));
            self.step_bytes = (from / 10.0).max(1024.0);
        }
        self.concurrency = ((self.concurrency as f64 * CUT) as usize).max(1);
        // Latency is judged afresh at the new rate.
        self.best = self.ewma;
        self.last_cut = Some(now);
        self.last_change = Some(now);
        self.decreases += 1;
    }

    fn climb(&mut self, now: Instant) {
        let since = self
            .last_change
            .map_or(CLIMB_EVERY, |t| now.saturating_duration_since(t));
        if since < CLIMB_EVERY {
            return;
        }
        self.last_change = Some(now);
        if self.concurrency < self.ceiling.concurrency {
            self.concurrency += 1;
        }
        if let Some(d) = self.docs {
            let next = d + self.step_docs;
            self.docs = match self.ceiling.docs_per_second {
                Some(c) => Some(next.min(c)),
                // Unbounded: once well past where the cut happened, stop pacing.
                None if next >= self.step_docs * 20.0 => None,
                None => Some(next),
            };
        }
        if let Some(b) = self.bytes {
            let next = b + self.step_bytes;
            self.bytes = match self.ceiling.bytes_per_second {
                Some(c) => Some(next.min(c)),
                None if next >= self.step_bytes * 20.0 => None,
                None => Some(next),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(10);

    fn ceiling(docs: f64, concurrency: usize) -> Ceiling {
        Ceiling {
            docs_per_second: Some(docs),
            bytes_per_second: None,
            concurrency,
        }
    }

    #[test]
    fn a_rejection_halves_the_rate_and_the_concurrency() {
        let t0 = Instant::now();
        let mut a = Aimd::new(ceiling(1000.0, 8));
        a.observe(t0, Signal::Rejected, 100, MS, (0.0, 0.0));
        let r = a.current();
        assert_eq!(r.docs_per_second, Some(500.0));
        assert_eq!(r.concurrency, 4);
        assert_eq!(r.decreases, 1);
    }

    #[test]
    fn rejections_in_one_burst_count_as_one_congestion() {
        let t0 = Instant::now();
        let mut a = Aimd::new(ceiling(1000.0, 8));
        a.observe(t0, Signal::Rejected, 100, MS, (0.0, 0.0));
        a.observe(t0 + MS, Signal::Rejected, 100, MS, (0.0, 0.0));
        assert_eq!(a.current().docs_per_second, Some(500.0));
        a.observe(t0 + HOLD_AFTER_CUT, Signal::Rejected, 100, MS, (0.0, 0.0));
        assert_eq!(a.current().docs_per_second, Some(250.0));
    }

    #[test]
    fn clean_periods_climb_back_additively_up_to_the_ceiling_and_no_further() {
        let t0 = Instant::now();
        let mut a = Aimd::new(ceiling(1000.0, 4));
        a.observe(t0, Signal::Rejected, 100, MS, (0.0, 0.0));
        assert_eq!(a.current().docs_per_second, Some(500.0));
        let mut t = t0;
        let mut seen = vec![];
        for _ in 0..12 {
            t += CLIMB_EVERY;
            a.observe(t, Signal::Clean, 100, MS, (0.0, 0.0));
            seen.push(a.current().docs_per_second.unwrap_or_default());
        }
        // A tenth of the rate at the cut per step: 600, 700, ... capped at 1000.
        assert_eq!(&seen[..5], &[600.0, 700.0, 800.0, 900.0, 1000.0]);
        assert!(seen.iter().all(|d| *d <= 1000.0));
        assert_eq!(a.current().concurrency, 4);
    }

    #[test]
    fn an_unbounded_budget_is_paced_only_after_pressure_and_unpaced_again_once_recovered() {
        let t0 = Instant::now();
        let mut a = Aimd::new(Ceiling {
            docs_per_second: None,
            bytes_per_second: None,
            concurrency: 2,
        });
        assert_eq!(a.current().docs_per_second, None);
        a.observe(t0, Signal::Rejected, 100, MS, (4000.0, 1e6));
        assert_eq!(a.current().docs_per_second, Some(2000.0));
        let mut t = t0;
        for _ in 0..40 {
            t += CLIMB_EVERY;
            a.observe(t, Signal::Clean, 100, MS, (0.0, 0.0));
        }
        assert_eq!(a.current().docs_per_second, None);
    }

    #[test]
    fn latency_rising_well_above_the_best_seen_is_pressure() {
        let t0 = Instant::now();
        let mut a = Aimd::new(ceiling(1000.0, 4));
        let mut t = t0;
        for _ in 0..5 {
            t += CLIMB_EVERY;
            a.observe(t, Signal::Clean, 100, Duration::from_millis(20), (0.0, 0.0));
        }
        assert_eq!(a.current().decreases, 0);
        for _ in 0..5 {
            t += CLIMB_EVERY;
            a.observe(t, Signal::Clean, 100, Duration::from_secs(2), (0.0, 0.0));
        }
        assert!(a.current().decreases >= 1, "{:?}", a.current());
        assert!(a.current().docs_per_second.unwrap_or(f64::MAX) < 1000.0);
    }

    #[test]
    fn the_rate_never_falls_below_the_floor() {
        let mut t = Instant::now();
        let mut a = Aimd::new(ceiling(100.0, 1));
        for _ in 0..50 {
            t += HOLD_AFTER_CUT;
            a.observe(t, Signal::Rejected, 10, MS, (0.0, 0.0));
        }
        assert_eq!(a.current().docs_per_second, Some(FLOOR_DOCS));
        assert_eq!(a.current().concurrency, 1);
    }
}
