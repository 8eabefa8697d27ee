//! Elasticsearch's DEFLATE compressor: the marker `DFL\0` followed by a raw DEFLATE stream (level 3).
//! Used for the body of blobs in repositories with `compress: true` and for every stored mapping
//! (`CompressedXContent`). LZF (`ZV`), used before Elasticsearch 2.0, is recognised and refused.

use std::io::Read;

use flate2::Compression as Level;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::error::Problem;

/// The four bytes Elasticsearch's `DeflateCompressor` writes before the DEFLATE stream.
pub const DEFLATE_MARKER: &[u8; 4] = b"DFL\0";
/// The most bytes an inflated body may hold: bounds memory on a hostile stream.
pub const MAX_INFLATED: u64 = 256 * 1024 * 1024;
/// The level Elasticsearch's `DeflateCompressor` uses.
const LEVEL: u32 = 3;

/// How a blob's body is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Not compressed: the body is x-content as is.
    #[default]
    None,
    /// `DFL\0` + raw DEFLATE.
    Deflate,
}

/// Whether `bytes` start with the DEFLATE marker.
pub fn is_deflated(bytes: &[u8]) -> bool {
    bytes.starts_with(DEFLATE_MARKER)
}

/// Inflates `DFL\0` + DEFLATE (e.g. a stored mapping), at most [`MAX_INFLATED`] bytes.
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let stream = bytes
        .strip_prefix(DEFLATE_MARKER)
        .ok_or_else(|| Problem::NotDeflated {
            first_bytes: bytes.iter().take(4).copied().collect(),
        })?;
    let mut out = Vec::new();
    DeflateDecoder::new(stream)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| Problem::Inflate {
            reason: e.to_string(),
        })?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(Problem::Inflate {
            reason: format!("inflates to more than {MAX_INFLATED} bytes"),
        });
    }
    Ok(out)
}

/// Compresses `bytes` as Elasticsearch's `DeflateCompressor` does: `DFL\0` + raw DEFLATE, level 3.
/// (The DEFLATE stream is valid but not necessarily the same bytes Java's zlib would produce.)
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(DEFLATE_MARKER.to_vec(), Level::new(LEVEL));
    // Writing into a Vec cannot fail.
    let _ = std::io::Write::write_all(&mut encoder, bytes);
    encoder.finish().unwrap_or_default()
}

/// Tells how a blob body is compressed and returns it inflated. Refuses LZF and bodies that are
/// neither compressed with a known compressor nor x-content.
pub(crate) fn detect_and_inflate(raw: &[u8]) -> Result<(Compression, Vec<u8>), Problem> {
    if is_deflated(raw) {
        return Ok((Compression::Deflate, inflate(raw)?));
    }
    if raw.starts_with(b"ZV") && matches!(raw.get(2), Some(0 | 1)) {
        return Err(Problem::UnsupportedCompression { name: "LZF" });
    }
    if crate::xcontent::Format::sniff(raw).is_none() {
        return Err(Problem::UnknownBody {
            first_bytes: raw.iter().take(4).copied().collect(),
        });
    }
    Ok((Compression::None, raw.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deflate_and_inflate_round_trip_with_the_marker() {
        let text = br#"{"_doc":{"properties":{"title":{"type":"text"}}}}"#;
        let packed = deflate(text);
        assert!(packed.starts_with(b"DFL\0"));
        assert_eq!(inflate(&packed).unwrap(), text);
    }

    #[test]
    fn inflating_without_the_marker_says_what_was_found() {
        let err = inflate(b"{\"a\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not DEFLATE-compressed: expected the marker `DFL\\0`, found bytes 7b 22 61 22"
        );
    }
}
