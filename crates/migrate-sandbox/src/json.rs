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
