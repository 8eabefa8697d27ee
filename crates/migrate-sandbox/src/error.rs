//! Errors: the REST error bodies the real servers return (`type`, `reason`, `root_cause`, status), and
//! the library error for starting a sandbox.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// An error answered over HTTP in Elasticsearch's shape.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The exception `type`, e.g. `index_not_found_exception`.
    pub kind: String,
    /// The `reason` text.
    pub reason: String,
    /// Further fields (`index`, `index_uuid`, `resource.id`, ...), kept in order.
    pub extra: Box<Map<String, Value>>,
}

/// Result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, kind: &str, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            kind: kind.to_string(),
            reason: reason.into(),
            extra: Box::default(),
        }
    }

    /// Adds a field.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// Appends to the reason (and keeps every other field).
    pub fn reason_tail(mut self, tail: &str) -> Self {
        self.reason.push_str(tail);
        self
    }

    /// The error object (without `root_cause`), as it appears inside `failures` lists.
    pub fn cause(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), json!(self.kind));
        m.insert("reason".into(), json!(self.reason));
        for (k, v) in self.extra.iter() {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// The whole response body: `{"error": {"root_cause": [...], ...}, "status": N}`.
    pub fn body(&self) -> Value {
        let cause = self.cause();
        let mut err = Map::new();
        err.insert("root_cause".into(), json!([cause.clone()]));
        if let Value::Object(c) = cause {
            err.extend(c);
        }
        json!({"error": Value::Object(err), "status": self.status.as_u16()})
    }

    /// `index_not_found_exception` (404).
    pub fn index_not_found(index: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "index_not_found_exception",
            format!("no such index [{index}]"),
        )
        .with("resource.type", "index_or_alias")
        .with("resource.id", index)
        .with("index_uuid", "_na_")
        .with("index", index)
    }

    /// `resource_already_exists_exception` (400), `index_already_exists_exception` on 5.x.
    pub fn already_exists(index: &str, uuid: &str, es5: bool) -> Self {
        let kind = if es5 {
            "index_already_exists_exception"
        } else {
            "resource_already_exists_exception"
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            kind,
            format!("index [{index}/{uuid}] already exists"),
        )
        .with("index_uuid", uuid)
        .with("index", index)
    }

    /// `index_closed_exception` (400).
    pub fn index_closed(index: &str, uuid: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "index_closed_exception", "closed")
            .with("index_uuid", uuid)
            .with("index", index)
    }

    /// The answer to a path a server does not serve (or not on this flavour or version): an
    /// `illegal_argument_exception` (400), `request [<path>] contains unrecognized parameters or path`.
    pub fn unrecognized(path: &str) -> Self {
        ApiError::illegal_argument(format!(
            "request [{path}] contains unrecognized parameters or path"
        ))
    }

    /// `illegal_argument_exception` (400).
    pub fn illegal_argument(reason: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "illegal_argument_exception",
            reason,
        )
    }

    /// `action_request_validation_exception` (400), reason "Validation Failed: 1: ...;".
    pub fn validation(problems: &[String]) -> Self {
        let mut reason = String::from("Validation Failed: ");
        for (i, p) in problems.iter().enumerate() {
            reason.push_str(&format!("{}: {p};", i + 1));
        }
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "action_request_validation_exception",
            reason,
        )
    }

    /// `parsing_exception` / `x_content_parse_exception` (400) for unreadable bodies.
    pub fn parse(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "parsing_exception", reason)
    }

    /// `version_conflict_engine_exception` (409).
    pub fn version_conflict(id: &str, reason_tail: &str, index: &str, uuid: &str) -> Self {
        ApiError::new(
            StatusCode::CONFLICT,
            "version_conflict_engine_exception",
            format!("[{id}]: version conflict, {reason_tail}"),
        )
        .with("index_uuid", uuid)
        .with("shard", "0")
        .with("index", index)
    }

    /// `cluster_block_exception` (403) for a write on an index with `index.blocks.write`.
    pub fn write_blocked(index: &str, opensearch: bool) -> Self {
        let _ = opensearch;
        let block = "index write (api)";
        ApiError::new(
            StatusCode::FORBIDDEN,
            "cluster_block_exception",
            format!("index [{index}] blocked by: [FORBIDDEN/8/{block}];"),
        )
    }

    /// `search_context_missing_exception` (404) for an unknown scroll id.
    pub fn no_search_context(id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "search_context_missing_exception",
            format!("No search context found for id [{id}]"),
        )
    }

    /// `resource_not_found_exception` (404).
    pub fn resource_not_found(reason: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found_exception",
            reason,
        )
    }

    /// A thread-pool rejection (429): `es_rejected_execution_exception` on Elasticsearch,
    /// `rejected_execution_exception` on OpenSearch (its exception names drop the `OpenSearch`
    /// prefix of `OpenSearchRejectedExecutionException`).
    pub fn rejected(opensearch: bool, reason: impl Into<String>) -> Self {
        let kind = if opensearch {
            "rejected_execution_exception"
        } else {
            "es_rejected_execution_exception"
        };
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, kind, reason)
    }

    /// `security_exception` (401) for missing or wrong credentials.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "security_exception", reason)
    }
}

/// Failure to start a sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The flavour/version combination is not supported.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// Binding or serving failed.
    #[error("sandbox I/O failed: {0}")]
    Io(#[from] std::io::Error),
}
