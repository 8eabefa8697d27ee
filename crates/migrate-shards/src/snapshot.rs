//! One snapshot of a repository in a store: its indices, each index's metadata (settings and
//! mappings, for creating the destination index) and the shards to read.

use std::sync::Arc;

use migrate_repo::model::{
    BlobKind, ChecksumBlob, Document, IndexMetadata, RepositoryData, ShardSnapshot, SnapshotEntry,
};
use migrate_store::repository::{paths, read_repository};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::error::{Result, ShardError};

/// One shard of one index of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShardRef {
    /// The index name.
    pub index: String,
    /// The index's id in the repository (its folder under `indices/`).
    pub index_id: String,
    /// The shard number.
    pub shard: u32,
}

impl ShardRef {
    /// The shard's folder in the repository, `indices/<index id>/<shard>`.
    pub fn folder(&self) -> String {
        format!("indices/{}/{}", self.index_id, self.shard)
    }
}

impl std::fmt::Display for ShardRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "index `{}` shard {}", self.index, self.shard)
    }
}

/// A snapshot of a repository whose root is `store`.
#[derive(Clone)]
pub struct SnapshotSource {
    store: Arc<dyn ObjectStore>,
    data: RepositoryData,
    snapshot: SnapshotEntry,
}

impl std::fmt::Debug for SnapshotSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotSource")
            .field("snapshot", &self.snapshot.name)
            .finish_non_exhaustive()
    }
}

impl SnapshotSource {
    /// Reads the repository's current root and finds snapshot `name` in it.
    pub async fn open(store: Arc<dyn ObjectStore>, name: &str) -> Result<Self> {
        let view = read_repository(store.as_ref()).await?;
        let Some(snapshot) = view.data.snapshot(name).cloned() else {
            let known: Vec<&str> = view
                .data
                .snapshots
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            return Err(ShardError::NoSnapshot {
                snapshot: name.to_owned(),
                known: if known.is_empty() {
                    "no snapshot".to_owned()
                } else {
                    known.join(", ")
                },
            });
        };
        Ok(Self {
            store,
            data: view.data,
            snapshot,
        })
    }

    /// The store holding the repository.
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// The snapshot's entry in the repository root.
    pub fn snapshot(&self) -> &SnapshotEntry {
        &self.snapshot
    }

    /// The names of the indices in the snapshot, sorted.
    pub fn indices(&self) -> Vec<String> {
        self.data
            .indices_of(&self.snapshot.uuid)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn index_id(&self, index: &str) -> Result<&str> {
        match self.data.indices.get(index) {
            Some(entry) if entry.snapshots.contains(&self.snapshot.uuid) => Ok(&entry.id),
            _ => Err(ShardError::NoIndex {
                index: index.to_owned(),
                snapshot: self.snapshot.name.clone(),
                known: self.indices().join(", "),
            }),
        }
    }

    async fn get(&self, index: &str, shard: Option<u32>, key: &str) -> Result<Vec<u8>> {
        let fail = |detail: String| ShardError::Metadata {
            index: index.to_owned(),
            shard,
            key: key.to_owned(),
            detail,
        };
        let result = self
            .store
            .get(&Path::from(key))
            .await
            .map_err(|e| fail(e.to_string()))?;
        let bytes = result.bytes().await.map_err(|e| fail(e.to_string()))?;
        Ok(bytes.to_vec())
    }

    /// The index's metadata as the snapshot stored it (settings, mappings, aliases).
    pub async fn index_metadata(&self, index: &str) -> Result<IndexMetadata> {
        let index_id = self.index_id(index)?;
        let Some(blob_id) = self.data.index_metadata_blob_id(&self.snapshot, index_id) else {
            return Err(ShardError::Metadata {
                index: index.to_owned(),
                shard: None,
                key: "index-N".to_owned(),
                detail: format!(
                    "the repository root names no metadata blob for the index in snapshot `{}`",
                    self.snapshot.name
                ),
            });
        };
        let key = paths::index_metadata(index_id, blob_id);
        let bytes = self.get(index, None, &key).await?;
        IndexMetadata::read(&key, &bytes).map_err(|e| ShardError::Metadata {
            index: index.to_owned(),
            shard: None,
            key: key.clone(),
            detail: e.to_string(),
        })
    }

    /// The shards of `index` in the snapshot (from `index.number_of_shards` of its metadata; only
    /// the settings are read, so mappings in any shape a writer gave them do not matter).
    pub async fn shards(&self, index: &str) -> Result<Vec<ShardRef>> {
        let index_id = self.index_id(index)?.to_owned();
        let blob_id = self
            .data
            .index_metadata_blob_id(&self.snapshot, &index_id)
            .unwrap_or_default()
            .to_owned();
        let key = paths::index_metadata(&index_id, &blob_id);
        let bytes = self.get(index, None, &key).await?;
        let document = Document::read(BlobKind::IndexMetadata, &key, &bytes).map_err(|e| {
            ShardError::Metadata {
                index: index.to_owned(),
                shard: None,
                key: key.clone(),
                detail: e.to_string(),
            }
        })?;
        let settings = document
            .value
            .as_object()
            .and_then(|o| o.iter().next())
            .and_then(|(_, meta)| meta.as_object()?.get("settings")?.as_object());
        let count = settings.and_then(|s| {
            let value = s
                .get("index.number_of_shards")
                .or_else(|| s.get("index")?.as_object()?.get("number_of_shards"))?;
            value
                .as_str()
                .and_then(|t| t.parse::<u32>().ok())
                .or_else(|| value.as_i64().and_then(|n| u32::try_from(n).ok()))
        });
        let Some(count) = count else {
            return Err(ShardError::Metadata {
                index: index.to_owned(),
                shard: None,
                key: format!("indices/{index_id}/meta-*.dat"),
                detail: "the index metadata has no numeric `index.number_of_shards`".to_owned(),
            });
        };
        Ok((0..count)
            .map(|shard| ShardRef {
                index: index.to_owned(),
                index_id: index_id.clone(),
                shard,
            })
            .collect())
    }

    /// The shard's part of the snapshot: the Lucene files of its commit.
    pub async fn shard_snapshot(&self, shard: &ShardRef) -> Result<ShardSnapshot> {
        let key = paths::shard_snapshot(&shard.index_id, shard.shard, &self.snapshot.uuid);
        let bytes = self.get(&shard.index, Some(shard.shard), &key).await?;
        ShardSnapshot::read(&key, &bytes).map_err(|e| ShardError::Metadata {
            index: shard.index.clone(),
            shard: Some(shard.shard),
            key: key.clone(),
            detail: e.to_string(),
        })
    }
}
