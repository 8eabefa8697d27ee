//! Root `incompatible-snapshots` (5.x/6.x): the snapshots marked incompatible with this cluster,
//! plain JSON `{"incompatible-snapshots":[{"name","uuid"}]}`.

use serde::{Deserialize, Serialize};

use crate::error::Problem;

/// The key of the blob at the repository root.
pub const INCOMPATIBLE_SNAPSHOTS: &str = "incompatible-snapshots";

/// The content of the `incompatible-snapshots` blob.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncompatibleSnapshots {
    /// The snapshots marked incompatible.
    #[serde(rename = "incompatible-snapshots", default)]
    pub snapshots: Vec<SnapshotRef>,
    /// Fields not named above, kept.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A snapshot by name and uuid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRef {
    /// The snapshot name.
    pub name: String,
    /// The snapshot uuid.
    pub uuid: String,
}

impl IncompatibleSnapshots {
    /// Parses the blob's JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Problem> {
        serde_json::from_slice(bytes).map_err(|e| Problem::Json {
            reason: e.to_string(),
        })
    }

    /// The compact JSON Elasticsearch writes.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}
