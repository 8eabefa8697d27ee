//! Scroll and point-in-time contexts kept between requests.

use std::time::{Duration, Instant};

use super::exec::{HitRef, RenderOptions};

/// An open scroll: the full ordered hit list frozen at the first request, and a cursor.
#[derive(Debug)]
pub struct ScrollContext {
    /// Concrete index names the hits refer to (by position).
    pub indices: Vec<String>,
    /// All hits in order.
    pub hits: Vec<HitRef>,
    /// Next hit to return.
    pub pos: usize,
    /// Page size.
    pub size: usize,
    /// How hits are rendered.
    pub render: RenderOptions,
    /// Expiry.
    pub expires: Instant,
}

/// An open point in time.
#[derive(Debug)]
pub struct PitContext {
    /// Concrete index names.
    pub indices: Vec<String>,
    /// Creation, epoch millis.
    pub created_ms: i64,
    /// Keep-alive.
    pub keep_alive: Duration,
    /// Expiry.
    pub expires: Instant,
}

/// Parses an ES time value (`5m`, `30s`, `1h`, `100ms`, `1d`).
pub fn parse_time(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    Some(match unit {
        "nanos" => Duration::from_nanos(n),
        "micros" => Duration::from_micros(n),
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        "d" => Duration::from_secs(n * 86_400),
        _ => return None,
    })
}
