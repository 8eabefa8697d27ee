//! The snapshot info stored in root `snap-<uuid>.dat`, and its rendering in `GET _snapshot/<repo>/<snap>`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::release::Release;

/// What a snapshot is: the content of root `snap-<uuid>.dat` under the key `snapshot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// Name.
    pub name: String,
    /// Uuid.
    pub uuid: String,
    /// The `version_id` of the cluster that took it.
    pub version_id: u32,
    /// Index names, sorted.
    pub indices: Vec<String>,
    /// `IN_PROGRESS`, `SUCCESS`, `PARTIAL`, `FAILED`.
    pub state: String,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the global cluster state is included.
    #[serde(default)]
    pub include_global_state: bool,
    /// Start, ms since the epoch.
    pub start_time: u64,
    /// End, ms since the epoch (0 while running).
    pub end_time: u64,
    /// Shards in the snapshot.
    pub total_shards: u32,
    /// Shards that succeeded.
    pub successful_shards: u32,
    /// Shard failures.
    #[serde(default)]
    pub failures: Vec<Value>,
    /// User metadata given at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl SnapshotInfo {
    /// The release that took the snapshot.
    pub fn release(&self) -> Release {
        Release::from_version_id(self.version_id)
    }

    /// The blob content (`{"snapshot": {...}}`).
    pub fn to_blob(&self) -> Value {
        json!({ "snapshot": self })
    }

    /// Parses the blob content.
    pub fn from_blob(value: Value) -> Result<Self, serde_json::Error> {
        let inner = match value {
            Value::Object(mut map) => map.remove("snapshot").unwrap_or(Value::Null),
            other => other,
        };
        serde_json::from_value(inner)
    }

    /// The entry in `GET _snapshot/<repo>/<snap>` as a cluster running `cluster` renders it.
    pub fn to_api(&self, cluster: &Release) -> Value {
        let mut out = serde_json::Map::new();
        out.insert("snapshot".into(), json!(self.name));
        out.insert("uuid".into(), json!(self.uuid));
        out.insert("version_id".into(), json!(self.version_id));
        out.insert("version".into(), json!(self.release().number()));
        out.insert("indices".into(), json!(self.indices));
        let modern = cluster.opensearch || cluster.version >= (7, 0, 0);
        if modern {
            out.insert(
                "include_global_state".into(),
                json!(self.include_global_state),
            );
        }
        if cluster.opensearch || cluster.version >= (7, 9, 0) {
            out.insert("data_streams".into(), json!([]));
        }
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        out.insert("state".into(), json!(self.state));
        if let Some(reason) = &self.reason {
            out.insert("reason".into(), json!(reason));
        }
        out.insert("start_time".into(), json!(iso(self.start_time)));
        out.insert("start_time_in_millis".into(), json!(self.start_time));
        if self.end_time > 0 {
            out.insert("end_time".into(), json!(iso(self.end_time)));
            out.insert("end_time_in_millis".into(), json!(self.end_time));
            out.insert(
                "duration_in_millis".into(),
                json!(self.end_time.saturating_sub(self.start_time)),
            );
        } else if modern {
            out.insert("end_time_in_millis".into(), json!(0));
            out.insert("duration_in_millis".into(), json!(0));
        }
        out.insert("failures".into(), json!(self.failures));
        let failed = self.total_shards.saturating_sub(self.successful_shards);
        let in_progress = self.state == "IN_PROGRESS";
        out.insert(
            "shards".into(),
            if in_progress {
                json!({"total": 0, "failed": 0, "successful": 0})
            } else {
                json!({"total": self.total_shards, "failed": failed, "successful": self.successful_shards})
            },
        );
        Value::Object(out)
    }
}

/// Milliseconds since the epoch as `2026-11-22T18:11:19.123Z`.
pub fn iso(millis: u64) -> String {
    let nanos = i128::from(millis) * 1_000_000;
    let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return String::new();
    };
    let text = at.format(&Rfc3339).unwrap_or_default();
    // RFC 3339 prints as many fraction digits as needed; Elasticsearch prints exactly three.
    match text.split_once('.') {
        Some((head, _)) => format!("{head}.{:03}Z", millis % 1000),
        None => format!("{}.{:03}Z", text.trim_end_matches('Z'), millis % 1000),
    }
}

/// Now, ms since the epoch.
pub fn now_millis() -> u64 {
    u64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_times_like_elasticsearch() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_500_000_000_123), "2017-07-14T02:40:00.123Z");
    }
}
