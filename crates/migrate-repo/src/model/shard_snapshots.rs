//! A shard's snapshot list, `indices/<id>/<shard>/index-<gen>` (`BlobStoreIndexShardSnapshots`):
//! every file any snapshot of the shard uses, and which files each snapshot uses.

use crate::error::Problem;
use crate::smile::{Object, Value};

use super::fields::{FieldOrder, Fields, assemble, shape, strings};
use super::file_info::FileInfo;
use super::shard_snapshot::files;

/// The content of a shard `index-<gen>` blob.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSnapshots {
    /// Every file used by any snapshot of the shard, once.
    pub files: Vec<FileInfo>,
    /// Per snapshot (by name, in stored order): the blob names of the files it uses.
    pub snapshots: Vec<ShardSnapshotFiles>,
    /// Fields not named above, kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

/// One snapshot's entry in a shard `index-<gen>`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSnapshotFiles {
    /// The snapshot name.
    pub snapshot: String,
    /// The [`FileInfo::name`]s of the files it uses.
    pub files: Vec<String>,
    /// 7.x: an id of the shard's state, letting an unchanged shard skip work.
    pub shard_state_id: Option<String>,
    /// Fields not named above, kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

impl ShardSnapshots {
    /// The entry of snapshot `name`.
    pub fn snapshot(&self, name: &str) -> Option<&ShardSnapshotFiles> {
        self.snapshots.iter().find(|s| s.snapshot == name)
    }

    /// The file infos snapshot `name` uses, in its order; `None` if the snapshot is not listed or
    /// names a file the list lacks.
    pub fn files_of(&self, name: &str) -> Option<Vec<&FileInfo>> {
        self.snapshot(name)?
            .files
            .iter()
            .map(|blob| self.files.iter().find(|f| &f.name == blob))
            .collect()
    }

    pub(crate) fn from_value(value: Value) -> Result<Self, Problem> {
        let mut f = Fields::of(value, "")?;
        let files_path = f.path("files");
        let all = files(f.opt_array("files")?.unwrap_or_default(), &files_path)?;
        let snapshots_path = f.path("snapshots");
        let mut snapshots = Vec::new();
        for (snapshot, entry) in f.opt_object("snapshots")?.unwrap_or_default().0 {
            let path = format!("{snapshots_path}/{snapshot}");
            let mut e = Fields::of(entry, &path)?;
            let files = e
                .opt_strings("files")?
                .ok_or_else(|| shape(&e.path("files"), "is missing"))?;
            let shard_state_id = e.opt_string("shard_state_id")?;
            let (order, extra) = e.finish();
            snapshots.push(ShardSnapshotFiles {
                snapshot,
                files,
                shard_state_id,
                extra,
                order,
            });
        }
        let (order, extra) = f.finish();
        Ok(ShardSnapshots {
            files: all,
            snapshots,
            extra,
            order,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        let snapshots: Object = self
            .snapshots
            .iter()
            .map(|s| {
                let entry = assemble(
                    vec![
                        ("files", Some(strings(&s.files))),
                        (
                            "shard_state_id",
                            s.shard_state_id.as_deref().map(Value::from),
                        ),
                    ],
                    &s.extra,
                    &s.order,
                );
                (s.snapshot.clone(), Value::Object(entry))
            })
            .collect();
        Value::Object(assemble(
            vec![
                (
                    "files",
                    Some(Value::Array(
                        self.files.iter().map(FileInfo::to_value).collect(),
                    )),
                ),
                ("snapshots", Some(Value::Object(snapshots))),
            ],
            &self.extra,
            &self.order,
        ))
    }
}
