//! The one error type of the crate: which blob, and what is wrong with it.

use thiserror::Error;

use crate::smile::SmileError;

/// A blob that could not be read (or a value that could not be turned into one), naming the blob.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("blob `{blob}`: {problem}")]
pub struct BlobError {
    /// The blob's key or name, as the caller gave it.
    pub blob: String,
    /// What is wrong.
    pub problem: Problem,
}

impl BlobError {
    /// An error about `blob`.
    pub fn new(blob: impl Into<String>, problem: Problem) -> Self {
        BlobError {
            blob: blob.into(),
            problem,
        }
    }
}

/// What is wrong with a blob.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Problem {
    /// Shorter than its header and footer (or than a length it declares).
    #[error("truncated: {len} bytes, at least {need} needed")]
    Truncated {
        /// The blob's length.
        len: usize,
        /// The least it would need.
        need: usize,
    },
    /// Does not start with Lucene's codec magic.
    #[error(
        "bad magic 0x{found:08x}: not a Lucene codec header (0x3fd76c17); not a checksummed snapshot blob"
    )]
    BadMagic {
        /// The first four bytes, big-endian.
        found: u32,
    },
    /// The codec name is not the one this kind of blob carries.
    #[error("wrong codec `{found}`, expected `{expected}`: this is another kind of blob")]
    WrongCodec {
        /// The codec this kind of blob carries.
        expected: String,
        /// The codec in the header.
        found: String,
    },
    /// A codec version other than 1.
    #[error("unsupported format version {found} (only 1 is known)")]
    UnsupportedVersion {
        /// The version in the header.
        found: u32,
    },
    /// The footer's magic or algorithm id is wrong.
    #[error(
        "bad footer: magic 0x{magic:08x} (expected 0xc02893e8), algorithm {algorithm} (expected 0); the blob is truncated or has bytes appended"
    )]
    BadFooter {
        /// The footer magic found.
        magic: u32,
        /// The checksum algorithm id found.
        algorithm: u32,
    },
    /// The CRC32 in the footer does not match the content.
    #[error(
        "checksum mismatch: the footer says 0x{stored:08x}, the content computes 0x{computed:08x}; the blob is corrupt"
    )]
    ChecksumMismatch {
        /// The checksum stored in the footer.
        stored: u64,
        /// The checksum of the bytes before it.
        computed: u64,
    },
    /// A compression this crate recognises but does not implement.
    #[error("{name} compression is not supported (only Elasticsearch's DEFLATE, `DFL\\0`)")]
    UnsupportedCompression {
        /// The compressor's name.
        name: &'static str,
    },
    /// The body is neither x-content nor compressed with a known compressor.
    #[error("unknown compression or body format: the body starts with bytes {}, which is neither SMILE (3a 29 0a), JSON, nor DEFLATE (`DFL\\0`)", hex(.first_bytes))]
    UnknownBody {
        /// The first bytes of the body.
        first_bytes: Vec<u8>,
    },
    /// Expected `DFL\0`-compressed bytes.
    #[error("not DEFLATE-compressed: expected the marker `DFL\\0`, found bytes {}", hex(.first_bytes))]
    NotDeflated {
        /// The first bytes found.
        first_bytes: Vec<u8>,
    },
    /// The DEFLATE stream is broken.
    #[error("the DEFLATE stream is broken: {reason}")]
    Inflate {
        /// What the inflater said.
        reason: String,
    },
    /// The body is not valid SMILE.
    #[error(transparent)]
    Smile(#[from] SmileError),
    /// The body is not valid JSON.
    #[error("invalid JSON: {reason}")]
    Json {
        /// What the parser said.
        reason: String,
    },
    /// The document does not have the shape this kind of blob has.
    #[error("`{path}` {reason}")]
    Shape {
        /// Where in the document (`/snapshot/uuid`).
        path: String,
        /// What is wrong there.
        reason: String,
    },
}

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(none)".into();
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
