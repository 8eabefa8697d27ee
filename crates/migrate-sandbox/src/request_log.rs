//! The request log: every request the sandbox answered (method, path as sent and decoded, query,
//! body, user agent, status, time), queryable by tests (e.g. "nothing mutating reached the source",
//! or "every request migrate sent is one its dry run showed").

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

/// Bodies up to this size are kept in the log (migrate's requests are far smaller; bulk loads are not).
pub const LOGGED_BODY_MAX: usize = 256 * 1024;

/// One logged request.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// Method.
    pub method: String,
    /// Path (decoded).
    pub path: String,
    /// Path as sent (still percent-encoded).
    pub raw_path: String,
    /// Raw query string (may be empty).
    pub query: String,
    /// Request body size in bytes.
    pub body_size: usize,
    /// The body, when at most [`LOGGED_BODY_MAX`] bytes.
    pub body: Option<Bytes>,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// Response status (0 when the connection was dropped on purpose).
    pub status: u16,
    /// Time to answer.
    pub duration: Duration,
    /// When it arrived.
    pub at: SystemTime,
}

impl LoggedRequest {
    /// Whether this request can change data or cluster state. Reads sent with POST (`_search`,
    /// `_count`, scroll, point-in-time, `_mget`, `_msearch`, `_refresh`) and clearing scrolls are not mutating.
    pub fn is_mutating(&self) -> bool {
        match self.method.as_str() {
            "GET" | "HEAD" | "OPTIONS" => false,
            _ => {
                let p = self.path.trim_end_matches('/');
                let read_suffixes = [
                    "/_search",
                    "/_count",
                    "/_search/scroll",
                    "/_mget",
                    "/_msearch",
                    "/_refresh",
                    "/_pit",
                    "/_search/point_in_time",
                    "/_field_caps",
                    "/_validate/query",
                ];
                let is_read = read_suffixes
                    .iter()
                    .any(|s| p.ends_with(s) || p == &s[1..] || format!("/{p}") == *s)
                    || p.starts_with("/_search/scroll")
                    || p.starts_with("/_search/point_in_time")
                    || p == "/_pit";
                !is_read
            }
        }
    }
}

impl LoggedRequest {
    /// The entry as JSON (`GET /_sandbox/requests`): method, path, query, body size, status,
    /// duration and arrival time in milliseconds, and whether it is mutating.
    pub fn to_json(&self) -> serde_json::Value {
        let at_ms = self
            .at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "body_size": self.body_size,
            "status": self.status,
            "duration_ms": self.duration.as_secs_f64() * 1000.0,
            "at_ms": at_ms,
            "mutating": self.is_mutating(),
        })
    }
}

/// The log.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    /// Appends an entry.
    pub fn push(&self, r: LoggedRequest) {
        if let Ok(mut e) = self.entries.lock() {
            e.push(r);
        }
    }

    /// All entries so far.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Entries that can change data or state.
    pub fn mutating_requests(&self) -> Vec<LoggedRequest> {
        self.entries()
            .into_iter()
            .filter(LoggedRequest::is_mutating)
            .collect()
    }

    /// Entries with this method whose path contains `needle`.
    pub fn matching(&self, method: &str, needle: &str) -> Vec<LoggedRequest> {
        self.entries()
            .into_iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.contains(needle))
            .collect()
    }

    /// Forgets everything.
    pub fn clear(&self) {
        if let Ok(mut e) = self.entries.lock() {
            e.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str) -> LoggedRequest {
        LoggedRequest {
            method: method.into(),
            path: path.into(),
            raw_path: path.into(),
            query: String::new(),
            body_size: 0,
            body: None,
            user_agent: None,
            status: 200,
            duration: Duration::ZERO,
            at: SystemTime::now(),
        }
    }

    #[test]
    fn reads_by_post_are_not_mutating() {
        assert!(!req("POST", "/idx/_search").is_mutating());
        assert!(!req("POST", "/_search/scroll").is_mutating());
        assert!(!req("DELETE", "/_search/scroll").is_mutating());
        assert!(!req("GET", "/idx").is_mutating());
        assert!(req("POST", "/_bulk").is_mutating());
        assert!(req("PUT", "/idx").is_mutating());
        assert!(req("DELETE", "/idx").is_mutating());
    }
}
