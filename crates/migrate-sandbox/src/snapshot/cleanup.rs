//! `_cleanup` of a repository: deletes the blobs the current repository data does not reference
//! (root `index-N` of older generations, `snap-`/`meta-` blobs of unknown snapshots, `indices/<id>/`
//! folders of no listed index), as Elasticsearch's stale-blob cleanup does, and counts what it removed.

use std::collections::BTreeSet;

use futures::TryStreamExt;

use super::repository::{BlobRepository, RepositoryError};

/// What a cleanup removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanupResult {
    /// Blobs deleted.
    pub deleted_blobs: u64,
    /// Their total size.
    pub deleted_bytes: u64,
}

/// Whether the root-level blob `name` is stale for a repository at `generation` with these snapshot uuids.
fn stale_root_blob(name: &str, generation: i64, uuids: &BTreeSet<&str>) -> bool {
    if let Some(n) = name.strip_prefix("index-") {
        return n.parse::<i64>().is_ok_and(|n| n != generation);
    }
    for prefix in ["snap-", "meta-"] {
        if let Some(uuid) = name
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".dat"))
        {
            return !uuids.contains(uuid);
        }
    }
    false
}

/// Deletes every blob the current repository data does not reference.
pub async fn cleanup(repo: &BlobRepository) -> Result<CleanupResult, RepositoryError> {
    let current = repo.current().await?;
    if current.generation < 0 {
        return Ok(CleanupResult::default());
    }
    let uuids: BTreeSet<&str> = current
        .data
        .snapshots
        .iter()
        .map(|s| s.uuid.as_str())
        .collect();
    let index_ids: BTreeSet<&str> = current
        .data
        .indices
        .values()
        .map(|i| i.id.as_str())
        .collect();
    let metas: Vec<_> = repo.store().list(None).try_collect().await?;
    let mut result = CleanupResult::default();
    for meta in metas {
        let key = meta.location.to_string();
        let stale = match key.split_once('/') {
            None => stale_root_blob(&key, current.generation, &uuids),
            Some(("indices", rest)) => {
                let id = rest.split('/').next().unwrap_or_default();
                !index_ids.contains(id)
            }
            Some(_) => false,
        };
        if stale {
            repo.delete(&key).await?;
            result.deleted_blobs += 1;
            result.deleted_bytes += meta.size;
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreferenced_root_blobs_are_stale() {
        let uuids: BTreeSet<&str> = ["abc"].into_iter().collect();
        assert!(stale_root_blob("index-1", 2, &uuids));
        assert!(!stale_root_blob("index-2", 2, &uuids));
        assert!(!stale_root_blob("index.latest", 2, &uuids));
        assert!(!stale_root_blob("snap-abc.dat", 2, &uuids));
        assert!(stale_root_blob("snap-zzz.dat", 2, &uuids));
        assert!(stale_root_blob("meta-zzz.dat", 2, &uuids));
        assert!(!stale_root_blob("incompatible-snapshots", 2, &uuids));
    }
}
