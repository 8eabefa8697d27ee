//! A segment's stored fields (`.fdt` data, `.fdx` index, `.fdm` metadata): opened and verified,
//! then read chunk by chunk.
//!
//! The `.fdt` codec name says the compression and layout: `Lucene50StoredFields{Fast,High}Data`
//! (Lucene 6–8.6: plain LZ4 / DEFLATE; version 1 with a legacy `.fdx`, versions 2–3 with a
//! `FieldsIndex`), `Lucene87StoredFields{Fast,High}Data` (8.7+: with preset dictionaries) and
//! `Lucene90StoredFields{Fast,High}Data` (9.x: the 8.7 compressions, little-endian).

mod chunk;
mod compression;
mod index;

pub(crate) use chunk::{Chunk, Value, visit_fields};

use self::chunk::ChunkDecoder;
use self::compression::Compression;
use self::index::{ChunkIndex, read_fields_index, read_legacy};
use crate::codec::{Expect, ID_LEN};
use crate::error::{Error, Result};
use crate::file::LuceneFile;
use crate::input::{Endian, Input};

const DATA_CODECS: &[(&str, i32, i32)] = &[
    ("Lucene50StoredFieldsFastData", 1, 3),
    ("Lucene50StoredFieldsHighData", 1, 3),
    ("Lucene87StoredFieldsFastData", 1, 3),
    ("Lucene87StoredFieldsHighData", 1, 3),
    ("Lucene90StoredFieldsFastData", 1, 1),
    ("Lucene90StoredFieldsHighData", 1, 1),
];

/// The files of a segment's stored fields, opened by the caller.
pub(crate) struct StoredFiles {
    pub(crate) fdt: LuceneFile,
    pub(crate) fdx: LuceneFile,
    /// Absent for version 1 (Lucene 6.x–8.4).
    pub(crate) fdm: Option<LuceneFile>,
}

pub(crate) struct StoredFields {
    fdt: LuceneFile,
    index: ChunkIndex,
    decoder: ChunkDecoder,
    max_doc: u32,
    raw: Vec<u8>,
}

impl StoredFields {
    /// Verifies the files and reads the chunk index.
    pub(crate) fn open(files: StoredFiles, id: &[u8; ID_LEN], max_doc: u32) -> Result<Self> {
        let StoredFiles { fdt, fdx, fdm } = files;
        fdt.verify()?;
        let head = fdt.check_head(&Expect {
            codecs: DATA_CODECS,
            id,
            suffix: "",
        })?;
        let header = &head.header;
        let lucene9 = header.codec.starts_with("Lucene90");
        let endian = if lucene9 { Endian::Little } else { Endian::Big };
        let mut input = head.body(endian);
        let compression = match (
            header.codec.starts_with("Lucene50"),
            header.codec.contains("Fast"),
        ) {
            (true, true) => Compression::Lz4,
            (true, false) => Compression::Deflate,
            (false, true) => Compression::Lz4Dict,
            (false, false) => Compression::DeflateDict,
        };
        let version = header.version;

        let (chunk_size, index) = if lucene9 || version >= 2 {
            let Some(fdm) = fdm else {
                return Err(Error::Missing {
                    file: fdt.name().replace(".fdt", ".fdm"),
                    referenced_by: fdt.name().to_string(),
                });
            };
            let (meta_codec, idx_codec) = if lucene9 {
                ("Lucene90FieldsIndexMeta", "Lucene90FieldsIndexIdx")
            } else {
                ("Lucene85FieldsIndexMeta", "Lucene85FieldsIndexIdx")
            };
            let meta_file = fdm.read_checked(&Expect {
                codecs: &[(meta_codec, 0, version)],
                id,
                suffix: "",
            })?;
            let mut meta = meta_file.body(endian);
            let chunk_size = if lucene9 || version >= 3 {
                let size = meta.vlen("chunk size")?;
                if !lucene9 {
                    packed_version(&mut meta)?;
                }
                size
            } else {
                let size = input.vlen("chunk size")?;
                packed_version(&mut input)?;
                size
            };
            let index = read_fields_index(&mut meta, &fdx, idx_codec, id, max_doc, endian)?;
            (chunk_size, index)
        } else {
            let chunk_size = input.vlen("chunk size")?;
            packed_version(&mut input)?;
            let idx_codec = header.codec.replace("Data", "Index");
            let idx_file = fdx.read_checked(&Expect {
                codecs: &[(idx_codec.as_str(), version, version)],
                id,
                suffix: "",
            })?;
            (
                chunk_size,
                read_legacy(&mut idx_file.body(Endian::Big), max_doc)?,
            )
        };
        if index.end > fdt.len().saturating_sub(16)
            || index
                .starts
                .first()
                .is_some_and(|&s| s < input.pos() as u64)
        {
            return Err(Error::corrupt(
                fdt.name(),
                format!(
                    "stored-fields index points outside the chunks (end {}, file {} bytes)",
                    index.end,
                    fdt.len()
                ),
            ));
        }
        Ok(Self {
            fdt,
            index,
            decoder: ChunkDecoder::new(compression, chunk_size, lucene9),
            max_doc,
            raw: Vec::new(),
        })
    }

    pub(crate) fn chunk_count(&self) -> usize {
        self.index.starts.len()
    }

    /// The `.fdt` file's name.
    pub(crate) fn name(&self) -> &str {
        self.fdt.name()
    }

    /// The docs `first..end` of chunk `i`.
    pub(crate) fn chunk_docs(&self, i: usize, max_doc: u32) -> (u32, u32) {
        let first = self.index.doc_bases[i];
        let end = self.index.doc_bases.get(i + 1).copied().unwrap_or(max_doc);
        (first, end)
    }

    /// The chunk holding `doc`.
    pub(crate) fn chunk_of(&self, doc: u32) -> usize {
        self.index
            .doc_bases
            .partition_point(|&b| b <= doc)
            .saturating_sub(1)
    }

    /// Reads and decompresses chunk `i` into `chunk`.
    pub(crate) fn read_chunk(&mut self, i: usize, chunk: &mut Chunk) -> Result<()> {
        let start = self.index.starts[i];
        let end = self
            .index
            .starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.index.end);
        let next_doc = self
            .index
            .doc_bases
            .get(i + 1)
            .copied()
            .unwrap_or(self.max_doc);
        let len = usize::try_from(end - start)
            .map_err(|_| Error::corrupt(self.fdt.name(), "chunk too large"))?;
        self.fdt.read_range(start, len, &mut self.raw)?;
        let name = format!("{} (chunk {i} at byte {start})", self.fdt.name());
        self.decoder
            .decode(&self.raw, &name, self.index.doc_bases[i], next_doc, chunk)
    }
}

fn packed_version(input: &mut Input<'_>) -> Result<()> {
    let v = input.vint()?;
    if v != 2 {
        return Err(Error::unsupported(
            input.name(),
            format!("packed-ints version {v} (this reader knows 2, Lucene 5+)"),
        ));
    }
    Ok(())
}
