//! Rebuilding a shard's Lucene files from a snapshot: which blobs hold each file ([`plan`]), a check
//! of the rebuilt bytes against the snapshot's metadata ([`Verifier`]), and [`reassemble`] doing
//! both through any [`BlobSource`].
//!
//! A file named `__<uuid>` is one data blob, or `__<uuid>.part0` … `.partN` when `part_size` split
//! it; a file named `v__<uuid>` (7.x) has no blob, its content is its `meta_hash`. Every Lucene file
//! ends with a footer whose last 8 bytes are the CRC32 of everything before them; the snapshot keeps
//! that value in base 36 as `checksum`. The verifier checks the length, that the footer's checksum
//! is the one recorded, and that the bytes really have that CRC32.

use std::io;

use thiserror::Error;

use crate::model::FileInfo;
use crate::source::BlobSource;

/// Where the content of one Lucene file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    /// The content is in the metadata (`v__` files): these bytes.
    Inline(Vec<u8>),
    /// The content is these blobs, concatenated in order (keys relative to the repository root).
    Blobs(Vec<String>),
}

/// How to rebuild one Lucene file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlan {
    /// The Lucene file name.
    pub physical_name: String,
    /// Its length.
    pub length: u64,
    /// Where its bytes are.
    pub source: FileSource,
}

/// A file that cannot be rebuilt, or whose rebuilt bytes do not match the snapshot's metadata.
#[derive(Debug, Error)]
pub enum ReassemblyError {
    /// A `v__` file without its content.
    #[error("`{file}` is a metadata-only (`v__`) file but has no `meta_hash` content")]
    NoInlineContent {
        /// The Lucene file name.
        file: String,
    },
    /// A `part_size` that would need more parts than can exist.
    #[error(
        "`{file}`: length {length} with part size {part_size} needs more parts than is plausible"
    )]
    TooManyParts {
        /// The Lucene file name.
        file: String,
        /// The file length.
        length: u64,
        /// The part size.
        part_size: u64,
    },
    /// A blob could not be read.
    #[error("`{file}`: reading blob `{key}` failed: {source}")]
    Read {
        /// The Lucene file name.
        file: String,
        /// The blob key.
        key: String,
        /// What the source said.
        #[source]
        source: io::Error,
    },
    /// The rebuilt length differs from the metadata.
    #[error("`{file}`: rebuilt {found} bytes, the snapshot says {expected}")]
    Length {
        /// The Lucene file name.
        file: String,
        /// The length in the metadata.
        expected: u64,
        /// The length rebuilt.
        found: u64,
    },
    /// Too short to end with a Lucene footer.
    #[error("`{file}` is {length} bytes, too short to end with a Lucene footer (16 bytes)")]
    NoFooter {
        /// The Lucene file name.
        file: String,
        /// Its length.
        length: u64,
    },
    /// The recorded checksum is not base 36.
    #[error("`{file}`: the snapshot's checksum `{checksum}` is not a base-36 number")]
    BadChecksumText {
        /// The Lucene file name.
        file: String,
        /// The text.
        checksum: String,
    },
    /// The footer's checksum differs from the metadata, or the content's CRC32 from the footer.
    #[error("`{file}`: {what} is {found} (base 36), expected {expected}")]
    Checksum {
        /// The Lucene file name.
        file: String,
        /// Which checksum disagrees.
        what: &'static str,
        /// The expected value, base 36.
        expected: String,
        /// The value found, base 36.
        found: String,
    },
}

/// The keys (or inline bytes) of `file`, whose shard folder is `shard_dir`
/// (`indices/<index id>/<shard>`).
pub fn plan(shard_dir: &str, file: &FileInfo) -> Result<FilePlan, ReassemblyError> {
    let source = if file.is_virtual() {
        FileSource::Inline(file.meta_hash.clone().ok_or_else(|| {
            ReassemblyError::NoInlineContent {
                file: file.physical_name.clone(),
            }
        })?)
    } else {
        let parts = number_of_parts(file)?;
        let base = format!("{shard_dir}/{}", file.name);
        FileSource::Blobs(if parts == 1 {
            vec![base]
        } else {
            (0..parts).map(|i| format!("{base}.part{i}")).collect()
        })
    };
    Ok(FilePlan {
        physical_name: file.physical_name.clone(),
        length: file.length,
        source,
    })
}

/// How many data blobs hold `file`, as Elasticsearch counts them.
pub fn number_of_parts(file: &FileInfo) -> Result<u64, ReassemblyError> {
    let part = file.part_size.filter(|p| *p > 0).unwrap_or(u64::MAX);
    let parts = file.length.div_ceil(part).max(1);
    if parts > 1_000_000 {
        return Err(ReassemblyError::TooManyParts {
            file: file.physical_name.clone(),
            length: file.length,
            part_size: part,
        });
    }
    Ok(parts)
}

/// Reads and checks `file` from `source`: its bytes, verified.
pub fn reassemble(
    source: &dyn BlobSource,
    shard_dir: &str,
    file: &FileInfo,
) -> Result<Vec<u8>, ReassemblyError> {
    let plan = plan(shard_dir, file)?;
    let mut verifier = Verifier::new(file)?;
    let mut out = Vec::new();
    match plan.source {
        FileSource::Inline(bytes) => out = bytes,
        FileSource::Blobs(keys) => {
            for key in keys {
                let bytes = source.read(&key).map_err(|e| ReassemblyError::Read {
                    file: file.physical_name.clone(),
                    key: key.clone(),
                    source: e,
                })?;
                out.extend_from_slice(&bytes);
            }
        }
    }
    verifier.update(&out);
    verifier.finish()?;
    Ok(out)
}

/// Checks a Lucene file's bytes, fed in any number of pieces, against its snapshot metadata.
#[derive(Debug)]
pub struct Verifier {
    file: String,
    expected_length: u64,
    expected_checksum: u64,
    crc: crc32fast::Hasher,
    length: u64,
    /// The last (up to) 8 bytes seen: not yet hashed, since they may be the footer's checksum.
    tail: Vec<u8>,
}

impl Verifier {
    /// A verifier for `file`.
    pub fn new(file: &FileInfo) -> Result<Self, ReassemblyError> {
        let expected_checksum =
            parse_base36(&file.checksum).ok_or_else(|| ReassemblyError::BadChecksumText {
                file: file.physical_name.clone(),
                checksum: file.checksum.clone(),
            })?;
        Ok(Verifier {
            file: file.physical_name.clone(),
            expected_length: file.length,
            expected_checksum,
            crc: crc32fast::Hasher::new(),
            length: 0,
            tail: Vec::with_capacity(16),
        })
    }

    /// Feeds the next bytes of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.length += bytes.len() as u64;
        self.tail.extend_from_slice(bytes);
        if self.tail.len() > 8 {
            let hashed = self.tail.len() - 8;
            self.crc.update(&self.tail[..hashed]);
            self.tail.drain(..hashed);
        }
    }

    /// Checks what was fed: length, footer checksum against the metadata, CRC32 against the footer.
    pub fn finish(self) -> Result<(), ReassemblyError> {
        if self.length != self.expected_length {
            return Err(ReassemblyError::Length {
                file: self.file,
                expected: self.expected_length,
                found: self.length,
            });
        }
        if self.length < 16 {
            return Err(ReassemblyError::NoFooter {
                file: self.file,
                length: self.length,
            });
        }
        let footer = u64::from_be_bytes(self.tail[..8].try_into().unwrap_or([0; 8]));
        if footer != self.expected_checksum {
            return Err(ReassemblyError::Checksum {
                file: self.file,
                what: "the checksum in the file's footer",
                expected: to_base36(self.expected_checksum),
                found: to_base36(footer),
            });
        }
        let computed = u64::from(self.crc.finalize());
        if computed != footer {
            return Err(ReassemblyError::Checksum {
                file: self.file,
                what: "the CRC32 of the file's content",
                expected: to_base36(footer),
                found: to_base36(computed),
            });
        }
        Ok(())
    }
}

/// Parses Java's `Long.toString(v, 36)` (lower-case digits, optional `-`).
pub fn parse_base36(text: &str) -> Option<u64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, 36).ok()?;
    Some(if negative {
        (magnitude as i64).wrapping_neg() as u64
    } else {
        magnitude
    })
}

/// Java's `Long.toString(v, 36)` of a (non-negative) checksum.
pub fn to_base36(mut value: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
