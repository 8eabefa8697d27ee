//! Snapshot repositories as Elasticsearch writes them: the real layout (root `index-N` +
//! `index.latest`, `snap-`/`meta-` blobs, `indices/<id>/meta-*.dat`, shard `snap-*.dat`, `index-<gen>`
//! and write-once `__<id>` data blobs) in any object store, with shard data as real Lucene files of
//! the version family ([`lucene`]), incremental snapshots (a shard's untouched segments keep their
//! files, so their blobs are never uploaded twice), deletion, and reading back for restores through
//! `migrate_repo`'s reassembly and `migrate_lucene`'s reader — the code path real repositories take.

pub mod blob;
pub mod cleanup;
pub mod create;
pub mod delete;
pub mod info;
pub mod lucene;
pub mod model;
pub mod pace;
pub mod progress;
pub mod read;
pub mod registry;
pub mod release;
pub mod repository;
pub mod restore;
pub mod service;
pub mod shard;

pub use cleanup::{CleanupResult, cleanup};
pub use create::{NewSnapshot, create_snapshot};
pub use delete::delete_snapshot;
pub use info::SnapshotInfo;
pub use lucene::{ShardFiles, ShardStores, SnapshotIndex};
pub use model::{Document, IndexImage};
pub use progress::{FileStats, ShardStage, ShardStatus, SnapshotProgress};
pub use release::Release;
pub use repository::{BlobRepository, RepositoryError};
