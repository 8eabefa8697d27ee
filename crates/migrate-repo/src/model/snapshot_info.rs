//! A snapshot's summary, root `snap-<uuid>.dat` (`SnapshotInfo`): name, uuid, version, indices,
//! state, times, shard counts and failures.

use crate::error::Problem;
use crate::smile::{Object, Value};

use super::fields::{FieldOrder, Fields, assemble, strings};

/// The single field wrapping the snapshot info.
const ROOT: &str = "snapshot";

/// The content of a root `snap-<uuid>.dat` blob.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotInfo {
    /// The snapshot name.
    pub name: String,
    /// The snapshot uuid.
    pub uuid: String,
    /// The version id of the cluster that took it (`7100299` for 7.10.2; see [`version_name`]).
    pub version_id: Option<i64>,
    /// The indices it contains.
    pub indices: Vec<String>,
    /// 7.9+: the data streams it contains.
    pub data_streams: Option<Vec<String>>,
    /// `SUCCESS`, `PARTIAL`, `FAILED`, `IN_PROGRESS`, `INCOMPATIBLE`.
    pub state: Option<String>,
    /// Why it failed, when it did.
    pub reason: Option<String>,
    /// 6.x+: whether the global state was included.
    pub include_global_state: Option<bool>,
    /// 7.x: the user metadata (`null` when none, which 7.x writes explicitly).
    pub metadata: Option<Value>,
    /// Start, epoch milliseconds.
    pub start_time: i64,
    /// End, epoch milliseconds.
    pub end_time: i64,
    /// Shards in the snapshot.
    pub total_shards: i64,
    /// Shards that succeeded.
    pub successful_shards: i64,
    /// Shard failures, as stored.
    pub failures: Vec<Value>,
    /// Fields not named above, kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

/// `5061699` → `5.6.16`: Elasticsearch's version id (major·1000000 + minor·10000 + revision·100 +
/// build) as a version name.
pub fn version_name(version_id: i64) -> String {
    format!(
        "{}.{}.{}",
        version_id / 1_000_000,
        version_id / 10_000 % 100,
        version_id / 100 % 100
    )
}

impl SnapshotInfo {
    pub(crate) fn from_value(value: Value) -> Result<Self, Problem> {
        let mut outer = Fields::of(value, "")?;
        let mut f = Fields::of(outer.need(ROOT)?, &outer.path(ROOT))?;
        let info = SnapshotInfo {
            name: f.string("name")?,
            uuid: f.string("uuid")?,
            version_id: f.opt_int("version_id")?,
            indices: f.opt_strings("indices")?.unwrap_or_default(),
            data_streams: f.opt_strings("data_streams")?,
            state: f.opt_string("state")?,
            reason: f.opt_string("reason")?,
            include_global_state: f.opt_bool("include_global_state")?,
            metadata: f.take("metadata"),
            start_time: f.opt_int("start_time")?.unwrap_or(0),
            end_time: f.opt_int("end_time")?.unwrap_or(0),
            total_shards: f.opt_int("total_shards")?.unwrap_or(0),
            successful_shards: f.opt_int("successful_shards")?.unwrap_or(0),
            failures: f.opt_array("failures")?.unwrap_or_default(),
            extra: Object::new(),
            order: FieldOrder::default(),
        };
        let (order, extra) = f.finish();
        Ok(SnapshotInfo {
            extra,
            order,
            ..info
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        let inner = assemble(
            vec![
                ("name", Some(self.name.as_str().into())),
                ("uuid", Some(self.uuid.as_str().into())),
                ("version_id", self.version_id.map(Value::from)),
                ("indices", Some(strings(&self.indices))),
                ("data_streams", self.data_streams.as_deref().map(strings)),
                ("state", self.state.as_deref().map(Value::from)),
                ("reason", self.reason.as_deref().map(Value::from)),
                (
                    "include_global_state",
                    self.include_global_state.map(Value::from),
                ),
                ("metadata", self.metadata.clone()),
                ("start_time", Some(self.start_time.into())),
                ("end_time", Some(self.end_time.into())),
                ("total_shards", Some(self.total_shards.into())),
                ("successful_shards", Some(self.successful_shards.into())),
                ("failures", Some(Value::Array(self.failures.clone()))),
            ],
            &self.extra,
            &self.order,
        );
        let mut outer = Object::new();
        outer.push(ROOT, inner);
        Value::Object(outer)
    }
}
