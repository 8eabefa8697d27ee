//! migrate-shards: the shards of a snapshot in any store the engine supports, read for a reindex.
//!
//! [`SnapshotSource::open`] reads a repository's root (through `migrate-store`) and finds a
//! snapshot; [`SnapshotSource::indices`], [`SnapshotSource::index_metadata`] and
//! [`SnapshotSource::shards`] say what it holds; [`SnapshotSource::fetch`] brings one shard's Lucene
//! files into a local directory, rebuilt from their blobs (`.partN`, inline `v__`) and verified
//! against the snapshot's lengths and checksums as they stream; [`ShardReader`] opens them with
//! `migrate-lucene`, verifying every segment before yielding any document, and yields the live
//! root documents resumably after a [`migrate_lucene::Position`]. [`new_segments`] names the
//! segments an incremental round reads. Every error names the index, the shard and the file.

mod error;
mod fetch;
mod incremental;
mod reader;
mod snapshot;

pub use error::{Result, ShardError};
pub use fetch::FetchedShard;
pub use incremental::new_segments;
pub use migrate_lucene::{Document, Position};
pub use migrate_repo::model::ShardSnapshot;
pub use reader::{ShardDocuments, ShardReader};
pub use snapshot::{ShardRef, SnapshotSource};
