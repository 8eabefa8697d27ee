//! Writing JSON into byte buffers (responses are assembled from pre-serialised parts, stored
//! `_source` bytes embedded as they are). A leaf: it imports nothing from the crate.

use serde_json::Value;

/// Writes a JSON string.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Serialises a value into a buffer.
pub fn write_json(out: &mut Vec<u8>, v: &Value) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// A field given as one string or as an array of strings: `one` reads the string (some APIs split
/// it at commas); an array gives its strings as they are, skipping other elements; anything else
/// gives nothing.
pub fn string_or_list(v: Option<&Value>, one: impl FnOnce(&str) -> Vec<String>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => one(s),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

/// [`string_or_list`] whose string is a comma-separated list (`"a, b"`: each entry trimmed).
pub fn comma_list(v: Option<&Value>) -> Vec<String> {
    string_or_list(v, |s| s.split(',').map(|x| x.trim().to_string()).collect())
}
