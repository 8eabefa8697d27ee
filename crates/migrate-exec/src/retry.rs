//! Retry policy: exponential backoff with full jitter and a cap.

use std::time::Duration;

use rand::RngExt;

/// How retryable step errors are retried within one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per step per run, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The backoff before the first retry is drawn from `0..=base`.
    pub base: Duration,
    /// No backoff is longer than this.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The ceiling of the backoff after failed attempt `attempt` (1-based): `base · 2^(attempt-1)`,
    /// at most `cap`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// A backoff drawn uniformly from `0..=ceiling(attempt)` ("full jitter").
    pub fn delay(&self, attempt: u32, rng: &mut impl rand::Rng) -> Duration {
        let ceiling = self.ceiling(attempt).as_millis() as u64;
        Duration::from_millis(rng.random_range(0..=ceiling))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_ceiling_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
        };
        let ceilings: Vec<u128> = (1..=6).map(|a| p.ceiling(a).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.ceiling(200), Duration::from_millis(1000));
    }

    #[test]
    fn delays_are_jittered_within_the_ceiling() {
        let p = RetryPolicy::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let delays: Vec<Duration> = (0..200).map(|_| p.delay(3, &mut rng)).collect();
        assert!(delays.iter().all(|d| *d <= p.ceiling(3)));
        let distinct: std::collections::HashSet<_> = delays.iter().collect();
        assert!(distinct.len() > 50, "full jitter spreads delays");
    }
}
