//! Snapshots as `GET _snapshot/{repo}/{snap}` shows them (the 7.x multi-repository shape too).

use serde::Deserialize;
use serde_json::Value;

use crate::error::ClusterError;

/// One snapshot from `GET _snapshot/{repo}/{snap}`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct SnapshotInfo {
    pub snapshot: String,
    #[serde(default)]
    pub uuid: Option<String>,
    /// `IN_PROGRESS`, `SUCCESS`, `PARTIAL`, `FAILED`, `INCOMPATIBLE`.
    pub state: String,
    #[serde(default)]
    pub indices: Vec<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub failures: Vec<Value>,
    #[serde(default)]
    pub shards: Option<Value>,
}

impl SnapshotInfo {
    pub fn is_done(&self) -> bool {
        self.state != "IN_PROGRESS" && self.state != "STARTED"
    }
    pub fn is_success(&self) -> bool {
        self.state == "SUCCESS"
    }
}

#[derive(Deserialize)]
struct SnapshotList {
    #[serde(default)]
    snapshots: Vec<SnapshotInfo>,
    /// ES 7.x multi-repository shape: `{"responses":[{"repository","snapshots"}]}`.
    #[serde(default)]
    responses: Vec<SnapshotList>,
}

/// The snapshot named `snapshot` in a `GET _snapshot/{repo}/{snap}` body (either shape).
pub fn snapshot_named(body: &Value, snapshot: &str) -> Option<SnapshotInfo> {
    let list: SnapshotList = serde_json::from_value(body.clone()).ok()?;
    let mut all = list.snapshots;
    for r in list.responses {
        all.extend(r.snapshots);
    }
    all.into_iter().find(|s| s.snapshot == snapshot)
}

/// Every snapshot name in a `GET _snapshot/{repo}/{pattern}` body (either shape).
pub fn snapshot_names(body: &Value) -> Vec<String> {
    let Ok(list) = serde_json::from_value::<SnapshotList>(body.clone()) else {
        return Vec::new();
    };
    let mut all = list.snapshots;
    for r in list.responses {
        all.extend(r.snapshots);
    }
    all.into_iter().map(|s| s.snapshot).collect()
}

/// Whether an error means "no such snapshot" (not taken yet).
pub fn is_missing_snapshot(e: &ClusterError) -> bool {
    e.error_type() == Some("snapshot_missing_exception")
}
