//! Taking a snapshot: uploads the shard files the repository does not have yet (named, split and
//! inlined as the version family does, through `migrate_repo`'s writer), writes shard, index and
//! snapshot metadata, then commits a new root `index-N` and `index.latest`.

use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt};
use migrate_store::repository::{IndexEntry, SnapshotEntry, SnapshotState, paths};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use migrate_repo::compress::Compression;
use migrate_repo::model::ChecksumBlob;
use migrate_repo::writer::{Family, PreviousShard, write_shard};

use super::blob::Codec;
use super::info::{SnapshotInfo, now_millis};
use super::lucene::SnapshotIndex;
use super::model::IndexImage;
use super::progress::{FileStats, ShardStage, ShardStatus, SnapshotProgress};
use super::release::Release;
use super::repository::{BlobRepository, RepositoryError, new_id};
use super::shard;

/// Data blobs uploaded at once per shard.
const UPLOADS_IN_FLIGHT: usize = 8;

/// A snapshot to take.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    /// Name.
    pub name: String,
    /// Uuid (names its blobs).
    pub uuid: String,
    /// The cluster taking it.
    pub release: Release,
    /// Whether the global state is included.
    pub include_global_state: bool,
    /// The global metadata (`meta-<uuid>.dat`): templates, persistent settings.
    pub global_metadata: Value,
    /// User metadata.
    pub metadata: Option<Value>,
    /// Start, ms since the epoch.
    pub start_time: u64,
    /// The repository's `chunk_size`: files longer than this go into `.part0`, `.part1`, … blobs.
    pub part_size: Option<u64>,
}

/// The repository's `chunk_size` setting in bytes (`512mb`, `1gb`, `100kb`, `4096`), if set.
pub fn part_size(settings: &serde_json::Map<String, Value>) -> Result<Option<u64>, String> {
    let Some(value) = settings.get("chunk_size") else {
        return Ok(None);
    };
    let text = match value {
        Value::String(s) => s.trim().to_ascii_lowercase(),
        Value::Number(n) => n.to_string(),
        other => return Err(format!("failed to parse chunk_size [{other}]")),
    };
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let factor: u64 = match unit.trim() {
        "" | "b" => 1,
        "k" | "kb" => 1 << 10,
        "m" | "mb" => 1 << 20,
        "g" | "gb" => 1 << 30,
        "t" | "tb" => 1 << 40,
        "p" | "pb" => 1 << 50,
        _ => return Err(format!("failed to parse chunk_size [{text}]: unknown unit")),
    };
    let bytes = number
        .parse::<f64>()
        .ok()
        .map(|n| n * factor as f64)
        .filter(|b| *b >= 1.0 && *b < u64::MAX as f64)
        .ok_or_else(|| format!("failed to parse chunk_size [{text}]"))?;
    Ok(Some(bytes as u64))
}

/// Takes the snapshot of `indices` (each shard's Lucene files) and commits it; returns the
/// stored info.
pub async fn create_snapshot(
    repo: &BlobRepository,
    snapshot: &NewSnapshot,
    indices: &[SnapshotIndex],
    progress: &SnapshotProgress,
) -> Result<SnapshotInfo, RepositoryError> {
    let current = repo.current().await?;
    let mut data = current.data.clone();
    let seven = snapshot.release.writes_shard_generations();
    let family = family(snapshot.release);
    for SnapshotIndex { image: index, .. } in indices {
        for shard in 0..index.number_of_shards.max(1) {
            progress.set(&index.name, shard, ShardStatus::init(snapshot.start_time));
        }
    }

    let mut lookup = BTreeMap::new();
    let mut identifiers = data.index_metadata_identifiers.clone().unwrap_or_default();
    let mut total_shards = 0;
    for SnapshotIndex {
        image: index,
        shards,
    } in indices
    {
        let previous = data.indices.get(&index.name).cloned();
        let index_id = previous.as_ref().map_or_else(new_id, |e| e.id.clone());
        let mut generations = Vec::new();
        let mut old_shard_indexes = Vec::new();
        for (shard, files) in shards.iter().enumerate() {
            let shard = u32::try_from(shard).unwrap_or(u32::MAX);
            total_shards += 1;
            let from_root = previous
                .as_ref()
                .and_then(|e| e.shard_generations.as_ref())
                .and_then(|g| g.get(shard as usize).cloned().flatten());
            let generation =
                shard::current_generation(repo, &index_id, shard, from_root.as_deref()).await?;
            let existing = shard::read_index(repo, &index_id, shard, generation.as_deref()).await?;
            let started = now_millis();
            progress.update(&index.name, shard, |s| s.stage = ShardStage::Started);
            let mut write = write_shard(
                family,
                &snapshot.name,
                i64::try_from(started).unwrap_or(i64::MAX),
                files,
                generation
                    .as_deref()
                    .zip(existing.as_ref())
                    .map(|(generation, index)| PreviousShard { generation, index }),
                snapshot.part_size,
                None,
                &mut new_id,
            )
            .map_err(|e| RepositoryError::Malformed {
                key: format!("indices/{index_id}/{shard}"),
                reason: e.to_string(),
            })?;
            let uploaded = u64::try_from(write.snapshot.number_of_files).unwrap_or(0);
            let uploaded_bytes = u64::try_from(write.snapshot.total_size).unwrap_or(0);
            progress.update(&index.name, shard, |s| {
                for file in files {
                    s.total.add(file.content.len() as u64);
                }
                s.incremental = FileStats {
                    file_count: uploaded,
                    size_in_bytes: uploaded_bytes,
                };
            });
            futures::stream::iter(std::mem::take(&mut write.data_blobs))
                .map(|(name, bytes)| {
                    let key = format!("indices/{index_id}/{shard}/{name}");
                    let length = bytes.len() as u64;
                    let index_name = index.name.as_str();
                    async move {
                        progress
                            .pace()
                            .transfer(length, |n| {
                                progress.update(index_name, shard, |s| {
                                    s.processed.size_in_bytes += n;
                                });
                            })
                            .await;
                        repo.put(&key, bytes).await?;
                        progress.update(index_name, shard, |s| s.processed.file_count += 1);
                        Ok::<(), RepositoryError>(())
                    }
                })
                .buffer_unordered(UPLOADS_IN_FLIGHT)
                .try_collect::<Vec<()>>()
                .await?;

            progress.update(&index.name, shard, |s| s.stage = ShardStage::Finalize);
            write.snapshot.time = i64::try_from(now_millis().saturating_sub(started)).unwrap_or(0);
            repo.put(
                &paths::shard_snapshot(&index_id, shard, &snapshot.uuid),
                write.snapshot.write(Compression::None),
            )
            .await?;
            repo.put(
                &paths::shard_index(&index_id, shard, &write.generation),
                write.index.write(Compression::None),
            )
            .await?;
            if let Some(old) = generation {
                old_shard_indexes.push(paths::shard_index(&index_id, shard, &old));
            }
            generations.push(Some(write.generation));
            let finished = now_millis();
            progress.update(&index.name, shard, |s| {
                s.stage = ShardStage::Done;
                s.processed = s.incremental;
                s.time_in_millis = finished.saturating_sub(s.start_time_in_millis);
            });
        }

        let index_metadata = index_metadata(index, snapshot.release);
        let blob_id = if seven {
            let digest = Sha256::digest(index_metadata.to_string().as_bytes());
            let identifier = format!("{}-_na_-{}", index.uuid, hex::encode(&digest[..6]));
            let blob_id = match identifiers.get(&identifier) {
                Some(existing) => existing.clone(),
                None => {
                    let blob_id = new_id();
                    identifiers.insert(identifier.clone(), blob_id.clone());
                    repo.put_framed(
                        &paths::index_metadata(&index_id, &blob_id),
                        Codec::IndexMetadata,
                        &index_metadata,
                    )
                    .await?;
                    blob_id
                }
            };
            lookup.insert(index_id.clone(), identifier);
            blob_id
        } else {
            snapshot.uuid.clone()
        };
        if !seven {
            repo.put_framed(
                &paths::index_metadata(&index_id, &blob_id),
                Codec::IndexMetadata,
                &index_metadata,
            )
            .await?;
        }

        let mut entry = previous.unwrap_or(IndexEntry {
            id: index_id.clone(),
            snapshots: Vec::new(),
            shard_generations: None,
            extra: serde_json::Map::new(),
        });
        entry.snapshots.push(snapshot.uuid.clone());
        if seven {
            entry.shard_generations = Some(generations);
        }
        data.indices.insert(index.name.clone(), entry);
        // Superseded shard generations go once the new ones are written (as Elasticsearch does).
        for key in old_shard_indexes {
            repo.delete(&key).await?;
        }
    }

    repo.put_framed(
        &paths::global_metadata(&snapshot.uuid),
        Codec::Metadata,
        &json!({ "meta-data": snapshot.global_metadata }),
    )
    .await?;
    let mut names: Vec<String> = indices.iter().map(|i| i.image.name.clone()).collect();
    names.sort();
    let info = SnapshotInfo {
        name: snapshot.name.clone(),
        uuid: snapshot.uuid.clone(),
        version_id: snapshot.release.version_id(),
        indices: names,
        state: "SUCCESS".into(),
        reason: None,
        include_global_state: snapshot.include_global_state,
        start_time: snapshot.start_time,
        end_time: now_millis().max(snapshot.start_time),
        total_shards,
        successful_shards: total_shards,
        failures: Vec::new(),
        metadata: snapshot.metadata.clone(),
    };
    repo.put_framed(
        &paths::snapshot_info(&snapshot.uuid),
        Codec::Snapshot,
        &info.to_blob(),
    )
    .await?;

    data.snapshots.push(SnapshotEntry {
        name: snapshot.name.clone(),
        uuid: snapshot.uuid.clone(),
        state: Some(SnapshotState::Success),
        version: seven.then(|| snapshot.release.number()),
        index_metadata_lookup: seven.then_some(lookup),
        extra: serde_json::Map::new(),
    });
    if seven {
        data.min_version = Some("7.9.0".into());
        data.index_metadata_identifiers = Some(identifiers);
    }
    if snapshot.release.writes_repository_uuid() && !data.extra.contains_key("uuid") {
        data.extra.insert("uuid".into(), json!(new_id()));
        data.extra.insert("cluster_id".into(), json!(new_id()));
    }
    repo.commit(current.generation, &data).await?;
    Ok(info)
}

/// The repository layout family of a release.
fn family(release: Release) -> Family {
    if release.writes_shard_generations() {
        Family::Es7
    } else if !release.opensearch && release.version.0 <= 5 {
        Family::Es5
    } else {
        Family::Es6
    }
}

/// The content of `indices/<id>/meta-<id>.dat`: `{"<name>": {version, state, settings, mappings, aliases}}`.
fn index_metadata(index: &IndexImage, release: Release) -> Value {
    let mut settings = index.settings.clone();
    settings
        .entry("index.number_of_shards")
        .or_insert_with(|| json!(index.number_of_shards.to_string()));
    settings
        .entry("index.uuid")
        .or_insert_with(|| json!(index.uuid));
    settings
        .entry("index.version.created")
        .or_insert_with(|| json!(release.version_id().to_string()));
    json!({
        index.name.clone(): {
            "version": 1,
            "state": "open",
            "settings": settings,
            "mappings": index.mappings,
            "aliases": index.aliases,
            "primary_terms": (0..index.number_of_shards.max(1))
                .map(|s| (s.to_string(), json!(1)))
                .collect::<serde_json::Map<String, Value>>(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<Option<u64>, String> {
        part_size(json!({ "chunk_size": v }).as_object().unwrap())
    }

    #[test]
    fn chunk_sizes_parse_like_elasticsearch_byte_sizes() {
        assert_eq!(part_size(&serde_json::Map::new()), Ok(None));
        assert_eq!(parse(json!("4kb")), Ok(Some(4096)));
        assert_eq!(parse(json!("1GB")), Ok(Some(1 << 30)));
        assert_eq!(parse(json!("1.5m")), Ok(Some(3 << 19)));
        assert_eq!(parse(json!(4096)), Ok(Some(4096)));
        assert_eq!(
            parse(json!("12xb")),
            Err("failed to parse chunk_size [12xb]: unknown unit".into())
        );
        assert_eq!(
            parse(json!("0b")),
            Err("failed to parse chunk_size [0b]".into())
        );
        assert!(parse(json!(true)).is_err());
    }
}
