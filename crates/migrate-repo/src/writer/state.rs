//! The current state of a repository, as [`super::write_snapshot`] needs it: root generation and
//! data, and each shard's current `index-<gen>`.

use std::collections::BTreeMap;
use std::io;

use thiserror::Error;

use crate::error::{BlobError, Problem};
use crate::latest;
use crate::layout::paths;
use crate::model::{ChecksumBlob, RepositoryData, ShardSnapshots};
use crate::source::{BlobSource, FsBlobs};

/// A repository's current state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepositoryState {
    /// The current root generation (`None` for an empty repository).
    pub generation: Option<u64>,
    /// The current root `index-N`.
    pub data: RepositoryData,
    /// Per (index id, shard): the current shard generation and its `index-<gen>`.
    pub shards: BTreeMap<(String, u32), (String, ShardSnapshots)>,
}

/// Why a repository's state could not be read.
#[derive(Debug, Error)]
pub enum StateError {
    /// A blob or folder could not be read.
    #[error("reading `{key}` failed: {source}")]
    Io {
        /// The key or folder.
        key: String,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// A blob is malformed.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

impl RepositoryState {
    /// Reads the state of the repository in a directory: `index.latest`, the root `index-N` it
    /// names, and every shard's current `index-<gen>` (from `shard_generations` in 7.x layouts, else
    /// the highest numbered one in the shard folder, as 5.x/6.x find it).
    pub fn read(fs: &FsBlobs) -> Result<Self, StateError> {
        let io_err = |key: &str| {
            let key = key.to_owned();
            move |source| StateError::Io { key, source }
        };
        let latest_bytes = match fs.read(latest::INDEX_LATEST) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(io_err(latest::INDEX_LATEST)(e)),
        };
        let generation = latest::decode(&latest_bytes).map_err(|e| {
            BlobError::new(
                latest::INDEX_LATEST,
                Problem::Shape {
                    path: "/".into(),
                    reason: e.to_string(),
                },
            )
        })?;
        let key = paths::root_index(generation);
        let bytes = fs.read(&key).map_err(io_err(&key))?;
        let data = RepositoryData::from_json(&bytes).map_err(|e| {
            BlobError::new(
                &key,
                Problem::Json {
                    reason: e.to_string(),
                },
            )
        })?;
        let mut shards = BTreeMap::new();
        for entry in data.indices.values() {
            let folder = format!("indices/{}", entry.id);
            let mut found: Vec<(u32, String)> = Vec::new();
            if let Some(generations) = &entry.shard_generations {
                for (shard, generation) in generations.iter().enumerate() {
                    if let Some(generation) = generation {
                        found.push((shard as u32, generation.clone()));
                    }
                }
            } else {
                for shard in fs.list(&folder).map_err(io_err(&folder))? {
                    let Ok(number) = shard.parse::<u32>() else {
                        continue;
                    };
                    let shard_folder = format!("{folder}/{shard}");
                    let highest = fs
                        .list(&shard_folder)
                        .map_err(io_err(&shard_folder))?
                        .iter()
                        .filter_map(|n| n.strip_prefix("index-")?.parse::<u64>().ok())
                        .max();
                    if let Some(highest) = highest {
                        found.push((number, highest.to_string()));
                    }
                }
            }
            for (shard, generation) in found {
                let key = paths::shard_index(&entry.id, shard, &generation);
                let bytes = fs.read(&key).map_err(io_err(&key))?;
                let index = ShardSnapshots::read(&key, &bytes)?;
                shards.insert((entry.id.clone(), shard), (generation, index));
            }
        }
        Ok(RepositoryState {
            generation: Some(generation),
            data,
            shards,
        })
    }
}
