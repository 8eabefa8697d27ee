//! Scroll and point-in-time contexts kept between requests.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::source::SourceFilter;

/// How hits are rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `_source` filter.
    pub source: SourceFilter,
    /// Include `_version`.
    pub version: bool,
    /// Include `_seq_no` and `_primary_term`.
    pub seq_no_primary_term: bool,
    /// Include `_type`.
    pub with_type: bool,
    /// Hits carry `sort` values.
    pub with_sort: bool,
    /// `_score` is null (sorted by field).
    pub null_score: bool,
    /// `stored_fields` / `docvalue_fields`.
    pub fetch: super::fetch::FieldFetch,
}

/// A reference to a hit: index position in the request's index list, slot, and sort values.
#[derive(Debug, Clone)]
pub struct HitRef {
    /// Position in the index list.
    pub index: u32,
    /// Slot in the index's doc store.
    pub slot: u32,
    /// Sort values (empty unless sorted).
    pub sort: Vec<Value>,
}

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
