//! Deleting a snapshot: commits repository data without it, then removes the blobs only it used.

use std::collections::BTreeSet;

use migrate_repo::compress::Compression;
use migrate_repo::model::{ChecksumBlob, ShardSnapshots};
use migrate_repo::reassemble::{FileSource, plan};
use migrate_store::repository::paths;

use super::read;
use super::release::Release;
use super::repository::{BlobRepository, RepositoryError, new_id};
use super::shard;

/// Deletes the snapshot `name` as a cluster running `release` would.
pub async fn delete_snapshot(
    repo: &BlobRepository,
    name: &str,
    release: Release,
) -> Result<(), RepositoryError> {
    let current = repo.current().await?;
    let snapshot = read::find(&current.data, name)?.clone();
    let seven = release.writes_shard_generations();
    let mut data = current.data.clone();
    data.snapshots.retain(|s| s.uuid != snapshot.uuid);
    let mut garbage = vec![
        paths::snapshot_info(&snapshot.uuid),
        paths::global_metadata(&snapshot.uuid),
    ];
    let mut dropped_folders = Vec::new();
    let names: Vec<String> = data.indices.keys().cloned().collect();
    for index in names {
        let Some(entry) = data.indices.get_mut(&index) else {
            continue;
        };
        if !entry.snapshots.contains(&snapshot.uuid) {
            continue;
        }
        entry.snapshots.retain(|u| u != &snapshot.uuid);
        let id = entry.id.clone();
        if entry.snapshots.is_empty() {
            data.indices.remove(&index);
            dropped_folders.push(format!("indices/{id}"));
            continue;
        }
        if let Some(blob_id) = current.data.index_metadata_blob_id(&snapshot, &id)
            && !seven
        {
            garbage.push(paths::index_metadata(&id, blob_id));
        }
        let shards = entry.shard_generations.as_ref().map(Vec::len).unwrap_or(0);
        let shard_count = if shards > 0 {
            shards
        } else {
            count_shard_folders(repo, &id).await?
        };
        let mut generations = Vec::new();
        for shard in 0..shard_count {
            let shard = u32::try_from(shard).unwrap_or(u32::MAX);
            let from_root = entry
                .shard_generations
                .as_ref()
                .and_then(|g| g.get(shard as usize).cloned().flatten());
            let generation =
                shard::current_generation(repo, &id, shard, from_root.as_deref()).await?;
            let Some(mut index_blob) =
                shard::read_index(repo, &id, shard, generation.as_deref()).await?
            else {
                continue;
            };
            garbage.extend(drop_snapshot(&mut index_blob, &snapshot.name, &id, shard)?);
            garbage.push(paths::shard_snapshot(&id, shard, &snapshot.uuid));
            let next = if seven {
                new_id()
            } else {
                generation
                    .as_deref()
                    .and_then(|g| g.parse::<u64>().ok())
                    .map_or(0, |n| n + 1)
                    .to_string()
            };
            repo.put(
                &paths::shard_index(&id, shard, &next),
                index_blob.write(Compression::None),
            )
            .await?;
            if let Some(old) = generation {
                garbage.push(paths::shard_index(&id, shard, &old));
            }
            generations.push(Some(next));
        }
        if let Some(entry) = data.indices.get_mut(&index)
            && seven
        {
            entry.shard_generations = Some(generations);
        }
    }
    if let Some(identifiers) = data.index_metadata_identifiers.as_mut() {
        let used: std::collections::BTreeSet<String> = data
            .snapshots
            .iter()
            .filter_map(|s| s.index_metadata_lookup.as_ref())
            .flat_map(|l| l.values().cloned())
            .collect();
        let stale: Vec<(String, String)> = identifiers
            .iter()
            .filter(|(k, _)| !used.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (identifier, blob_id) in stale {
            identifiers.remove(&identifier);
            if let Some(lookup) = snapshot.index_metadata_lookup.as_ref()
                && let Some((index_id, _)) = lookup.iter().find(|(_, v)| **v == identifier)
            {
                garbage.push(paths::index_metadata(index_id, &blob_id));
            }
        }
    }
    repo.commit(current.generation, &data).await?;
    for key in garbage {
        repo.delete(&key).await?;
    }
    for folder in dropped_folders {
        repo.delete_folder(&folder).await?;
    }
    Ok(())
}

/// Removes snapshot `name` from a shard's `index-<gen>`; returns the keys of the blobs of the
/// files no remaining snapshot uses (every part of a split file; `v__` files have none).
fn drop_snapshot(
    index: &mut ShardSnapshots,
    name: &str,
    index_id: &str,
    shard: u32,
) -> Result<Vec<String>, RepositoryError> {
    index.snapshots.retain(|s| s.snapshot != name);
    let used: BTreeSet<String> = index
        .snapshots
        .iter()
        .flat_map(|s| s.files.iter().cloned())
        .collect();
    let (keep, unused): (Vec<_>, Vec<_>) = std::mem::take(&mut index.files)
        .into_iter()
        .partition(|f| used.contains(&f.name));
    index.files = keep;
    let folder = format!("indices/{index_id}/{shard}");
    let mut garbage = Vec::new();
    for file in &unused {
        let planned = plan(&folder, file).map_err(|e| RepositoryError::Malformed {
            key: folder.clone(),
            reason: e.to_string(),
        })?;
        if let FileSource::Blobs(keys) = planned.source {
            garbage.extend(keys);
        }
    }
    Ok(garbage)
}

async fn count_shard_folders(repo: &BlobRepository, id: &str) -> Result<usize, RepositoryError> {
    let prefix = format!("indices/{id}/");
    let shards: std::collections::BTreeSet<u32> = repo
        .list(&format!("indices/{id}"))
        .await?
        .iter()
        .filter_map(|k| k.strip_prefix(&prefix)?.split('/').next()?.parse().ok())
        .collect();
    Ok(shards.into_iter().max().map_or(0, |m| m as usize + 1))
}
