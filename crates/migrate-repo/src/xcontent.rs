//! The x-content body of a blob: SMILE (what Elasticsearch 5.x to 8.x and OpenSearch write) or JSON
//! (what a hand-made or older blob may hold), read into and written from one [`Value`].

use crate::error::Problem;
use crate::smile::{self, Header, Value};

/// Which x-content a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SMILE with these header flags.
    Smile(Header),
    /// Compact JSON (binary as base64 strings, as Jackson's JSON generator writes it).
    Json,
}

impl Format {
    /// What Elasticsearch writes.
    pub const ELASTICSEARCH: Format = Format::Smile(Header::ELASTICSEARCH);

    /// Which x-content `bytes` start like, if any (flags not yet read for SMILE).
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0x3A, 0x29, 0x0A]) {
            return Some(Format::Smile(Header::default()));
        }
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => Some(Format::Json),
            _ => None,
        }
    }
}

/// Parses a body.
pub fn parse(body: &[u8]) -> Result<(Format, Value), Problem> {
    match Format::sniff(body) {
        Some(Format::Smile(_)) => {
            let (header, value) = smile::decode(body)?;
            Ok((Format::Smile(header), value))
        }
        Some(Format::Json) => {
            let json: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| Problem::Json {
                    reason: e.to_string(),
                })?;
            Ok((Format::Json, Value::from_json(&json)))
        }
        None => Err(Problem::UnknownBody {
            first_bytes: body.iter().take(4).copied().collect(),
        }),
    }
}

/// Writes a body.
pub fn write(format: Format, value: &Value) -> Vec<u8> {
    match format {
        Format::Smile(header) => smile::encode(value, header),
        Format::Json => {
            let json = value.to_json_base64();
            serde_json::to_vec(&json).unwrap_or_default()
        }
    }
}
