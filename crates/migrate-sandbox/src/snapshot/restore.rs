//! Restore planning, independent of the cluster model: which snapshot indices a request selects,
//! their names after `rename_pattern`/`rename_replacement`, and the settings they get after
//! `index_settings`/`ignore_index_settings` — with Elasticsearch's refusals.

use regex::Regex;
use serde_json::{Map, Value};

/// Settings a restore may neither change nor remove.
pub const UNMODIFIABLE: [&str; 4] = [
    "index.number_of_shards",
    "index.version.created",
    "index.uuid",
    "index.creation_date",
];

/// Settings a restore may change but not remove.
pub const UNREMOVABLE: [&str; 1] = ["index.number_of_replicas"];

/// Why a restore request is refused before anything changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// A named index is not in the snapshot (404 `index_not_found_exception`).
    MissingIndex(String),
    /// A refused settings change or bad rename pattern (`snapshot_restore_exception`, 500 in ES).
    Refused(String),
}

/// The index names the request selects from the snapshot's `available` ones, in order.
/// `indices` is a comma-separated string or an array; `*` wildcards and `-` exclusions work.
pub fn select(
    available: &[String],
    indices: Option<&Value>,
    ignore_unavailable: bool,
) -> Result<Vec<String>, PlanError> {
    let patterns: Vec<String> = match indices {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(other) => vec![other.to_string()],
    };
    if patterns.is_empty() || patterns.iter().any(|p| p == "_all") {
        return Ok(available.to_vec());
    }
    let mut chosen: Vec<String> = Vec::new();
    for pattern in &patterns {
        if let Some(excluded) = pattern.strip_prefix('-') {
            chosen.retain(|name| !glob(excluded, name));
            continue;
        }
        let matches: Vec<&String> = available.iter().filter(|n| glob(pattern, n)).collect();
        if matches.is_empty() && !pattern.contains('*') && !ignore_unavailable {
            return Err(PlanError::MissingIndex(pattern.clone()));
        }
        for name in matches {
            if !chosen.contains(name) {
                chosen.push(name.clone());
            }
        }
    }
    Ok(chosen)
}

/// The name an index is restored under.
pub fn rename(
    name: &str,
    pattern: Option<&str>,
    replacement: Option<&str>,
) -> Result<String, PlanError> {
    let (Some(pattern), Some(replacement)) = (pattern, replacement) else {
        return Ok(name.to_owned());
    };
    let regex = Regex::new(pattern)
        .map_err(|e| PlanError::Refused(format!("invalid rename_pattern [{pattern}]: {e}")))?;
    Ok(regex.replace_all(name, replacement).into_owned())
}

/// The settings of a restored index: the snapshot's, minus `ignore`, plus `changes`.
pub fn settings(
    snapshot: &Map<String, Value>,
    changes: Option<&Value>,
    ignore: Option<&Value>,
) -> Result<Map<String, Value>, PlanError> {
    let mut out = snapshot.clone();
    for key in crate::json::comma_list(ignore) {
        let key = index_key(&key);
        if UNMODIFIABLE.contains(&key.as_str()) || UNREMOVABLE.contains(&key.as_str()) {
            return Err(PlanError::Refused(format!(
                "cannot remove setting [{key}] on restore"
            )));
        }
        if key.contains('*') {
            out.retain(|k, _| !glob(&key, k));
        } else {
            out.remove(&key);
        }
    }
    for (key, value) in flatten(changes) {
        let key = index_key(&key);
        if UNMODIFIABLE.contains(&key.as_str()) {
            return Err(PlanError::Refused(format!(
                "cannot modify setting [{key}] on restore"
            )));
        }
        let value = match value {
            Value::String(_) | Value::Null => value,
            other => Value::String(other.to_string()),
        };
        out.insert(key, value);
    }
    Ok(out)
}

fn flatten(value: Option<&Value>) -> Vec<(String, Value)> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            other => out.push((prefix.to_owned(), other.clone())),
        }
    }
    let mut out = Vec::new();
    if let Some(v) = value {
        walk("", v, &mut out);
    }
    out
}

fn index_key(key: &str) -> String {
    if key.starts_with("index.") {
        key.to_owned()
    } else {
        format!("index.{key}")
    }
}

pub use crate::names::glob;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn selects_with_wildcards_exclusions_and_missing_names() {
        let available = names(&["logs-1", "logs-2", "movies"]);
        assert_eq!(select(&available, None, false).unwrap(), available);
        assert_eq!(
            select(&available, Some(&json!("logs-*,-logs-2")), false).unwrap(),
            names(&["logs-1"])
        );
        assert_eq!(
            select(&available, Some(&json!(["movies", "nope"])), false),
            Err(PlanError::MissingIndex("nope".into()))
        );
        assert_eq!(
            select(&available, Some(&json!(["movies", "nope"])), true).unwrap(),
            names(&["movies"])
        );
    }

    #[test]
    fn renames_with_groups() {
        assert_eq!(
            rename("movies", Some("(.+)"), Some("restored_$1")).unwrap(),
            "restored_movies"
        );
        assert_eq!(rename("movies", None, Some("x")).unwrap(), "movies");
        assert!(matches!(
            rename("m", Some("("), Some("x")),
            Err(PlanError::Refused(_))
        ));
    }

    #[test]
    fn refuses_changing_or_removing_protected_settings() {
        let snap: Map<String, Value> = json!({"index.number_of_shards": "2", "index.number_of_replicas": "1", "index.refresh_interval": "1s"})
            .as_object()
            .cloned()
            .unwrap();
        let out = settings(
            &snap,
            Some(&json!({"index": {"number_of_replicas": 0}})),
            Some(&json!(["index.refresh_interval"])),
        )
        .unwrap();
        assert_eq!(out["index.number_of_replicas"], "0");
        assert!(!out.contains_key("index.refresh_interval"));
        assert_eq!(
            settings(&snap, Some(&json!({"number_of_shards": 1})), None),
            Err(PlanError::Refused(
                "cannot modify setting [index.number_of_shards] on restore".into()
            ))
        );
        assert_eq!(
            settings(&snap, None, Some(&json!("index.number_of_replicas"))),
            Err(PlanError::Refused(
                "cannot remove setting [index.number_of_replicas] on restore".into()
            ))
        );
    }
}
