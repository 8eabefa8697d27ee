//! Writing one shard of one snapshot: which Lucene files need a data blob (and under which name),
//! which reuse a blob of an earlier snapshot, the shard `snap-<uuid>.dat` and the new shard
//! `index-<gen>`, keyed the way each version family keys them.

use crate::model::{FieldOrder, FileInfo, ShardSnapshot, ShardSnapshotFiles, ShardSnapshots};
use crate::reassemble::{number_of_parts, to_base36};
use crate::smile::Object;

use super::{Family, WriteError};

/// `part_size` when files are not split (Java's `Long.MAX_VALUE`, as Elasticsearch writes it).
pub const UNSPLIT: u64 = i64::MAX as u64;

/// A Lucene file to snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LuceneFile {
    /// The Lucene file name (`_0.cfs`, `segments_2`).
    pub physical_name: String,
    /// The whole file, ending with its Lucene footer.
    pub content: Vec<u8>,
    /// The Lucene version that wrote it (`8.7.0`).
    pub written_by: String,
}

impl LuceneFile {
    /// The checksum recorded in the file's footer (its last 8 bytes).
    pub fn footer_checksum(&self) -> Result<u64, WriteError> {
        let len = self.content.len();
        if len < 16 {
            return Err(WriteError::NotLucene {
                file: self.physical_name.clone(),
            });
        }
        let tail: [u8; 8] = self.content[len - 8..].try_into().unwrap_or([0; 8]);
        Ok(u64::from_be_bytes(tail))
    }

    /// Whether Elasticsearch keeps the whole content in the metadata (`meta_hash`): segment infos.
    pub fn content_in_metadata(&self) -> bool {
        self.physical_name.starts_with("segments_") || self.physical_name.ends_with(".si")
    }
}

/// What one shard of one snapshot writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardWrite {
    /// New data blobs, by name relative to the shard folder (`__<uuid>`, `__<uuid>.part1`, …).
    pub data_blobs: Vec<(String, Vec<u8>)>,
    /// The shard `snap-<uuid>.dat` content.
    pub snapshot: ShardSnapshot,
    /// The new shard `index-<gen>` content.
    pub index: ShardSnapshots,
    /// The new shard generation (`<n>` in 5.x/6.x, a uuid in 7.x).
    pub generation: String,
}

/// What the shard held before this snapshot: its generation and `index-<gen>` content.
#[derive(Debug, Clone, Copy)]
pub struct PreviousShard<'a> {
    /// The current shard generation.
    pub generation: &'a str,
    /// Its `index-<gen>`.
    pub index: &'a ShardSnapshots,
}

/// Snapshots one shard: a file equal to one already in the repository (same Lucene name, length
/// and checksum) reuses its blob; others get new blobs named as `family` names them.
#[allow(clippy::too_many_arguments)]
pub fn write_shard(
    family: Family,
    snapshot_name: &str,
    start_time: i64,
    files: &[LuceneFile],
    previous: Option<PreviousShard<'_>>,
    part_size: Option<u64>,
    shard_state_id: Option<String>,
    new_id: &mut dyn FnMut() -> String,
) -> Result<ShardWrite, WriteError> {
    let mut index = previous
        .map(|p| p.index.clone())
        .unwrap_or_else(empty_index);
    index.snapshots.retain(|s| s.snapshot != snapshot_name);
    let mut next_number = index
        .files
        .iter()
        .filter_map(|f| f.name.strip_prefix("__"))
        .filter_map(|n| u64::from_str_radix(n.split('.').next().unwrap_or(n), 36).ok())
        .max()
        .map_or(0, |n| n + 1);
    let mut data_blobs = Vec::new();
    let mut infos = Vec::new();
    let (mut new_count, mut new_size) = (0i64, 0i64);
    for file in files {
        let checksum = to_base36(file.footer_checksum()?);
        let length = file.content.len() as u64;
        if let Some(existing) = index.files.iter().find(|f| {
            f.physical_name == file.physical_name && f.length == length && f.checksum == checksum
        }) {
            infos.push(existing.clone());
            continue;
        }
        let inline = file.content_in_metadata();
        let virtual_file = inline && family == Family::Es7;
        let name = match family {
            _ if virtual_file => format!("v__{}", new_id()),
            Family::Es5 => {
                let n = next_number;
                next_number += 1;
                format!("__{}", to_base36(n))
            }
            Family::Es6 | Family::Es7 => format!("__{}", new_id()),
        };
        let mut info = FileInfo::new(name, &file.physical_name, length, checksum);
        info.part_size = Some(part_size.unwrap_or(UNSPLIT));
        info.written_by = Some(file.written_by.clone());
        info.meta_hash = inline.then(|| file.content.clone());
        if !virtual_file {
            let parts = number_of_parts(&info).map_err(|e| WriteError::Parts {
                reason: e.to_string(),
            })?;
            if parts == 1 {
                data_blobs.push((info.name.clone(), file.content.clone()));
            } else {
                let size = usize::try_from(part_size.unwrap_or(UNSPLIT)).unwrap_or(usize::MAX);
                for (i, chunk) in file.content.chunks(size).enumerate() {
                    data_blobs.push((format!("{}.part{i}", info.name), chunk.to_vec()));
                }
            }
        }
        new_count += 1;
        new_size += length as i64;
        index.files.push(info.clone());
        infos.push(info);
    }
    index.snapshots.push(ShardSnapshotFiles {
        snapshot: snapshot_name.to_owned(),
        files: infos.iter().map(|f| f.name.clone()).collect(),
        shard_state_id: match family {
            Family::Es7 => Some(shard_state_id.unwrap_or_else(|| format!("{}-na-0", new_id()))),
            Family::Es5 | Family::Es6 => None,
        },
        extra: Object::new(),
        order: FieldOrder::default(),
    });
    let generation = match (family, previous) {
        (Family::Es7, _) => new_id(),
        (_, None) => "0".to_owned(),
        (_, Some(p)) => p
            .generation
            .parse::<u64>()
            .map(|g| (g + 1).to_string())
            .map_err(|_| WriteError::Generation {
                found: p.generation.to_owned(),
            })?,
    };
    Ok(ShardWrite {
        data_blobs,
        snapshot: ShardSnapshot {
            name: snapshot_name.to_owned(),
            index_version: 0,
            start_time,
            time: 0,
            number_of_files: new_count,
            total_size: new_size,
            files: infos,
            extra: Object::new(),
            order: FieldOrder::default(),
        },
        index,
        generation,
    })
}

fn empty_index() -> ShardSnapshots {
    ShardSnapshots {
        files: Vec::new(),
        snapshots: Vec::new(),
        extra: Object::new(),
        order: FieldOrder::default(),
    }
}
