//! A shard's metadata in the repository: its `index-<gen>` (every snapshot of the shard and the files
//! each references) and its per-snapshot `snap-<uuid>.dat`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::blob::Codec;
use super::repository::{BlobRepository, RepositoryError};
use migrate_store::repository::paths;

/// One data blob as shard metadata lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    /// The blob name, `__<id>`.
    pub name: String,
    /// The file's name inside the shard.
    pub physical_name: String,
    /// Its length in bytes.
    pub length: u64,
    /// CRC32 of its content, base 36.
    pub checksum: String,
    /// What wrote it.
    #[serde(default)]
    pub written_by: String,
}

/// The content of shard `snap-<uuid>.dat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSnapshot {
    /// The snapshot name.
    pub name: String,
    /// Always 0 (Lucene commit generation in Elasticsearch).
    pub index_version: u64,
    /// Start, ms since the epoch.
    pub start_time: u64,
    /// Time taken, ms.
    pub time: u64,
    /// Files referenced.
    pub number_of_files: u64,
    /// Bytes referenced.
    pub total_size: u64,
    /// Files this snapshot uploaded (absent in 5.x blobs, whose counts are per snapshot).
    #[serde(default)]
    pub incremental_file_count: u64,
    /// Bytes this snapshot uploaded (absent in 5.x blobs).
    #[serde(default)]
    pub incremental_size: u64,
    /// The files, in document order.
    pub files: Vec<FileInfo>,
}

/// The content of shard `index-<gen>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardIndex {
    /// Each snapshot of the shard and the blob names it references.
    #[serde(default)]
    pub snapshots: Vec<ShardIndexEntry>,
    /// Every blob referenced by any of them.
    #[serde(default)]
    pub files: Vec<FileInfo>,
}

/// One snapshot in a shard `index-<gen>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardIndexEntry {
    /// Snapshot name.
    pub name: String,
    /// Blob names.
    pub files: Vec<String>,
}

impl ShardIndex {
    /// The blob names any snapshot references.
    pub fn blob_names(&self) -> BTreeSet<&str> {
        self.files.iter().map(|f| f.name.as_str()).collect()
    }

    /// Adds a snapshot.
    pub fn with(mut self, snapshot: &ShardSnapshot) -> Self {
        let known: BTreeSet<String> = self.files.iter().map(|f| f.name.clone()).collect();
        for file in &snapshot.files {
            if !known.contains(&file.name) {
                self.files.push(file.clone());
            }
        }
        self.snapshots.push(ShardIndexEntry {
            name: snapshot.name.clone(),
            files: snapshot.files.iter().map(|f| f.name.clone()).collect(),
        });
        self
    }

    /// Removes a snapshot; returns the blob names no longer referenced.
    pub fn without(&mut self, snapshot_name: &str) -> Vec<String> {
        self.snapshots.retain(|s| s.name != snapshot_name);
        let used: BTreeSet<&String> = self.snapshots.iter().flat_map(|s| &s.files).collect();
        let (keep, drop): (Vec<FileInfo>, Vec<FileInfo>) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|f| used.contains(&f.name));
        self.files = keep;
        drop.into_iter().map(|f| f.name).collect()
    }
}

/// The shard's current generation: from the root data's `shard_generations` (7.x layouts), else the
/// highest `index-<n>` in the shard folder (5.x/6.x layouts).
pub async fn current_generation(
    repo: &BlobRepository,
    index_id: &str,
    shard: u32,
    from_root: Option<&str>,
) -> Result<Option<String>, RepositoryError> {
    if let Some(generation) = from_root {
        return Ok(Some(generation.to_owned()));
    }
    let folder = format!("indices/{index_id}/{shard}");
    let highest = repo
        .list(&folder)
        .await?
        .iter()
        .filter_map(|key| {
            key.rsplit('/')
                .next()?
                .strip_prefix("index-")?
                .parse::<u64>()
                .ok()
        })
        .max();
    Ok(highest.map(|n| n.to_string()))
}

/// Reads a shard `index-<gen>` (empty when `generation` is `None`).
pub async fn read_index(
    repo: &BlobRepository,
    index_id: &str,
    shard: u32,
    generation: Option<&str>,
) -> Result<ShardIndex, RepositoryError> {
    let Some(generation) = generation else {
        return Ok(ShardIndex::default());
    };
    let key = paths::shard_index(index_id, shard, generation);
    let value = repo.get_framed(&key, Codec::Snapshots).await?;
    serde_json::from_value(value).map_err(|e| RepositoryError::Malformed {
        key,
        reason: e.to_string(),
    })
}

/// Reads a shard `snap-<uuid>.dat`.
pub async fn read_snapshot(
    repo: &BlobRepository,
    index_id: &str,
    shard: u32,
    snapshot_uuid: &str,
) -> Result<ShardSnapshot, RepositoryError> {
    let key = paths::shard_snapshot(index_id, shard, snapshot_uuid);
    let value = repo.get_framed(&key, Codec::Snapshot).await?;
    serde_json::from_value(value).map_err(|e| RepositoryError::Malformed {
        key,
        reason: e.to_string(),
    })
}

/// Serialises shard metadata (plain structs of strings and numbers cannot fail).
pub fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// CRC32 in base 36, the way Lucene checksums are shown.
pub fn checksum(bytes: &[u8]) -> String {
    let mut n = u64::from(crc32fast::hash(bytes));
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The shard counts of each index in a snapshot, keyed by index name: used for `_status`.
pub type ShardCounts = BTreeMap<String, u32>;
