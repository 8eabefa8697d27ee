//! The envelope Elasticsearch's `ChecksumBlobStoreFormat` puts around every `.dat` blob and shard
//! `index-<gen>`: a Lucene codec header (magic, codec name, version), the body (optionally compressed
//! with Elasticsearch's DEFLATE compressor), and a Lucene footer whose CRC32 covers everything
//! before the checksum itself.
//!
//! [`unwrap`] checks all of it and returns the (inflated) body; [`wrap`] builds a blob from a body.
//! Errors name the blob and say exactly what is wrong.

use crate::compress::{self, Compression};
use crate::error::{BlobError, Problem};

/// Lucene's `CodecUtil.CODEC_MAGIC`, first in every codec header.
pub const CODEC_MAGIC: u32 = 0x3FD7_6C17;
/// Lucene's `CodecUtil.FOOTER_MAGIC` (`!CODEC_MAGIC`), first in every footer.
pub const FOOTER_MAGIC: u32 = !CODEC_MAGIC;
/// The version `ChecksumBlobStoreFormat` writes (5.x to 7.x).
pub const FORMAT_VERSION: u32 = 1;
/// Bytes of a Lucene footer: magic, algorithm id, 8-byte checksum.
pub const FOOTER_LEN: usize = 16;

/// What a blob's envelope said, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped {
    /// The codec version from the header.
    pub version: u32,
    /// How the body was compressed.
    pub compression: Compression,
    /// The body, inflated when it was compressed: x-content (SMILE or JSON).
    pub body: Vec<u8>,
}

/// Checks the envelope of `bytes` (the content of blob `blob`, which must carry codec `codec`) and
/// returns its body, inflated.
pub fn unwrap(blob: &str, codec: &str, bytes: &[u8]) -> Result<Unwrapped, BlobError> {
    let fail = |problem| BlobError::new(blob, problem);
    let header_len = 4 + 1 + codec.len() + 4;
    if bytes.len() < 4 {
        return Err(fail(Problem::Truncated {
            len: bytes.len(),
            need: header_len + FOOTER_LEN,
        }));
    }
    let magic = be_u32(&bytes[..4]);
    if magic != CODEC_MAGIC {
        return Err(fail(Problem::BadMagic { found: magic }));
    }
    let (name, after_name) = lucene_string(bytes, 4).ok_or_else(|| {
        fail(Problem::Truncated {
            len: bytes.len(),
            need: header_len + FOOTER_LEN,
        })
    })?;
    if name != codec.as_bytes() {
        return Err(fail(Problem::WrongCodec {
            expected: codec.to_owned(),
            found: String::from_utf8_lossy(name).into_owned(),
        }));
    }
    let body_start = after_name + 4;
    if bytes.len() < body_start + FOOTER_LEN {
        return Err(fail(Problem::Truncated {
            len: bytes.len(),
            need: body_start + FOOTER_LEN,
        }));
    }
    let version = be_u32(&bytes[after_name..body_start]);
    if version != FORMAT_VERSION {
        return Err(fail(Problem::UnsupportedVersion { found: version }));
    }
    let footer = bytes.len() - FOOTER_LEN;
    let footer_magic = be_u32(&bytes[footer..footer + 4]);
    let algorithm = be_u32(&bytes[footer + 4..footer + 8]);
    if footer_magic != FOOTER_MAGIC || algorithm != 0 {
        return Err(fail(Problem::BadFooter {
            magic: footer_magic,
            algorithm,
        }));
    }
    let stored = u64::from_be_bytes(bytes[footer + 8..].try_into().unwrap_or([0xFF; 8]));
    let computed = u64::from(crc32fast::hash(&bytes[..footer + 8]));
    if stored != computed {
        return Err(fail(Problem::ChecksumMismatch { stored, computed }));
    }
    let raw = &bytes[body_start..footer];
    let (compression, body) = compress::detect_and_inflate(raw).map_err(fail)?;
    Ok(Unwrapped {
        version,
        compression,
        body,
    })
}

/// Builds the blob of `body` under codec `codec`, compressing the body when asked.
pub fn wrap(codec: &str, body: &[u8], compression: Compression) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + codec.len() + 32);
    out.extend_from_slice(&CODEC_MAGIC.to_be_bytes());
    write_lucene_vint(&mut out, codec.len() as u32);
    out.extend_from_slice(codec.as_bytes());
    out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    match compression {
        Compression::None => out.extend_from_slice(body),
        Compression::Deflate => out.extend_from_slice(&compress::deflate(body)),
    }
    out.extend_from_slice(&FOOTER_MAGIC.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    let crc = u64::from(crc32fast::hash(&out));
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn be_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes.try_into().unwrap_or([0; 4]))
}

/// A Lucene `writeString`: VInt byte length, then the bytes. Returns the bytes and the offset after.
fn lucene_string(bytes: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut len: u32 = 0;
    let mut pos = at;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(pos)?;
        pos += 1;
        len |= u32::from(b & 0x7F).checked_shl(shift)?;
        if b & 0x80 == 0 {
            let end = pos.checked_add(usize::try_from(len).ok()?)?;
            return Some((bytes.get(pos..end)?, end));
        }
    }
    None
}

fn write_lucene_vint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value & 0x7F) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}
