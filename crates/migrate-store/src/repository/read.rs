//! Reads a repository's current state from a store (`index.latest` → `index-N`) and checks that the
//! blobs its metadata references are present.

use std::collections::BTreeSet;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use thiserror::Error;

use super::latest::{self, INDEX_LATEST, LatestLengthError};
use super::{KeyClass, RepositoryData, RepositoryDataError, classify, paths};

/// A repository as read at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct RepositoryView {
    /// The generation `N` of the root `index-N` that was read.
    pub generation: u64,
    /// The raw content of `index.latest`, when the repository has one (else the generation came
    /// from listing the root `index-N` blobs, as Elasticsearch does).
    pub latest: Option<[u8; 8]>,
    /// The parsed `index-N`.
    pub data: RepositoryData,
}

/// Why a repository could not be read.
#[derive(Debug, Error)]
pub enum RepositoryReadError {
    /// Neither `index.latest` nor any root `index-N` exists.
    #[error("no snapshot repository here: neither `index.latest` nor any root `index-N` exists")]
    Empty,
    /// `index.latest` names a generation whose `index-N` is missing.
    #[error("`index.latest` points at `{key}`, which does not exist")]
    MissingRootIndex {
        /// The missing key.
        key: String,
    },
    /// `index.latest` is malformed.
    #[error(transparent)]
    Latest(#[from] LatestLengthError),
    /// The root `index-N` is malformed.
    #[error("`{key}` is {source}")]
    Data {
        /// The malformed key.
        key: String,
        /// What is wrong.
        #[source]
        source: RepositoryDataError,
    },
    /// The store failed.
    #[error("reading the repository failed: {0}")]
    Store(#[from] object_store::Error),
}

/// Reads `index.latest` (or, when absent, lists the root for the highest `index-N`) and parses the
/// `index-N` it names.
pub async fn read_repository(
    store: &dyn ObjectStore,
) -> Result<RepositoryView, RepositoryReadError> {
    let (generation, latest) = match store.get(&Path::from(INDEX_LATEST)).await {
        Ok(result) => {
            let bytes = result.bytes().await?;
            let generation = latest::decode(&bytes)?;
            (generation, Some(latest::encode(generation)))
        }
        Err(object_store::Error::NotFound { .. }) => (
            highest_root_generation(store)
                .await?
                .ok_or(RepositoryReadError::Empty)?,
            None,
        ),
        Err(e) => return Err(e.into()),
    };
    let key = paths::root_index(generation);
    let bytes = match store.get(&Path::from(key.as_str())).await {
        Ok(result) => result.bytes().await?,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(RepositoryReadError::MissingRootIndex { key });
        }
        Err(e) => return Err(e.into()),
    };
    let data = RepositoryData::from_json(&bytes)
        .map_err(|source| RepositoryReadError::Data { key, source })?;
    Ok(RepositoryView {
        generation,
        latest,
        data,
    })
}

async fn highest_root_generation(
    store: &dyn ObjectStore,
) -> Result<Option<u64>, object_store::Error> {
    let listing = store.list_with_delimiter(None).await?;
    Ok(listing
        .objects
        .iter()
        .filter_map(|meta| match classify(meta.location.as_ref()) {
            KeyClass::RootIndex { generation } => Some(generation),
            _ => None,
        })
        .max())
}

/// The keys that `data` (generation `generation`) references and that `present` lacks, sorted: a
/// restore of the affected snapshots would fail. Checks the root `index-N`, each snapshot's
/// `snap-`/`meta-` blobs, each index's metadata blob, and per shard the `index-<gen>` (7.x) and the
/// shard `snap-<uuid>.dat` (for shards that have a folder in `present`, or every shard in 7.x).
pub fn missing_blobs(
    generation: u64,
    data: &RepositoryData,
    present: &BTreeSet<String>,
) -> Vec<String> {
    const SPECIAL_GENERATIONS: [&str; 2] = ["_deleted", "_new"];
    let mut wanted = BTreeSet::new();
    wanted.insert(paths::root_index(generation));
    for snapshot in &data.snapshots {
        wanted.insert(paths::snapshot_info(&snapshot.uuid));
        wanted.insert(paths::global_metadata(&snapshot.uuid));
    }
    for entry in data.indices.values() {
        let mut shards: BTreeSet<u32> = present
            .iter()
            .filter_map(|key| {
                let rest = key
                    .strip_prefix("indices/")?
                    .strip_prefix(entry.id.as_str())?;
                rest.strip_prefix('/')?.split('/').next()?.parse().ok()
            })
            .collect();
        if let Some(generations) = &entry.shard_generations {
            for (shard, shard_gen) in generations.iter().enumerate() {
                let Ok(shard) = u32::try_from(shard) else {
                    continue;
                };
                shards.insert(shard);
                if let Some(shard_gen) = shard_gen
                    .as_deref()
                    .filter(|g| !SPECIAL_GENERATIONS.contains(g))
                {
                    wanted.insert(paths::shard_index(&entry.id, shard, shard_gen));
                }
            }
        }
        for uuid in &entry.snapshots {
            let Some(snapshot) = data.snapshots.iter().find(|s| &s.uuid == uuid) else {
                continue;
            };
            if let Some(blob_id) = data.index_metadata_blob_id(snapshot, &entry.id) {
                wanted.insert(paths::index_metadata(&entry.id, blob_id));
            }
            for shard in &shards {
                wanted.insert(paths::shard_snapshot(&entry.id, *shard, uuid));
            }
        }
    }
    wanted
        .into_iter()
        .filter(|key| !present.contains(key))
        .collect()
}
