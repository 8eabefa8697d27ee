//! Fault injection: error statuses at a rate, added latency, dropped connections, or failing the Nth
//! matching call. Decisions come from a seeded RNG so tests are reproducible.

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// What a fault does.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    /// Answer with this status (429, 500, 502, 503, 504...) and an Elasticsearch-shaped error.
    Status(u16),
    /// Delay the request, then serve it normally.
    Latency(Duration),
    /// Close the connection without a complete response.
    Drop,
}

/// When a fault fires.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Every matching call.
    Always,
    /// Each matching call with this probability.
    Rate(f64),
    /// Only the Nth matching call (1-based).
    Nth(u64),
    /// The first N matching calls.
    FirstN(u64),
}

/// One rule.
#[derive(Debug, Clone)]
pub struct FaultRule {
    /// Method to match (any when `None`).
    pub method: Option<String>,
    /// Substring the path must contain (any when `None`).
    pub path_contains: Option<String>,
    /// Effect.
    pub action: FaultAction,
    /// Trigger.
    pub trigger: Trigger,
    seen: u64,
}

impl FaultRule {
    /// A rule that answers `status`.
    pub fn status(status: u16) -> Self {
        Self::new(FaultAction::Status(status))
    }

    /// A rule that adds latency.
    pub fn latency(d: Duration) -> Self {
        Self::new(FaultAction::Latency(d))
    }

    /// A rule that drops the connection.
    pub fn drop_connection() -> Self {
        Self::new(FaultAction::Drop)
    }

    fn new(action: FaultAction) -> Self {
        FaultRule {
            method: None,
            path_contains: None,
            action,
            trigger: Trigger::Always,
            seen: 0,
        }
    }

    /// Only for this method.
    pub fn method(mut self, m: &str) -> Self {
        self.method = Some(m.to_ascii_uppercase());
        self
    }

    /// Only for paths containing this.
    pub fn path(mut self, needle: &str) -> Self {
        self.path_contains = Some(needle.to_string());
        self
    }

    /// Fire with a probability.
    pub fn rate(mut self, p: f64) -> Self {
        self.trigger = Trigger::Rate(p);
        self
    }

    /// Fire on the Nth matching call only.
    pub fn nth(mut self, n: u64) -> Self {
        self.trigger = Trigger::Nth(n);
        self
    }

    /// Fire on the first N matching calls.
    pub fn first(mut self, n: u64) -> Self {
        self.trigger = Trigger::FirstN(n);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
    }
}

/// The fault rules of one sandbox.
#[derive(Debug)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    rng: Mutex<StdRng>,
}

impl Faults {
    /// No rules, RNG seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Faults {
            rules: Mutex::new(Vec::new()),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Adds a rule.
    pub fn add(&self, rule: FaultRule) {
        if let Ok(mut r) = self.rules.lock() {
            r.push(rule);
        }
    }

    /// Removes all rules.
    pub fn clear(&self) {
        if let Ok(mut r) = self.rules.lock() {
            r.clear();
        }
    }

    /// The actions to apply to this request, in rule order.
    pub fn decide(&self, method: &str, path: &str) -> Vec<FaultAction> {
        let (Ok(mut rules), Ok(mut rng)) = (self.rules.lock(), self.rng.lock()) else {
            return vec![];
        };
        let mut out = Vec::new();
        for rule in rules.iter_mut().filter(|r| r.matches(method, path)) {
            rule.seen += 1;
            let fire = match rule.trigger {
                Trigger::Always => true,
                Trigger::Rate(p) => rng.random_bool(p.clamp(0.0, 1.0)),
                Trigger::Nth(n) => rule.seen == n,
                Trigger::FirstN(n) => rule.seen <= n,
            };
            if fire {
                out.push(rule.action.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_fires_once_and_rate_is_reproducible() {
        let f = Faults::new(7);
        f.add(FaultRule::status(503).path("/_bulk").nth(2));
        assert!(f.decide("POST", "/_bulk").is_empty());
        assert_eq!(f.decide("POST", "/_bulk"), vec![FaultAction::Status(503)]);
        assert!(f.decide("POST", "/_bulk").is_empty());
        assert!(f.decide("POST", "/x/_search").is_empty());

        let run = |seed| {
            let f = Faults::new(seed);
            f.add(FaultRule::status(429).rate(0.5));
            (0..64)
                .map(|_| !f.decide("GET", "/").is_empty())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        let fired = run(1).iter().filter(|b| **b).count();
        assert!(fired > 10 && fired < 54, "{fired}");
    }
}
