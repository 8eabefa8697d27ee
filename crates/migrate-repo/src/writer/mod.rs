//! Writing a repository the way each real version family keys it, built from the same models the
//! readers use: [`write_snapshot`] turns a repository's current state and a new snapshot into the
//! blobs to put, in restorable order (data first, `index.latest` last).
//!
//! | | 5.x | 6.x | 7.x (7.6+ layout) |
//! |---|---|---|---|
//! | data blob names | `__<n>` (base 36 counter) | `__<uuid>` | `__<uuid>`; segment infos `v__<uuid>` without a blob |
//! | shard `index-<gen>` | numeric, +1 per change | numeric | uuid, recorded in root `shard_generations` |
//! | index metadata blob | `meta-<snapshot uuid>.dat` | same | `meta-<blob id>.dat`, deduplicated by identifier |
//! | root snapshot entry | name, uuid, state | same | + `index_metadata_lookup`, `version` |
//! | snapshot info | no `include_global_state` | + `include_global_state` | + `data_streams`, `metadata` |
//!
//! The function is pure: ids come from the caller's `new_id`, the current state from
//! [`RepositoryState`] (which [`RepositoryState::read`] loads from a directory).

mod shard;
mod state;

pub use shard::{LuceneFile, PreviousShard, ShardWrite, UNSPLIT, write_shard};
pub use state::{RepositoryState, StateError};

use std::collections::BTreeMap;

use thiserror::Error;

use crate::compress::Compression;
use crate::latest;
use crate::layout::paths;
use crate::model::{
    ChecksumBlob, FieldOrder, GlobalMetadata, IndexEntry, IndexMetadata, SnapshotEntry,
    SnapshotInfo, SnapshotState, version_name,
};
use crate::smile::{Object, Value};

/// Which version family's layout to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Elasticsearch 5.x.
    Es5,
    /// Elasticsearch 6.x.
    Es6,
    /// Elasticsearch 7.6+ and OpenSearch 1.x/2.x.
    Es7,
}

/// The `min_version` a 7.x repository with shard generations and index metadata identifiers has.
pub const ES7_MIN_VERSION: &str = "7.9.0";

/// Why a snapshot cannot be written.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WriteError {
    /// A file too short to end with a Lucene footer.
    #[error("`{file}` is not a Lucene file: shorter than a codec footer (16 bytes)")]
    NotLucene {
        /// The Lucene file name.
        file: String,
    },
    /// A 5.x/6.x shard generation that is not a number.
    #[error("shard generation `{found}` is not a number, as 5.x/6.x layouts need")]
    Generation {
        /// The generation found.
        found: String,
    },
    /// A part size that splits a file into too many blobs.
    #[error("{reason}")]
    Parts {
        /// What is wrong.
        reason: String,
    },
    /// An index whose metadata names no shard count matching its shards.
    #[error("index `{index}` has {given} shards to write but its settings say {declared:?}")]
    ShardCount {
        /// The index.
        index: String,
        /// Shards given.
        given: usize,
        /// `index.number_of_shards`.
        declared: Option<u32>,
    },
}

/// A snapshot to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSnapshot {
    /// The snapshot name.
    pub name: String,
    /// Its uuid.
    pub uuid: String,
    /// The version id of the writing cluster (`7100299`).
    pub version_id: i64,
    /// Start and end, epoch milliseconds.
    pub start_time: i64,
    /// See [`NewSnapshot::start_time`].
    pub end_time: i64,
    /// The cluster metadata.
    pub global: GlobalMetadata,
    /// The indices, each with the Lucene files of each shard.
    pub indices: Vec<NewIndex>,
}

/// One index of a new snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndex {
    /// Its metadata (name, settings with `index.number_of_shards`, mappings, …).
    pub metadata: IndexMetadata,
    /// Per shard, its Lucene files.
    pub shards: Vec<Vec<LuceneFile>>,
}

/// What [`write_snapshot`] produces.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotBlobs {
    /// Keys and bytes, in the order to put them.
    pub blobs: Vec<(String, Vec<u8>)>,
    /// Shard `index-<gen>` keys the new ones replace (Elasticsearch deletes them afterwards).
    pub superseded: Vec<String>,
    /// The new root generation.
    pub generation: u64,
}

/// The blobs that add `snapshot` to the repository in `state`, laid out as `family` lays them out.
pub fn write_snapshot(
    family: Family,
    state: &RepositoryState,
    snapshot: &NewSnapshot,
    part_size: Option<u64>,
    new_id: &mut dyn FnMut() -> String,
) -> Result<SnapshotBlobs, WriteError> {
    let mut data_blobs = Vec::new();
    let mut shard_meta = Vec::new();
    let mut index_meta = Vec::new();
    let mut superseded = Vec::new();
    let mut repo = state.data.clone();
    let mut lookup = BTreeMap::new();
    for index in &snapshot.indices {
        let name = index.metadata.name.clone();
        let declared = index.metadata.number_of_shards();
        if declared != u32::try_from(index.shards.len()).ok() {
            return Err(WriteError::ShardCount {
                index: name,
                given: index.shards.len(),
                declared,
            });
        }
        let index_id = repo
            .indices
            .get(&name)
            .map(|e| e.id.clone())
            .unwrap_or_else(&mut *new_id);
        let mut generations = Vec::new();
        for (shard, files) in index.shards.iter().enumerate() {
            let shard = shard as u32;
            let previous = state.shards.get(&(index_id.clone(), shard));
            let write = write_shard(
                family,
                &snapshot.name,
                snapshot.start_time,
                files,
                previous.map(|(generation, index)| PreviousShard { generation, index }),
                part_size,
                None,
                new_id,
            )?;
            let dir = format!("indices/{index_id}/{shard}");
            for (blob, bytes) in write.data_blobs {
                data_blobs.push((format!("{dir}/{blob}"), bytes));
            }
            shard_meta.push((
                paths::shard_snapshot(&index_id, shard, &snapshot.uuid),
                write.snapshot.write(Compression::None),
            ));
            shard_meta.push((
                paths::shard_index(&index_id, shard, &write.generation),
                write.index.write(Compression::None),
            ));
            if let Some((generation, _)) = previous {
                superseded.push(paths::shard_index(&index_id, shard, generation));
            }
            generations.push(Some(write.generation));
        }
        let bytes = index.metadata.write(Compression::None);
        let blob_id = match family {
            Family::Es5 | Family::Es6 => snapshot.uuid.clone(),
            Family::Es7 => {
                let identifier = metadata_identifier(&index.metadata);
                let identifiers = repo.index_metadata_identifiers.get_or_insert_default();
                let blob_id = identifiers
                    .entry(identifier.clone())
                    .or_insert_with(&mut *new_id)
                    .clone();
                lookup.insert(index_id.clone(), identifier);
                blob_id
            }
        };
        index_meta.push((paths::index_metadata(&index_id, &blob_id), bytes));
        let entry = repo.indices.entry(name).or_insert_with(|| IndexEntry {
            id: index_id.clone(),
            snapshots: Vec::new(),
            shard_generations: None,
            extra: serde_json::Map::new(),
        });
        if !entry.snapshots.contains(&snapshot.uuid) {
            entry.snapshots.push(snapshot.uuid.clone());
        }
        if family == Family::Es7 {
            entry.shard_generations = Some(generations);
        }
    }
    let snapshot_meta = vec![
        (
            paths::snapshot_info(&snapshot.uuid),
            snapshot_info(family, snapshot).write(Compression::None),
        ),
        (
            paths::global_metadata(&snapshot.uuid),
            snapshot.global.write(Compression::None),
        ),
    ];
    repo.snapshots.retain(|s| s.uuid != snapshot.uuid);
    repo.snapshots.push(SnapshotEntry {
        name: snapshot.name.clone(),
        uuid: snapshot.uuid.clone(),
        state: Some(SnapshotState::Success),
        index_metadata_lookup: (family == Family::Es7).then_some(lookup),
        version: (family == Family::Es7).then(|| version_name(snapshot.version_id)),
        extra: serde_json::Map::new(),
    });
    if family == Family::Es7 {
        repo.min_version = Some(ES7_MIN_VERSION.to_owned());
        repo.index_metadata_identifiers.get_or_insert_default();
    }
    let generation = state.generation.map_or(0, |g| g + 1);
    let mut blobs = data_blobs;
    blobs.extend(shard_meta);
    blobs.extend(index_meta);
    blobs.extend(snapshot_meta);
    blobs.push((paths::root_index(generation), repo.to_json()));
    blobs.push((
        latest::INDEX_LATEST.to_owned(),
        latest::encode(generation).to_vec(),
    ));
    Ok(SnapshotBlobs {
        blobs,
        superseded,
        generation,
    })
}

/// 7.x's index metadata identifier: `<index uuid>-<history uuid or _na_>-<settings version>-<mapping
/// version>-<aliases version>`.
pub fn metadata_identifier(metadata: &IndexMetadata) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        metadata.setting("index.uuid").unwrap_or("_na_"),
        metadata.setting("index.history.uuid").unwrap_or("_na_"),
        metadata.settings_version.unwrap_or(1),
        metadata.mapping_version.unwrap_or(1),
        metadata.aliases_version.unwrap_or(1),
    )
}

fn snapshot_info(family: Family, snapshot: &NewSnapshot) -> SnapshotInfo {
    let shards: usize = snapshot.indices.iter().map(|i| i.shards.len()).sum();
    let es7 = family == Family::Es7;
    SnapshotInfo {
        name: snapshot.name.clone(),
        uuid: snapshot.uuid.clone(),
        version_id: Some(snapshot.version_id),
        indices: snapshot
            .indices
            .iter()
            .map(|i| i.metadata.name.clone())
            .collect(),
        data_streams: es7.then(Vec::new),
        state: Some("SUCCESS".into()),
        reason: None,
        include_global_state: (family != Family::Es5).then_some(true),
        metadata: es7.then_some(Value::Null),
        start_time: snapshot.start_time,
        end_time: snapshot.end_time,
        total_shards: shards as i64,
        successful_shards: shards as i64,
        failures: Vec::new(),
        extra: Object::new(),
        order: FieldOrder::default(),
    }
}
