//! A shard's metadata in the repository, as Elasticsearch writes it (`migrate_repo`'s models): its
//! `index-<gen>` (every snapshot of the shard and the files each uses) and its per-snapshot
//! `snap-<uuid>.dat`, each a checksummed SMILE blob.

use migrate_repo::model::{ChecksumBlob, ShardSnapshot, ShardSnapshots};
use migrate_store::repository::paths;

use super::repository::{BlobRepository, RepositoryError};

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

/// Reads a shard `index-<gen>` (`None` when `generation` is `None`).
pub async fn read_index(
    repo: &BlobRepository,
    index_id: &str,
    shard: u32,
    generation: Option<&str>,
) -> Result<Option<ShardSnapshots>, RepositoryError> {
    let Some(generation) = generation else {
        return Ok(None);
    };
    let key = paths::shard_index(index_id, shard, generation);
    let bytes = repo.get(&key).await?;
    ShardSnapshots::read(&key, &bytes)
        .map(Some)
        .map_err(|e| RepositoryError::Malformed {
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
    let bytes = repo.get(&key).await?;
    ShardSnapshot::read(&key, &bytes).map_err(|e| RepositoryError::Malformed {
        key,
        reason: e.to_string(),
    })
}

/// The files and bytes a shard snapshot holds in all (`number_of_files` and `total_size` of the
/// blob count only what it uploaded).
pub fn totals(snapshot: &ShardSnapshot) -> (u64, u64) {
    (
        snapshot.files.len() as u64,
        snapshot.files.iter().map(|f| f.length).sum(),
    )
}
