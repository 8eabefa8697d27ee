//! Reads the documents of one Lucene index — one Elasticsearch or OpenSearch shard — straight
//! from its files, for reindexing from a snapshot.
//!
//! Input is a [`Directory`] (file names and random-access reads): [`FsDirectory`] for a
//! directory on disk, [`MemoryDirectory`] for files in memory, or the caller's own (snapshot
//! blobs). [`Shard::open`] reads the newest commit (`segments_N`); [`Shard::documents`] yields
//! every live root document — not hard-deleted (`.liv`), not soft-deleted (`__soft_deletes` doc
//! values), not a nested child — with its `_id`, `_source` bytes exactly as stored, `_routing`
//! and, for Elasticsearch 5.x indexes, `_type`. Each [`Document`] carries its [`Position`], and
//! [`Shard::documents_after`] resumes after one.
//!
//! ```no_run
//! use std::sync::Arc;
//! use migrate_lucene::{FsDirectory, Shard};
//!
//! let shard = Shard::open(Arc::new(FsDirectory::new("/data/nodes/0/indices/x/0/index")))?;
//! for doc in shard.documents() {
//!     let doc = doc?;
//!     println!("{} {:?}", doc.id, doc.source.as_deref().map(String::from_utf8_lossy));
//! }
//! # Ok::<(), migrate_lucene::Error>(())
//! ```
//!
//! Formats read: Lucene 6.2–6.x (Elasticsearch 5.x), 7.x (6.x), 8.x (7.x, OpenSearch 1.x) and
//! 9.x with Lucene's own codecs (Elasticsearch 8.0–8.13, OpenSearch 2.x); anything else (codecs
//! of Elasticsearch 8.14+ such as zstd stored fields, Lucene 10) is a clear
//! [`Error::Unsupported`] naming the file and codec. Every file read is checked against its codec
//! header (name, version, segment id, suffix) and its CRC32 footer before use; corrupt or
//! truncated input is an error naming the file, never a panic, and no allocation is sized by an
//! unchecked length.
//!
//! [`write`] is the other direction: an [`write::IndexWriter`] that writes real Lucene indexes of
//! documents in each family's format (for the test sandbox's snapshots and round-trip tests).

mod codec;
mod commit;
mod compound;
mod deletes;
mod directory;
mod document;
mod error;
mod field_infos;
mod file;
mod input;
mod lz4;
mod packed;
mod segment;
mod segment_files;
mod segment_info;
mod shard;
mod stored;
pub mod uid;
pub mod write;

pub use commit::Commit;
pub use directory::{DirFile, Directory, FsDirectory, MemoryDirectory};
pub use document::{Document, Position};
pub use error::{Error, Result};
pub use segment::{Segment, SegmentDocuments, SegmentStats};
pub use shard::{Shard, ShardDocuments};
