//! One Lucene file as the reader sees it: a named byte range of a directory file (the whole file,
//! or a sub-file of a compound `.cfs`), with whole-file reads, range reads and checksum checks.

use std::sync::Arc;

use crate::codec::{
    Expect, FOOTER_LEN, IndexHeader, check_crc, check_index_header, read_footer, verify_checksum,
};
use crate::directory::{DirFile, Directory};
use crate::error::{Error, Result};
use crate::input::{Endian, Input};

/// Reads of more than this many bytes at once are streamed in blocks of this size.
const BLOCK: usize = 1 << 20;

#[derive(Clone)]
pub(crate) struct LuceneFile {
    name: Arc<str>,
    src: Arc<dyn DirFile>,
    offset: u64,
    len: u64,
}

impl LuceneFile {
    /// Opens `name`; `referenced_by` names the file that said it must exist.
    pub(crate) fn open(dir: &dyn Directory, name: &str, referenced_by: &str) -> Result<Self> {
        let src = dir.open(name).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Missing {
                    file: name.to_string(),
                    referenced_by: referenced_by.to_string(),
                }
            } else {
                Error::Io {
                    file: name.to_string(),
                    source: e,
                }
            }
        })?;
        let len = src.len();
        Ok(Self {
            name: name.into(),
            src,
            offset: 0,
            len,
        })
    }

    /// The sub-file `name` at `offset..offset + len` of this file.
    pub(crate) fn slice(&self, name: &str, offset: u64, len: u64) -> Result<Self> {
        let end = offset.checked_add(len);
        if end.is_none_or(|end| end > self.len) {
            return Err(Error::corrupt(
                self.name(),
                format!(
                    "sub-file `{name}` at {offset}+{len} lies outside the file ({} bytes)",
                    self.len
                ),
            ));
        }
        Ok(Self {
            name: format!("{name} in {}", self.name).into(),
            src: self.src.clone(),
            offset: self.offset + offset,
            len,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Reads `buf.len()` bytes at `offset`.
    pub(crate) fn read_into(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let end = offset.checked_add(buf.len() as u64);
        if end.is_none_or(|end| end > self.len) {
            return Err(Error::corrupt(
                self.name(),
                format!(
                    "truncated: {} bytes needed at offset {offset}, the file has {}",
                    buf.len(),
                    self.len
                ),
            ));
        }
        self.src
            .read_at(self.offset + offset, buf)
            .map_err(|source| Error::Io {
                file: self.name().to_string(),
                source,
            })
    }

    /// Reads `len` bytes at `offset` into `buf` (replacing its content).
    pub(crate) fn read_range(&self, offset: u64, len: usize, buf: &mut Vec<u8>) -> Result<()> {
        if (len as u64) > self.len.saturating_sub(offset) {
            return Err(Error::corrupt(
                self.name(),
                format!(
                    "truncated: {len} bytes needed at offset {offset}, the file has {}",
                    self.len
                ),
            ));
        }
        buf.clear();
        buf.resize(len, 0);
        self.read_into(offset, buf)
    }

    /// Reads the whole file and verifies its footer and checksum.
    pub(crate) fn read_verified(&self) -> Result<Vec<u8>> {
        let len = usize::try_from(self.len)
            .map_err(|_| Error::corrupt(self.name(), "file too large to read at once"))?;
        let mut buf = Vec::new();
        self.read_range(0, len, &mut buf)?;
        verify_checksum(&buf, self.name())?;
        Ok(buf)
    }

    /// Reads the whole file, verifies its checksum and checks its index header.
    pub(crate) fn read_checked(&self, expect: &Expect<'_>) -> Result<CheckedFile> {
        CheckedFile::new(self.name(), self.read_verified()?, expect)
    }

    /// Checks the index header at the start of the file, reading only its first bytes (for a
    /// large file whose checksum the caller verifies with [`LuceneFile::verify`]).
    pub(crate) fn check_head(&self, expect: &Expect<'_>) -> Result<CheckedFile> {
        let mut bytes = vec![0u8; self.len.min(512) as usize];
        self.read_into(0, &mut bytes)?;
        CheckedFile::new(self.name(), bytes, expect)
    }

    /// Verifies the footer and the CRC32 of the whole file, streaming it in blocks.
    pub(crate) fn verify(&self) -> Result<()> {
        if self.len < FOOTER_LEN as u64 {
            return Err(Error::corrupt(
                self.name(),
                format!(
                    "truncated: {} bytes is too short for a codec footer",
                    self.len
                ),
            ));
        }
        let mut footer = [0u8; FOOTER_LEN];
        self.read_into(self.len - FOOTER_LEN as u64, &mut footer)?;
        let expected = read_footer(&footer, self.name())?;
        let content = self.len - 8;
        let mut hasher = crc32fast::Hasher::new();
        let mut buf = vec![0u8; BLOCK.min(content as usize)];
        let mut at = 0u64;
        while at < content {
            let n = BLOCK.min((content - at) as usize);
            self.read_into(at, &mut buf[..n])?;
            hasher.update(&buf[..n]);
            at += n as u64;
        }
        check_crc(self.name(), expected, hasher.finalize())
    }
}

/// A file (or its first bytes) whose index header has been checked.
pub(crate) struct CheckedFile {
    name: String,
    bytes: Vec<u8>,
    pub(crate) header: IndexHeader,
    body: usize,
}

impl CheckedFile {
    fn new(name: &str, bytes: Vec<u8>, expect: &Expect<'_>) -> Result<Self> {
        let mut input = Input::new(&bytes, name, Endian::Big);
        let header = check_index_header(&mut input, expect)?;
        let body = input.pos();
        Ok(Self {
            name: name.to_string(),
            bytes,
            header,
            body,
        })
    }

    /// A cursor just after the header, reading fixed-width numbers in `endian` order.
    pub(crate) fn body(&self, endian: Endian) -> Input<'_> {
        Input::at(&self.bytes, &self.name, endian, self.body)
    }

    /// The bytes read (the whole file for [`LuceneFile::read_checked`]).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Where the body starts.
    pub(crate) fn body_offset(&self) -> usize {
        self.body
    }
}
