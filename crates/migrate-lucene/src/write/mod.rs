//! Writes Lucene indexes the way an Elasticsearch or OpenSearch shard holds documents — the
//! inverse of the reader, for the test sandbox's snapshots and for round-trip tests.
//!
//! [`IndexWriter`] takes documents (`_id`, `_source`, `_routing`, and `_type` for indexes created by
//! Elasticsearch 5.x), deletions and replacements, and produces commits: real, checksummed
//! Lucene files in the [`LuceneFormat`] of a version family (Lucene 6.6, 7.7, 8.7 or 9.12), each
//! file laid out byte for byte as that Lucene release lays it out — segment infos, field infos,
//! stored fields (LZ4, with a preset dictionary from 8.7 on, chunked and indexed as Lucene does,
//! with Lucene's own match finder), hard deletions in generational `.liv` files, `segments_N`.
//!
//! Only what a reader of documents needs is written: the fields are stored, not indexed, so a
//! segment has no postings, norms, points or doc values, and Lucene opens and checks it without
//! them (`fixtures/check-written.sh` runs Lucene's `CheckIndex` on written indexes). Deletions
//! are hard deletions (`.liv`), also in the formats whose Elasticsearch versions soft-delete.
//!
//! ```
//! use migrate_lucene::write::{IdEncoding, IndexWriter, Layout, LuceneFormat, NewDocument};
//!
//! let layout = Layout { format: LuceneFormat::Lucene87, ids: IdEncoding::Id };
//! let mut writer = IndexWriter::seeded(layout, 7);
//! writer.add(NewDocument { id: "1", doc_type: None, routing: None, source: Some(br#"{"a":1}"#) })?;
//! let commit = writer.commit(&[])?;
//! assert_eq!(commit.segments_file(), "segments_1");
//! # Ok::<(), migrate_lucene::write::WriteError>(())
//! ```

mod commit;
#[cfg(test)]
mod exactness;
mod format;
mod index;
mod lz4;
mod output;
mod packed;
mod segment;
mod stored;
mod stored_index;

pub use format::LuceneFormat;
pub use index::{Commit, IndexFile, IndexWriter};
pub use segment::NewDocument;

/// How a document's id is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdEncoding {
    /// `_id`, binary in Elasticsearch's id encoding: indexes created by Elasticsearch 6.0+ and
    /// OpenSearch.
    Id,
    /// `_uid`, the string `type#id`: indexes created by Elasticsearch 5.x (ids unique per type).
    Uid,
}

/// What to write: the file format and the id field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    /// The Lucene format.
    pub format: LuceneFormat,
    /// The id field.
    pub ids: IdEncoding,
}

/// A document the writer refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// An empty id.
    #[error("a document id cannot be empty")]
    EmptyId,
    /// A `_uid` index needs a type without `#`.
    #[error(
        "document `{id}` needs a mapping type without `#` to be stored in `_uid` (got {doc_type:?}); indexes created by Elasticsearch 5.x key documents by type and id"
    )]
    BadType {
        /// The document id.
        id: String,
        /// The type given.
        doc_type: Option<String>,
    },
    /// More documents than a Lucene segment holds.
    #[error("{count} documents cannot go into one Lucene segment (at most 2147483519)")]
    TooManyDocuments {
        /// The documents buffered.
        count: usize,
    },
}
