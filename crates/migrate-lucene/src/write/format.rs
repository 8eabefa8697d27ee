//! The file formats the writer produces, one per Elasticsearch/OpenSearch family, with every
//! codec name, version and stored-fields parameter of the Lucene release that family ships.

use crate::input::Endian;

/// Which Lucene release's files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LuceneFormat {
    /// Lucene 6.6.1, codec `Lucene62`: what Elasticsearch 5.6 writes.
    Lucene6,
    /// Lucene 7.7.3, codec `Lucene70`: what Elasticsearch 6.8 writes.
    Lucene7,
    /// Lucene 8.7.0, codec `Lucene87`: what Elasticsearch 7.10 writes; readable by every 7.x from
    /// 7.10 on and by OpenSearch 1.x and 2.x.
    Lucene87,
    /// Lucene 9.12.0, codec `Lucene912` with Lucene's own stored fields: what OpenSearch 2.18
    /// writes; the family of Elasticsearch 8.x and OpenSearch 2.x.
    Lucene9,
}

/// How a stored-fields chunk is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChunkCompression {
    /// One LZ4 block (Lucene 6–7 `BEST_SPEED`).
    Lz4,
    /// LZ4 with a preset dictionary of `len / (10 × factor)` bytes (Lucene 8.7+ `BEST_SPEED`).
    Lz4PresetDictionary { factor: usize },
}

/// Where the stored-fields index lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoredIndex {
    /// A legacy `.fdx` of packed blocks (Lucene 6–7).
    Legacy { codec: &'static str },
    /// `DirectMonotonic` arrays in the `.fdx`, their metadata in the `.fdm` (Lucene 8.5+).
    Meta {
        meta_codec: &'static str,
        index_codec: &'static str,
        block_shift: u32,
    },
}

/// Everything that decides the bytes of a segment's stored fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredSpec {
    pub(crate) data_codec: &'static str,
    pub(crate) version: i32,
    pub(crate) chunk_size: usize,
    pub(crate) max_docs_per_chunk: usize,
    pub(crate) index: StoredIndex,
    pub(crate) compression: ChunkCompression,
    /// The segment attribute naming the mode (`BEST_SPEED`).
    pub(crate) mode_key: &'static str,
}

impl LuceneFormat {
    /// The Lucene version written into commits and segments.
    pub fn version(self) -> [i32; 3] {
        match self {
            LuceneFormat::Lucene6 => [6, 6, 1],
            LuceneFormat::Lucene7 => [7, 7, 3],
            LuceneFormat::Lucene87 => [8, 7, 0],
            LuceneFormat::Lucene9 => [9, 12, 0],
        }
    }

    /// The version as Lucene prints it (`8.7.0`), as snapshots record it in `written_by`.
    pub fn version_name(self) -> String {
        let [a, b, c] = self.version();
        format!("{a}.{b}.{c}")
    }

    /// The codec name a commit records for each segment.
    pub fn codec(self) -> &'static str {
        match self {
            LuceneFormat::Lucene6 => "Lucene62",
            LuceneFormat::Lucene7 => "Lucene70",
            LuceneFormat::Lucene87 => "Lucene87",
            LuceneFormat::Lucene9 => "Lucene912",
        }
    }

    pub(crate) fn endian(self) -> Endian {
        match self {
            LuceneFormat::Lucene9 => Endian::Little,
            _ => Endian::Big,
        }
    }

    pub(crate) fn is_lucene9(self) -> bool {
        self == LuceneFormat::Lucene9
    }

    /// The `segments_N` format: 6 (Lucene 5.3–6), 9 (7.4–8.5), 10 (8.6+).
    pub(crate) fn segments_format(self) -> i32 {
        match self {
            LuceneFormat::Lucene6 => 6,
            LuceneFormat::Lucene7 => 9,
            LuceneFormat::Lucene87 | LuceneFormat::Lucene9 => 10,
        }
    }

    /// The major version that created the index, recorded from Lucene 7 on.
    pub(crate) fn created_major(self) -> Option<u32> {
        match self {
            LuceneFormat::Lucene6 => None,
            _ => Some(self.version()[0] as u32),
        }
    }

    pub(crate) fn segment_info_codec(self) -> (&'static str, i32) {
        match self {
            LuceneFormat::Lucene6 => ("Lucene62SegmentInfo", 1),
            LuceneFormat::Lucene7 => ("Lucene70SegmentInfo", 0),
            LuceneFormat::Lucene87 => ("Lucene86SegmentInfo", 0),
            LuceneFormat::Lucene9 => ("Lucene90SegmentInfo", 0),
        }
    }

    pub(crate) fn field_infos_codec(self) -> (&'static str, i32) {
        match self {
            LuceneFormat::Lucene6 => ("Lucene60FieldInfos", 0),
            LuceneFormat::Lucene7 | LuceneFormat::Lucene87 => ("Lucene60FieldInfos", 2),
            LuceneFormat::Lucene9 => ("Lucene94FieldInfos", 1),
        }
    }

    pub(crate) fn live_docs_codec(self) -> &'static str {
        match self {
            LuceneFormat::Lucene9 => "Lucene90LiveDocs",
            _ => "Lucene50LiveDocs",
        }
    }

    pub(crate) fn stored(self) -> StoredSpec {
        match self {
            LuceneFormat::Lucene6 | LuceneFormat::Lucene7 => StoredSpec {
                data_codec: "Lucene50StoredFieldsFastData",
                version: 1,
                chunk_size: 1 << 14,
                max_docs_per_chunk: 128,
                index: StoredIndex::Legacy {
                    codec: "Lucene50StoredFieldsFastIndex",
                },
                compression: ChunkCompression::Lz4,
                mode_key: "Lucene50StoredFieldsFormat.mode",
            },
            LuceneFormat::Lucene87 => StoredSpec {
                data_codec: "Lucene87StoredFieldsFastData",
                version: 3,
                chunk_size: 10 * 60 * 1024,
                max_docs_per_chunk: 1024,
                index: StoredIndex::Meta {
                    meta_codec: "Lucene85FieldsIndexMeta",
                    index_codec: "Lucene85FieldsIndexIdx",
                    block_shift: 10,
                },
                compression: ChunkCompression::Lz4PresetDictionary { factor: 16 },
                mode_key: "Lucene87StoredFieldsFormat.mode",
            },
            LuceneFormat::Lucene9 => StoredSpec {
                data_codec: "Lucene90StoredFieldsFastData",
                version: 1,
                chunk_size: 10 * 8 * 1024,
                max_docs_per_chunk: 1024,
                index: StoredIndex::Meta {
                    meta_codec: "Lucene90FieldsIndexMeta",
                    index_codec: "Lucene90FieldsIndexIdx",
                    block_shift: 10,
                },
                compression: ChunkCompression::Lz4PresetDictionary { factor: 2 },
                mode_key: "Lucene90StoredFieldsFormat.mode",
            },
        }
    }
}

impl std::fmt::Display for LuceneFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lucene {} (`{}`)", self.version_name(), self.codec())
    }
}
