//! Small JSON helpers the steps share (a leaf: it imports nothing of the crate).

use serde_json::{Map, Value};

/// A value as text: strings as they are, anything else as its JSON.
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The flat settings of `index` in a `GET /{index}/_settings?flat_settings=true` body.
pub(crate) fn flat_settings(body: &Value, index: &str) -> Map<String, Value> {
    body.get(index)
        .and_then(|i| i.get("settings"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Active shard recoveries in a `GET /{index}/_recovery?active_only=true` body.
pub(crate) fn active_shards(rec: &Value) -> u64 {
    rec.as_object()
        .map(|m| {
            m.values()
                .filter_map(|e| e.get("shards").and_then(Value::as_array))
                .map(|s| s.len() as u64)
                .sum()
        })
        .unwrap_or(0)
}

/// How far the recoveries of a `_recovery` answer have got: the bytes and files recovered, summed
/// over every shard (what moves while a restore or replica recovery advances).
pub(crate) fn recovered(rec: &Value) -> u64 {
    let Some(m) = rec.as_object() else { return 0 };
    m.values()
        .filter_map(|e| e.get("shards").and_then(Value::as_array))
        .flatten()
        .map(|shard| {
            let n = |p: &str| shard.pointer(p).and_then(Value::as_u64).unwrap_or(0);
            n("/index/size/recovered_in_bytes")
                + n("/index/files/recovered")
                + n("/translog/recovered")
        })
        .sum()
}

/// A value serialised, `null` if it cannot be (plain data always can).
pub(crate) fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
