//! The on-disk format: versions, the upgrade chain from older formats, and canonical output.
//!
//! Version 0 is what `migrate plan --dry-run --state` accepted before there was an executor: an
//! object of step id → status string or `{status, fingerprint}`, optionally under `"steps"`, with no
//! `format_version`. Version 1 adds the header (`format_version`, `lineage`, `serial`, `plan_name`,
//! `plan_fingerprint`) and the per-step record. Each upgrader turns version N into N+1 as JSON, so a
//! new version adds one function to [`UPGRADES`] and a golden fixture.

use std::path::Path;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::StateError;
use crate::state::State;

/// The format this build writes.
pub const FORMAT_VERSION: u32 = 1;

/// Turns one format's JSON into the next one's; the `&str` is the plan name.
type Upgrade = fn(Value, &str) -> Result<Value, String>;

/// `UPGRADES[n]` turns format `n` into format `n + 1`.
const UPGRADES: [Upgrade; FORMAT_VERSION as usize] = [v0_to_v1];

/// Parses a state file's text, upgrading older formats. Returns the state and whether it was
/// upgraded (so the next commit rewrites it in the current format). `plan_name` fills the header
/// of formats that had none.
pub fn parse_state(path: &Path, text: &str, plan_name: &str) -> Result<(State, bool), StateError> {
    let invalid = |message: String| StateError::Invalid {
        path: path.to_owned(),
        message,
    };
    // The common case first: a current state parses straight into its types in one pass,
    // without an intermediate JSON tree or a separate pass for the version.
    if let Ok(state) = serde_json::from_str::<State>(text)
        && state.format_version == FORMAT_VERSION
    {
        return Ok((state, false));
    }
    // Otherwise read the version (skipping everything else) to upgrade or refuse it.
    #[derive(serde::Deserialize)]
    struct Header {
        format_version: Option<Value>,
    }
    if !text.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<Value>(text) {
            Ok(_) => invalid("expected a JSON object".into()),
            Err(e) => invalid(format!("not JSON ({e})")),
        });
    }
    let header: Header =
        serde_json::from_str(text).map_err(|e| invalid(format!("not JSON ({e})")))?;
    let version = match header.format_version {
        None => 0,
        Some(v) => v.as_u64().ok_or_else(|| {
            invalid(format!(
                "`format_version` must be a whole number, found `{v}`"
            ))
        })?,
    };
    if version > u64::from(FORMAT_VERSION) {
        return Err(StateError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version == u64::from(FORMAT_VERSION) {
        let state: State = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        return Ok((state, false));
    }
    let mut doc: Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not JSON ({e})")))?;
    if !doc.is_object() {
        return Err(invalid("expected a JSON object".into()));
    }
    let upgraded = true;
    for upgrade in &UPGRADES[version as usize..] {
        doc = upgrade(doc, plan_name).map_err(invalid)?;
    }
    let state: State = serde_json::from_value(doc).map_err(|e| invalid(e.to_string()))?;
    Ok((state, upgraded))
}

/// The state as normalised JSON: object keys sorted at every level, pretty-printed, newline-ended.
pub fn to_canonical_json(state: &State) -> String {
    // Serialising plain data into a Value cannot fail.
    let value = serde_json::to_value(state).unwrap_or(Value::Null);
    let mut out = serde_json::to_string_pretty(&canonical(value)).unwrap_or_default();
    out.push('\n');
    out
}

/// `value` with every object's keys in sorted order.
pub(crate) fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect::<Map<String, Value>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// Version 0 (`{id: "done"}`, `{id: {status, fingerprint}}`, optionally under `steps`) → version 1.
fn v0_to_v1(doc: Value, plan_name: &str) -> Result<Value, String> {
    let Value::Object(mut top) = doc else {
        return Err("expected a JSON object".into());
    };
    let entries = match top.remove("steps") {
        Some(Value::Object(steps)) => steps,
        Some(other) => return Err(format!("`steps` must be an object, found `{other}`")),
        None => top,
    };
    let mut steps = Map::new();
    for (id, entry) in entries {
        let record = match entry {
            Value::String(status) => {
                let mut m = Map::new();
                m.insert("status".into(), Value::String(status));
                m
            }
            Value::Object(m) => m,
            other => {
                return Err(format!(
                    "step `{id}`: expected a status string or an object, found `{other}`"
                ));
            }
        };
        if !record.contains_key("status") {
            return Err(format!("step `{id}`: no `status`"));
        }
        steps.insert(id, Value::Object(record));
    }
    let mut out = Map::new();
    out.insert("format_version".into(), Value::from(1));
    out.insert("lineage".into(), Value::String(Uuid::new_v4().to_string()));
    out.insert("serial".into(), Value::from(0));
    out.insert("plan_name".into(), Value::String(plan_name.to_owned()));
    out.insert("steps".into(), Value::Object(steps));
    Ok(Value::Object(out))
}
