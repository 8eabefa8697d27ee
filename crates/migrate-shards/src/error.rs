//! What can go wrong reading a snapshot's shards: every error names the snapshot, index, shard and
//! (for shard data) the Lucene file or blob, so an operator knows exactly what is damaged.

use thiserror::Error;

/// Why a snapshot, an index or a shard could not be read.
#[derive(Debug, Error)]
pub enum ShardError {
    /// The repository root (`index.latest`, `index-N`) could not be read.
    #[error("reading the snapshot repository: {0}")]
    Repository(#[from] migrate_store::repository::RepositoryReadError),
    /// The named snapshot is not in the repository.
    #[error("snapshot `{snapshot}` is not in the repository (it holds: {known})")]
    NoSnapshot {
        /// The snapshot asked for.
        snapshot: String,
        /// The snapshots the repository holds.
        known: String,
    },
    /// The named index is not in the snapshot.
    #[error("index `{index}` is not in snapshot `{snapshot}` (it holds: {known})")]
    NoIndex {
        /// The index asked for.
        index: String,
        /// The snapshot.
        snapshot: String,
        /// The indices the snapshot holds.
        known: String,
    },
    /// A metadata blob of the index (index metadata, shard snapshot) is missing or malformed.
    #[error("index `{index}`{}: `{key}`: {detail}", shard_part(*.shard))]
    Metadata {
        /// The index.
        index: String,
        /// The shard, when the blob is a shard's.
        shard: Option<u32>,
        /// The blob key.
        key: String,
        /// What is wrong.
        detail: String,
    },
    /// A Lucene file of the shard could not be fetched, or its bytes disagree with the snapshot
    /// (length, checksum) — a damaged or truncated blob.
    #[error("index `{index}` shard {shard}: file `{file}`: {detail}")]
    File {
        /// The index.
        index: String,
        /// The shard number.
        shard: u32,
        /// The Lucene file name.
        file: String,
        /// What is wrong (naming the blob).
        detail: String,
    },
    /// The shard's Lucene files could not be read (the Lucene error names the file).
    #[error("index `{index}` shard {shard}: {source}")]
    Lucene {
        /// The index.
        index: String,
        /// The shard number.
        shard: u32,
        /// What the Lucene reader said.
        #[source]
        source: migrate_lucene::Error,
    },
    /// The local scratch directory the shard's files are fetched into failed.
    #[error("index `{index}` shard {shard}: scratch file `{path}`: {source}")]
    Scratch {
        /// The index.
        index: String,
        /// The shard number.
        shard: u32,
        /// The local path.
        path: String,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
}

fn shard_part(shard: Option<u32>) -> String {
    shard.map(|s| format!(" shard {s}")).unwrap_or_default()
}

/// Shorthand for results of this crate.
pub type Result<T, E = ShardError> = std::result::Result<T, E>;
