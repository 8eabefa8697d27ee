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
    /// Reject single `_bulk` items with 429 (the write thread pool's queue is full), the request
    /// itself answering 200 with `errors: true`; decided per item, never per request.
    RejectItem,
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

    /// A rule that rejects single `_bulk` items with 429.
    pub fn reject_item() -> Self {
        Self::new(FaultAction::RejectItem)
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

/// A `--fault` spec that does not parse: what was wrong and the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid fault rule `{spec}`: {problem} (forms: STATUS | drop | latency=DURATION, then optionally \
     `:RATE` (0..1), `:nth=N` or `:first=N`, then `,path=SUBSTRING` / `,method=METHOD`; \
     e.g. `429:0.1`, `drop:0.05`, `latency=50ms`, `503:nth=3,path=/_bulk`)"
)]
pub struct FaultSpecError {
    /// The spec as given.
    pub spec: String,
    /// What is wrong with it.
    pub problem: String,
}

fn parse_duration(s: &str) -> Option<Duration> {
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| Duration::from_micros((v * scale * 1000.0) as u64))
}

impl std::str::FromStr for FaultRule {
    type Err = FaultSpecError;

    /// Parses the command-line form, e.g. `429:0.1`, `drop:0.05`, `latency=50ms`,
    /// `503:nth=3,path=/_bulk`, `500:first=2,method=POST`.
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |problem: &str| FaultSpecError {
            spec: spec.to_string(),
            problem: problem.to_string(),
        };
        let mut parts = spec.trim().split(',');
        let head = parts.next().unwrap_or_default();
        let (action, trigger) = match head.split_once(':') {
            Some((a, t)) => (a.trim(), Some(t.trim())),
            None => (head.trim(), None),
        };
        let mut rule = if action.eq_ignore_ascii_case("drop") {
            FaultRule::drop_connection()
        } else if action.eq_ignore_ascii_case("item429") {
            FaultRule::reject_item()
        } else if let Some(d) = action.strip_prefix("latency=") {
            FaultRule::latency(
                parse_duration(d)
                    .ok_or_else(|| err("latency needs a duration such as 50ms or 1.5s"))?,
            )
        } else {
            match action.parse::<u16>() {
                Ok(status) if (400..=599).contains(&status) => FaultRule::status(status),
                _ => {
                    return Err(err(
                        "the action must be an HTTP status 400-599, `drop`, `item429` or `latency=DURATION`",
                    ));
                }
            }
        };
        match trigger {
            None | Some("") => {}
            Some(t) => {
                if let Some(n) = t.strip_prefix("nth=") {
                    let n: u64 = n
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| err("nth= needs a call number ≥ 1"))?;
                    rule = rule.nth(n);
                } else if let Some(n) = t.strip_prefix("first=") {
                    let n: u64 = n.parse().map_err(|_| err("first= needs a count"))?;
                    rule = rule.first(n);
                } else {
                    let p: f64 = t
                        .parse()
                        .ok()
                        .filter(|p: &f64| (0.0..=1.0).contains(p))
                        .ok_or_else(|| err("the rate must be a probability between 0 and 1"))?;
                    rule = rule.rate(p);
                }
            }
        }
        for filter in parts {
            match filter.trim().split_once('=') {
                Some(("path", p)) if !p.is_empty() => rule = rule.path(p),
                Some(("method", m)) if !m.is_empty() => rule = rule.method(m),
                _ => return Err(err("filters are `path=SUBSTRING` or `method=METHOD`")),
            }
        }
        Ok(rule)
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
        for rule in rules
            .iter_mut()
            .filter(|r| r.action != FaultAction::RejectItem && r.matches(method, path))
        {
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

impl Faults {
    /// Whether this `_bulk` item is rejected (item rules only; each item counts as one call).
    pub fn reject_item(&self, method: &str, path: &str) -> bool {
        let (Ok(mut rules), Ok(mut rng)) = (self.rules.lock(), self.rng.lock()) else {
            return false;
        };
        let mut reject = false;
        for rule in rules
            .iter_mut()
            .filter(|r| r.action == FaultAction::RejectItem && r.matches(method, path))
        {
            rule.seen += 1;
            reject |= match rule.trigger {
                Trigger::Always => true,
                Trigger::Rate(p) => rng.random_bool(p.clamp(0.0, 1.0)),
                Trigger::Nth(n) => rule.seen == n,
                Trigger::FirstN(n) => rule.seen <= n,
            };
        }
        reject
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_specs_parse_into_rules() {
        let r: FaultRule = "429:0.1".parse().unwrap();
        assert_eq!(
            (r.action, r.trigger),
            (FaultAction::Status(429), Trigger::Rate(0.1))
        );
        let r: FaultRule = "drop:0.05".parse().unwrap();
        assert_eq!(
            (r.action, r.trigger),
            (FaultAction::Drop, Trigger::Rate(0.05))
        );
        let r: FaultRule = "latency=50ms".parse().unwrap();
        assert_eq!(
            (r.action, r.trigger),
            (
                FaultAction::Latency(Duration::from_millis(50)),
                Trigger::Always
            )
        );
        let r: FaultRule = "latency=1.5s:first=2".parse().unwrap();
        assert_eq!(
            (r.action, r.trigger),
            (
                FaultAction::Latency(Duration::from_millis(1500)),
                Trigger::FirstN(2)
            )
        );
        let r: FaultRule = "503:nth=3,path=/_bulk,method=post".parse().unwrap();
        assert_eq!(r.trigger, Trigger::Nth(3));
        assert_eq!(r.path_contains.as_deref(), Some("/_bulk"));
        assert_eq!(r.method.as_deref(), Some("POST"));
        for bad in [
            "200",
            "teapot",
            "429:1.5",
            "429:nth=0",
            "latency=fast",
            "429,host=x",
        ] {
            let e = bad.parse::<FaultRule>().unwrap_err();
            assert_eq!(e.spec, bad);
            assert!(e.to_string().contains("forms:"), "{e}");
        }
    }

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
