//! Parsing and validating a `_reindex` request body and parameters.

use serde_json::Value;
use std::collections::HashMap;

use crate::error::{ApiError, ApiResult};
use crate::names::glob;
use crate::search::query::Query;
use crate::search::source::SourceFilter;

/// A remote source.
#[derive(Clone)]
pub struct RemoteSource {
    /// `scheme://host:port` (and optional path prefix), as given.
    pub host: String,
    /// `host:port` for the allowlist.
    pub host_port: String,
    /// Basic-auth user.
    pub username: Option<String>,
    /// Basic-auth password (never printed).
    pub password: Option<String>,
}

impl std::fmt::Debug for RemoteSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteSource")
            .field("host", &self.host)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A parsed `_reindex` request.
#[derive(Debug, Clone)]
pub struct ReindexRequest {
    /// Source index expression(s).
    pub source_indices: Vec<String>,
    /// Source query (raw, forwarded to remotes).
    pub query_raw: Option<Value>,
    /// Parsed query (local sources).
    pub query: Query,
    /// `_source` filter (raw, forwarded to remotes).
    pub source_filter_raw: Option<Value>,
    /// Parsed filter.
    pub source_filter: SourceFilter,
    /// Batch size (`source.size`, default 1000).
    pub batch_size: usize,
    /// Remote source, if any.
    pub remote: Option<RemoteSource>,
    /// Destination index.
    pub dest_index: String,
    /// Destination type (5.x/6.x).
    pub dest_type: Option<String>,
    /// `op_type: create`.
    pub create_only: bool,
    /// `conflicts: proceed`.
    pub proceed_on_conflict: bool,
    /// `max_docs`.
    pub max_docs: Option<u64>,
    /// `requests_per_second` (`None`: unthrottled).
    pub requests_per_second: Option<f64>,
    /// `wait_for_completion`.
    pub wait_for_completion: bool,
    /// The Painless `script` (compiled by the handler, which sees stored scripts).
    pub script: Option<crate::painless::Script>,
    /// `slices` (`0`: `auto`, one per source shard).
    pub slices: u64,
    /// An update by query: every document is written back to its own index.
    pub by_query: bool,
    /// `refresh`: refresh the written indexes at the end.
    pub refresh: bool,
    /// `wait_for_active_shards` of the writes.
    pub active_shards: Option<String>,
    /// `timeout` of the writes (how long they wait for active shards).
    pub timeout: std::time::Duration,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    crate::json::string_or_list(v, |s| s.split(',').map(str::to_string).collect())
}

/// Parses `requests_per_second` (`-1` or absent = unthrottled; must be > 0 otherwise).
pub fn parse_rps(raw: Option<&str>) -> ApiResult<Option<f64>> {
    match raw {
        None => Ok(None),
        Some(s) => {
            let v: f64 = s.parse().map_err(|_| {
                ApiError::illegal_argument(format!("[requests_per_second] must be a float greater than 0. Use -1 to disable throttling. Got [{s}]"))
            })?;
            if v == -1.0 || v.is_infinite() {
                Ok(None)
            } else if v <= 0.0 {
                Err(ApiError::illegal_argument(format!(
                    "[requests_per_second] must be a float greater than 0. Use -1 to disable throttling. Got [{s}]"
                )))
            } else {
                Ok(Some(v))
            }
        }
    }
}

/// Parses `scheme://host:port[/prefix]` into `host:port`.
fn parse_host(raw: &str) -> ApiResult<String> {
    let bad = || {
        ApiError::illegal_argument(format!(
            "[host] must be of the form [scheme]://[host]:[port](/[pathPrefix])? but was [{raw}]"
        ))
    };
    let url = url::Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || !raw.contains("://") {
        return Err(bad());
    }
    let host = url.host_str().ok_or_else(bad)?;
    let port = url.port_or_known_default().ok_or_else(bad)?;
    if url.port().is_none()
        && !raw
            .trim_end_matches('/')
            .rsplit("//")
            .next()
            .is_some_and(|h| h.contains(':'))
    {
        return Err(bad());
    }
    Ok(format!("{host}:{port}"))
}

impl ReindexRequest {
    /// Parses and validates.
    pub fn parse(body: &Value, params: &HashMap<String, String>) -> ApiResult<ReindexRequest> {
        let mut problems: Vec<String> = Vec::new();
        let source = body.get("source").cloned().unwrap_or(Value::Null);
        let dest = body.get("dest").cloned().unwrap_or(Value::Null);
        let source_indices = strings(source.get("index"));
        if source_indices.is_empty() {
            problems.push("use _all if you really want to copy from all existing indexes".into());
        }
        let dest_index = dest
            .get("index")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if dest_index.is_empty() {
            problems.push("index must be specified".into());
        }
        let conflicts = body
            .get("conflicts")
            .and_then(Value::as_str)
            .or(params.get("conflicts").map(String::as_str))
            .unwrap_or("abort");
        let proceed_on_conflict = match conflicts {
            "abort" => false,
            "proceed" => true,
            other => {
                return Err(ApiError::illegal_argument(format!(
                    "conflicts may only be \"proceed\" or \"abort\" but was [{other}]"
                )));
            }
        };
        let slices = match params.get("slices").map(String::as_str) {
            None | Some("1") => 1,
            Some("auto") => 0,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(ApiError::illegal_argument(format!(
                        "[slices] must be a positive integer or the string \"auto\", but was [{s}]"
                    )));
                }
            },
        };
        let max_docs = match body.get("max_docs").or_else(|| body.get("size")) {
            Some(v) => Some(v.as_u64().ok_or_else(|| {
                ApiError::illegal_argument("[max_docs] parameter cannot be negative, found [-1]")
            })?),
            None => match params.get("max_docs") {
                Some(s) => Some(s.parse().map_err(|_| {
                    ApiError::illegal_argument(format!(
                        "[max_docs] parameter cannot be negative, found [{s}]"
                    ))
                })?),
                None => None,
            },
        };
        if let Some(m) = max_docs
            && slices > 1
            && m < slices as u64
        {
            problems.push("[max_docs] should be >= [slices]".to_string());
        }
        let remote = match source.get("remote") {
            None => None,
            Some(r) => {
                let host = r
                    .get("host")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let host_port = parse_host(&host)?;
                if slices != 1 {
                    problems.push(format!(
                        "reindex from remote sources doesn't support slices > 1 but was [{}]",
                        params.get("slices").map(String::as_str).unwrap_or("auto")
                    ));
                }
                Some(RemoteSource {
                    host,
                    host_port,
                    username: r
                        .get("username")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    password: r
                        .get("password")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                })
            }
        };
        if !problems.is_empty() {
            return Err(ApiError::validation(&problems));
        }
        let query_raw = source.get("query").cloned();
        let query = match &query_raw {
            Some(q) => Query::parse(q)?,
            None => Query::MatchAll,
        };
        let source_filter_raw = source.get("_source").cloned();
        let source_filter = source_filter_raw
            .as_ref()
            .map(SourceFilter::from_body)
            .unwrap_or_default();
        let batch_size = source
            .get("size")
            .and_then(Value::as_u64)
            .unwrap_or(1000)
            .max(1) as usize;
        Ok(ReindexRequest {
            source_indices,
            query_raw,
            query,
            source_filter_raw,
            source_filter,
            batch_size,
            remote,
            dest_index,
            dest_type: dest.get("type").and_then(Value::as_str).map(str::to_string),
            create_only: dest.get("op_type").and_then(Value::as_str) == Some("create"),
            proceed_on_conflict,
            max_docs,
            requests_per_second: parse_rps(params.get("requests_per_second").map(String::as_str))?,
            wait_for_completion: params.get("wait_for_completion").map(String::as_str)
                != Some("false"),
            script: None,
            slices: slices as u64,
            by_query: false,
            refresh: matches!(
                params.get("refresh").map(String::as_str),
                Some("" | "true" | "wait_for")
            ),
            active_shards: params.get("wait_for_active_shards").cloned(),
            timeout: crate::active_shards::write_timeout(
                params.get("timeout").map(String::as_str),
            )?,
        })
    }
}

/// Checks a remote `host:port` against the allowlist setting value; the error is the real one.
pub fn check_allowlist(
    host_port: &str,
    setting: Option<&Value>,
    setting_name: &str,
    verb: &str,
) -> ApiResult<()> {
    let entries = crate::json::string_or_list(setting, |s| {
        s.split(',')
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect()
    });
    if entries.iter().any(|e| glob(e, host_port)) {
        Ok(())
    } else {
        Err(ApiError::illegal_argument(format!(
            "[{host_port}] not {verb} in {setting_name}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_errors_have_real_texts() {
        let p = HashMap::from([("slices".to_string(), "2".to_string())]);
        let e = ReindexRequest::parse(&json!({"source": {"index": "a", "remote": {"host": "http://h:9200"}}, "dest": {"index": "b"}}), &p).unwrap_err();
        assert_eq!(
            e.reason,
            "Validation Failed: 1: reindex from remote sources doesn't support slices > 1 but was [2];"
        );
        let e = ReindexRequest::parse(&json!({"source": {"index": "a", "remote": {"host": "h:9200"}}, "dest": {"index": "b"}}), &HashMap::new()).unwrap_err();
        assert!(
            e.reason
                .starts_with("[host] must be of the form [scheme]://[host]:[port]"),
            "{}",
            e.reason
        );
        let e = ReindexRequest::parse(
            &json!({"source": {"index": "a"}, "dest": {"index": "b"}, "conflicts": "maybe"}),
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!(
            e.reason,
            "conflicts may only be \"proceed\" or \"abort\" but was [maybe]"
        );
        assert!(parse_rps(Some("0")).is_err());
        assert_eq!(parse_rps(Some("-1")).unwrap(), None);
    }

    #[test]
    fn allowlist_messages_per_flavour() {
        let e = check_allowlist(
            "127.0.0.1:9201",
            None,
            "reindex.remote.whitelist",
            "whitelisted",
        )
        .unwrap_err();
        assert_eq!(
            e.reason,
            "[127.0.0.1:9201] not whitelisted in reindex.remote.whitelist"
        );
        assert!(check_allowlist("127.0.0.1:9201", Some(&json!("127.0.0.1:*")), "x", "y").is_ok());
    }
}
