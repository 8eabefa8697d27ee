//! Reading a snapshot back: its info, and each index's definition and documents for a restore.

use futures::{StreamExt, TryStreamExt};
use migrate_store::repository::{RepositoryData, SnapshotEntry, paths};
use serde_json::{Map, Value};

use super::blob::Codec;
use super::chunk;
use super::model::{Document, IndexImage};
use super::repository::{BlobRepository, RepositoryError};
use super::shard::{self, ShardSnapshot};

/// Data blobs downloaded at once per shard.
const DOWNLOADS_IN_FLIGHT: usize = 8;

/// Finds a snapshot by name.
pub fn find<'a>(
    data: &'a RepositoryData,
    name: &str,
) -> Result<&'a SnapshotEntry, RepositoryError> {
    data.snapshot(name)
        .ok_or_else(|| RepositoryError::SnapshotMissing(name.to_owned()))
}

/// An index's definition as stored in a snapshot (no documents).
pub async fn index_definition(
    repo: &BlobRepository,
    data: &RepositoryData,
    snapshot: &SnapshotEntry,
    index: &str,
) -> Result<IndexImage, RepositoryError> {
    let entry = data
        .indices
        .get(index)
        .ok_or_else(|| RepositoryError::Malformed {
            key: "index-N".into(),
            reason: format!("index [{index}] is not in snapshot [{}]", snapshot.name),
        })?;
    let blob_id = data
        .index_metadata_blob_id(snapshot, &entry.id)
        .ok_or_else(|| RepositoryError::Malformed {
            key: "index-N".into(),
            reason: format!(
                "no index metadata for [{index}] in snapshot [{}]",
                snapshot.name
            ),
        })?;
    let key = paths::index_metadata(&entry.id, blob_id);
    let value = repo.get_framed(&key, Codec::IndexMetadata).await?;
    let malformed = |reason: &str| RepositoryError::Malformed {
        key: key.clone(),
        reason: reason.to_owned(),
    };
    let meta = value
        .as_object()
        .and_then(|m| m.values().next())
        .ok_or_else(|| malformed("no index metadata object"))?;
    let settings: Map<String, Value> = meta
        .get("settings")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let number_of_shards = settings
        .get("index.number_of_shards")
        .and_then(|v| v.as_str().and_then(|s| s.parse().ok()).or(v.as_u64()))
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| malformed("no `index.number_of_shards`"))?;
    Ok(IndexImage {
        name: index.to_owned(),
        uuid: settings
            .get("index.uuid")
            .and_then(Value::as_str)
            .unwrap_or("_na_")
            .to_owned(),
        settings,
        mappings: meta.get("mappings").cloned().unwrap_or(Value::Null),
        aliases: meta
            .get("aliases")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        number_of_shards,
        documents: Vec::new(),
    })
}

/// One shard's part of a snapshot.
pub async fn shard_snapshot(
    repo: &BlobRepository,
    data: &RepositoryData,
    snapshot: &SnapshotEntry,
    index: &str,
    shard: u32,
) -> Result<ShardSnapshot, RepositoryError> {
    let id = data
        .indices
        .get(index)
        .map(|e| e.id.as_str())
        .ok_or_else(|| RepositoryError::SnapshotMissing(snapshot.name.clone()))?;
    shard::read_snapshot(repo, id, shard, &snapshot.uuid).await
}

/// The documents of one shard of an index in a snapshot.
pub async fn shard_documents(
    repo: &BlobRepository,
    data: &RepositoryData,
    snapshot: &SnapshotEntry,
    index: &str,
    shard: u32,
) -> Result<Vec<Document>, RepositoryError> {
    let id = data
        .indices
        .get(index)
        .map(|e| e.id.clone())
        .ok_or_else(|| RepositoryError::SnapshotMissing(snapshot.name.clone()))?;
    let shard_snapshot = shard::read_snapshot(repo, &id, shard, &snapshot.uuid).await?;
    let chunks: Vec<Vec<Document>> = futures::stream::iter(shard_snapshot.files)
        .map(|file| {
            let key = format!("indices/{id}/{shard}/{}", file.name);
            async move {
                let bytes = repo.get(&key).await?;
                chunk::decode(&bytes).map_err(|source| RepositoryError::Chunk { key, source })
            }
        })
        .buffered(DOWNLOADS_IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(chunks.into_iter().flatten().collect())
}

/// An index with all its documents.
pub async fn index_with_documents(
    repo: &BlobRepository,
    data: &RepositoryData,
    snapshot: &SnapshotEntry,
    index: &str,
) -> Result<IndexImage, RepositoryError> {
    let mut image = index_definition(repo, data, snapshot, index).await?;
    for shard in 0..image.number_of_shards {
        let documents = shard_documents(repo, data, snapshot, index, shard).await?;
        image.documents.extend(documents);
    }
    Ok(image)
}
