//! The root `index-N` JSON ("repository data"): snapshots, indices and, from 7.x, shard generations
//! and index metadata identifiers.
//!
//! 5.x/6.x write `{"snapshots":[{"name","uuid","state"}],"indices":{name:{"id","snapshots"}}}`;
//! 7.x adds per snapshot `version` and `index_metadata_lookup`, per index `shard_generations`, and at
//! the root `min_version` and `index_metadata_identifiers`. Fields this type does not name are kept
//! in `extra` so that reading and writing back loses nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The content of a root `index-N` blob.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepositoryData {
    /// Every snapshot in the repository, oldest first.
    #[serde(default)]
    pub snapshots: Vec<SnapshotEntry>,
    /// Every index in any snapshot, by name.
    #[serde(default)]
    pub indices: BTreeMap<String, IndexEntry>,
    /// 7.x: the oldest version whose format the repository needs (e.g. `7.9.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<String>,
    /// 7.x: index metadata identifier → blob id of `indices/<id>/meta-<blob id>.dat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_metadata_identifiers: Option<BTreeMap<String, String>>,
    /// Fields not named above (e.g. `uuid`, `cluster_id` written by ES ≥ 7.12), kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One snapshot listed in the repository data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// The snapshot name given at creation.
    pub name: String,
    /// The snapshot uuid: names `snap-<uuid>.dat`, `meta-<uuid>.dat` and shard `snap-<uuid>.dat`.
    pub uuid: String,
    /// The snapshot state (absent in some 5.x repositories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<SnapshotState>,
    /// 7.x: index id → index metadata identifier (see [`RepositoryData::index_metadata_identifiers`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_metadata_lookup: Option<BTreeMap<String, String>>,
    /// 7.x: the version of the cluster that took the snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Fields not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One index listed in the repository data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The repository's id for the index: names the `indices/<id>/` folder.
    pub id: String,
    /// The uuids of the snapshots that contain this index.
    #[serde(default)]
    pub snapshots: Vec<String>,
    /// 7.x: per shard, the generation naming its `index-<gen>` blob (`null` when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_generations: Option<Vec<Option<String>>>,
    /// Fields not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A snapshot's state as stored in `index-N` (a byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum SnapshotState {
    /// 0: still running.
    InProgress,
    /// 1: every shard succeeded.
    Success,
    /// 2: the snapshot failed.
    Failed,
    /// 3: some shards failed.
    Partial,
    /// 4: written by an incompatible version.
    Incompatible,
}

impl SnapshotState {
    /// The name Elasticsearch uses in its APIs (`SUCCESS`, `PARTIAL`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotState::InProgress => "IN_PROGRESS",
            SnapshotState::Success => "SUCCESS",
            SnapshotState::Failed => "FAILED",
            SnapshotState::Partial => "PARTIAL",
            SnapshotState::Incompatible => "INCOMPATIBLE",
        }
    }
}

impl TryFrom<u8> for SnapshotState {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Ok(match value {
            0 => SnapshotState::InProgress,
            1 => SnapshotState::Success,
            2 => SnapshotState::Failed,
            3 => SnapshotState::Partial,
            4 => SnapshotState::Incompatible,
            other => {
                return Err(format!(
                    "unknown snapshot state `{other}` (expected 0 to 4)"
                ));
            }
        })
    }
}

impl From<SnapshotState> for u8 {
    fn from(state: SnapshotState) -> u8 {
        match state {
            SnapshotState::InProgress => 0,
            SnapshotState::Success => 1,
            SnapshotState::Failed => 2,
            SnapshotState::Partial => 3,
            SnapshotState::Incompatible => 4,
        }
    }
}

/// A root `index-N` blob that is not valid repository data.
#[derive(Debug, Error)]
#[error("not valid snapshot repository data: {source}")]
pub struct RepositoryDataError {
    #[source]
    source: serde_json::Error,
}

impl RepositoryData {
    /// Parses the content of a root `index-N` blob.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RepositoryDataError> {
        serde_json::from_slice(bytes).map_err(|source| RepositoryDataError { source })
    }

    /// Serialises to the JSON Elasticsearch writes (compact).
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising plain maps, strings and numbers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Looks a snapshot up by name.
    pub fn snapshot(&self, name: &str) -> Option<&SnapshotEntry> {
        self.snapshots.iter().find(|s| s.name == name)
    }

    /// The names of the indices contained in the snapshot with this uuid, sorted.
    pub fn indices_of(&self, snapshot_uuid: &str) -> Vec<&str> {
        self.indices
            .iter()
            .filter(|(_, entry)| entry.snapshots.iter().any(|u| u == snapshot_uuid))
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The blob id of the index metadata of `index_id` in `snapshot`: the 7.x identifier when the
    /// snapshot has an `index_metadata_lookup`, else (5.x/6.x) the snapshot uuid.
    /// The key is [`crate::layout::paths::index_metadata`]`(index_id, blob_id)`.
    pub fn index_metadata_blob_id<'a>(
        &'a self,
        snapshot: &'a SnapshotEntry,
        index_id: &str,
    ) -> Option<&'a str> {
        match &snapshot.index_metadata_lookup {
            None => Some(snapshot.uuid.as_str()),
            Some(lookup) => {
                let identifier = lookup.get(index_id)?;
                self.index_metadata_identifiers
                    .as_ref()?
                    .get(identifier)
                    .map(String::as_str)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V5: &str = r#"{"snapshots":[{"name":"s1","uuid":"U1","state":1}],"indices":{"i":{"id":"I","snapshots":["U1"]}}}"#;

    #[test]
    fn parses_the_5x_layout_and_writes_it_back_unchanged() {
        let data = RepositoryData::from_json(V5.as_bytes()).unwrap();
        assert_eq!(data.snapshots[0].state, Some(SnapshotState::Success));
        assert_eq!(data.indices["i"].id, "I");
        assert_eq!(data.indices["i"].shard_generations, None);
        assert_eq!(String::from_utf8(data.to_json()).unwrap(), V5);
        assert_eq!(
            data.index_metadata_blob_id(&data.snapshots[0], "I"),
            Some("U1")
        );
    }

    #[test]
    fn keeps_fields_it_does_not_know() {
        let json = r#"{"snapshots":[{"name":"s","uuid":"U","state":3,"start_time_millis":5}],"indices":{},"uuid":"R","cluster_id":"C"}"#;
        let data = RepositoryData::from_json(json.as_bytes()).unwrap();
        assert_eq!(
            data.snapshots[0].state.map(SnapshotState::as_str),
            Some("PARTIAL")
        );
        assert_eq!(data.extra["uuid"], "R");
        let back: serde_json::Value = serde_json::from_slice(&data.to_json()).unwrap();
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn rejects_unknown_states_and_non_json_with_a_reason() {
        let err =
            RepositoryData::from_json(br#"{"snapshots":[{"name":"s","uuid":"U","state":9}]}"#)
                .unwrap_err();
        assert!(
            err.to_string().contains("unknown snapshot state `9`"),
            "{err}"
        );
        assert!(RepositoryData::from_json(b"\x00\x01").is_err());
        assert!(RepositoryData::from_json(br#"{"snapshots":[{"uuid":"U"}]}"#).is_err());
    }
}
