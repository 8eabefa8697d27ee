//! Reading a snapshot back: its info, each index's definition, and each shard's Lucene files and
//! documents for a restore — the same reassembly and Lucene reader for repositories the sandbox
//! wrote and for repositories real clusters wrote.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use migrate_lucene::{MemoryDirectory, Shard};
use migrate_repo::BlobSource;
use migrate_repo::model::ShardSnapshot;
use migrate_repo::reassemble::{FileSource, plan, reassemble};
use migrate_repo::writer::LuceneFile;
use migrate_store::repository::{RepositoryData, SnapshotEntry, paths};
use serde_json::{Map, Value};

use super::blob::Codec;
use super::lucene::ShardFiles;
use super::model::{Document, IndexImage};
use super::repository::{BlobRepository, RepositoryError};
use super::shard;

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
        mappings: stored_mappings(meta.get("mappings")).map_err(|reason| malformed(&reason))?,
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

/// Blobs fetched ahead of reassembly.
struct Fetched(HashMap<String, Bytes>);

impl BlobSource for Fetched {
    fn read(&self, key: &str) -> std::io::Result<Vec<u8>> {
        self.0.get(key).map(|b| b.to_vec()).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{key}` not fetched"))
        })
    }
}

/// The Lucene files of one shard of an index in a snapshot, rebuilt from their blobs (parts
/// joined, `v__` files from the metadata) and checked against the recorded lengths and checksums.
pub async fn shard_files(
    repo: &BlobRepository,
    data: &RepositoryData,
    snapshot: &SnapshotEntry,
    index: &str,
    shard: u32,
) -> Result<ShardFiles, RepositoryError> {
    let id = data
        .indices
        .get(index)
        .map(|e| e.id.clone())
        .ok_or_else(|| RepositoryError::SnapshotMissing(snapshot.name.clone()))?;
    let shard_snapshot = shard::read_snapshot(repo, &id, shard, &snapshot.uuid).await?;
    let folder = format!("indices/{id}/{shard}");
    let malformed = |reason: String| RepositoryError::Malformed {
        key: folder.clone(),
        reason,
    };
    let mut keys = Vec::new();
    for file in &shard_snapshot.files {
        if let FileSource::Blobs(blobs) = plan(&folder, file)
            .map_err(|e| malformed(e.to_string()))?
            .source
        {
            keys.extend(blobs);
        }
    }
    let fetched: HashMap<String, Bytes> = futures::stream::iter(keys)
        .map(|key| async move {
            let bytes = repo.get(&key).await?;
            Ok::<_, RepositoryError>((key, bytes))
        })
        .buffered(DOWNLOADS_IN_FLIGHT)
        .try_collect()
        .await?;
    let fetched = Fetched(fetched);
    shard_snapshot
        .files
        .iter()
        .map(|file| {
            let content =
                reassemble(&fetched, &folder, file).map_err(|e| malformed(e.to_string()))?;
            Ok(LuceneFile {
                physical_name: file.physical_name.clone(),
                content,
                written_by: file.written_by.clone().unwrap_or_default(),
            })
        })
        .collect()
}

/// The live documents of one shard of an index in a snapshot, read from its Lucene files by
/// `migrate_lucene` (the reader the engine uses on real repositories). Documents of indexes that
/// keep one type in their mapping get that type.
pub async fn shard_documents(
    repo: &BlobRepository,
    data: &RepositoryData,
    snapshot: &SnapshotEntry,
    index: &IndexImage,
    shard: u32,
) -> Result<Vec<Document>, RepositoryError> {
    let files = shard_files(repo, data, snapshot, &index.name, shard).await?;
    let key = format!(
        "indices/{}/{shard}",
        data.indices.get(&index.name).map_or("?", |e| e.id.as_str())
    );
    let default_type = match &index.mappings {
        Value::Object(types) if types.len() == 1 => types.keys().next().cloned(),
        _ => None,
    };
    let read = tokio::task::spawn_blocking(move || lucene_documents(files, default_type)).await;
    match read {
        Ok(Ok(documents)) => Ok(documents),
        Ok(Err(reason)) => Err(RepositoryError::Malformed { key, reason }),
        Err(e) => Err(RepositoryError::Malformed {
            key,
            reason: format!("reading the shard's Lucene files stopped: {e}"),
        }),
    }
}

fn lucene_documents(
    files: ShardFiles,
    default_type: Option<String>,
) -> Result<Vec<Document>, String> {
    let mut dir = MemoryDirectory::new();
    for file in files {
        dir.insert(file.physical_name, file.content);
    }
    let lucene = Shard::open(Arc::new(dir)).map_err(|e| e.to_string())?;
    let mut documents = Vec::new();
    for doc in lucene.documents() {
        let doc = doc.map_err(|e| e.to_string())?;
        let Some(source) = doc.source else {
            return Err(format!(
                "document `{}` has no `_source` (the sandbox keeps documents as their source)",
                doc.id
            ));
        };
        let source = String::from_utf8(source).map_err(|_| {
            format!(
                "the `_source` of document `{}` is not UTF-8 JSON (SMILE or CBOR sources are not supported)",
                doc.id
            )
        })?;
        documents.push(Document {
            id: doc.id,
            doc_type: doc.doc_type.or_else(|| default_type.clone()),
            routing: doc.routing,
            version: 1,
            seq_no: 0,
            source,
        });
    }
    Ok(documents)
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
        let documents = shard_documents(repo, data, snapshot, &image, shard).await?;
        image.documents.extend(documents);
    }
    Ok(image)
}

/// An index's mappings as real clusters store them in index metadata: an array of binary entries
/// (here base64, as [`super::blob::decode`] renders binary), each `DFL\0` + DEFLATE or plain
/// x-content holding `{type: mapping}`, merged into one `{type: mapping}` object; an object (what
/// the sandbox writes) is kept as it is.
fn stored_mappings(raw: Option<&Value>) -> Result<Value, String> {
    use base64::Engine as _;
    let entries = match raw {
        None | Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Array(entries)) => entries,
        Some(other) => return Ok(other.clone()),
    };
    let mut merged = Map::new();
    for (i, entry) in entries.iter().enumerate() {
        let object = match entry {
            Value::Object(o) => o.clone(),
            Value::String(b64) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| format!("mappings entry {i} is not base64: {e}"))?;
                let raw = if migrate_repo::compress::is_deflated(&bytes) {
                    migrate_repo::compress::inflate(&bytes)
                        .map_err(|e| format!("mappings entry {i}: {e}"))?
                } else {
                    bytes
                };
                let (_, value) = migrate_repo::xcontent::parse(&raw)
                    .map_err(|e| format!("mappings entry {i}: {e}"))?;
                match value.to_json_base64() {
                    Value::Object(o) => o,
                    _ => return Err(format!("mappings entry {i} is not an object")),
                }
            }
            _ => {
                return Err(format!(
                    "mappings entry {i} is neither binary nor an object"
                ));
            }
        };
        merged.extend(object);
    }
    Ok(Value::Object(merged))
}
