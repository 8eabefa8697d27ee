//! The options `_update_by_query` and `_delete_by_query` share (`AbstractBulkByScrollRequest`):
//! `conflicts`, `max_docs` (URL, body, or the old `size`), `slices`, `scroll_size`,
//! `requests_per_second`, each refused in the servers' words when invalid.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::reindex::request::parse_rps;

/// Parsed options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ByQuery {
    /// `conflicts=proceed`.
    pub proceed: bool,
    /// The most documents to process.
    pub max_docs: Option<u64>,
    /// Documents per search batch (`scroll_size`, default 1000).
    pub scroll_size: u64,
}

fn negative(v: &str) -> ApiError {
    ApiError::illegal_argument(format!(
        "[max_docs] parameter cannot be negative, found [{v}]"
    ))
}

fn max_docs_value(v: &Value) -> ApiResult<u64> {
    match v {
        Value::Number(n) => n.as_u64().ok_or_else(|| negative(&n.to_string())),
        Value::String(s) => s.parse().map_err(|_| negative(s)),
        other => Err(negative(&other.to_string())),
    }
}

impl ByQuery {
    /// Reads and checks the options of a request (URL parameters and body).
    pub fn parse(body: Option<&Value>, params: &HashMap<String, String>) -> ApiResult<ByQuery> {
        let conflicts = body
            .and_then(|b| b.get("conflicts"))
            .and_then(Value::as_str)
            .or(params.get("conflicts").map(String::as_str))
            .unwrap_or("abort");
        let proceed = match conflicts {
            "abort" => false,
            "proceed" => true,
            other => {
                return Err(ApiError::illegal_argument(format!(
                    "conflicts may only be \"proceed\" or \"abort\" but was [{other}]"
                )));
            }
        };
        let url_value = |v: &String| {
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(|n| n as u64)
                .ok_or_else(|| negative(v))
        };
        // `size` is read first, then `max_docs` (the REST handlers' order).
        let url = match (params.get("size"), params.get("max_docs")) {
            (Some(a), Some(b)) => {
                let (a, b) = (url_value(a)?, url_value(b)?);
                if a != b {
                    return Err(ApiError::illegal_argument(format!(
                        "[max_docs] set to two different values [{a}] and [{b}]"
                    )));
                }
                Some(a)
            }
            (Some(v), None) | (None, Some(v)) => Some(url_value(v)?),
            (None, None) => None,
        };
        let in_body = match body.and_then(|b| b.get("max_docs").or_else(|| b.get("size"))) {
            Some(v) => Some(max_docs_value(v)?),
            None => None,
        };
        let max_docs = match (url, in_body) {
            (Some(a), Some(b)) if a != b => {
                return Err(ApiError::illegal_argument(format!(
                    "[max_docs] set to two different values [{b}] and [{a}]"
                )));
            }
            (a, b) => a.or(b),
        };
        let slices = match params.get("slices").map(String::as_str) {
            None | Some("auto") => 1,
            Some(s) => match s.parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(ApiError::illegal_argument(format!(
                        "[slices] must be a positive integer or the string \"auto\", but was [{s}]"
                    )));
                }
            },
        };
        if let Some(m) = max_docs
            && m < slices
        {
            return Err(ApiError::validation(&[
                "[max_docs] should be >= [slices]".to_string()
            ]));
        }
        let scroll_size = match params.get("scroll_size") {
            Some(s) => s.parse::<u32>().map_err(|_| {
                ApiError::illegal_argument(format!(
                    "Failed to parse int parameter [scroll_size] with value [{s}]"
                ))
            })?,
            None => 1000,
        };
        parse_rps(params.get("requests_per_second").map(String::as_str))?;
        Ok(ByQuery {
            proceed,
            max_docs,
            scroll_size: u64::from(scroll_size.max(1)),
        })
    }
}
