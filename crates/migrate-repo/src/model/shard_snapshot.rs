//! A shard's part of one snapshot, `indices/<id>/<shard>/snap-<uuid>.dat`
//! (`BlobStoreIndexShardSnapshot`): the Lucene files of the shard's commit at snapshot time.

use crate::error::Problem;
use crate::smile::{Object, Value};

use super::fields::{FieldOrder, Fields, assemble};
use super::file_info::FileInfo;

/// The content of a shard `snap-<uuid>.dat` blob.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSnapshot {
    /// The snapshot name.
    pub name: String,
    /// A legacy counter Elasticsearch still writes.
    pub index_version: i64,
    /// When the shard snapshot started (epoch milliseconds).
    pub start_time: i64,
    /// How long it took (milliseconds).
    pub time: i64,
    /// How many files this snapshot uploaded (not counting files reused from earlier snapshots).
    pub number_of_files: i64,
    /// How many bytes it uploaded.
    pub total_size: i64,
    /// Every Lucene file of the shard's commit.
    pub files: Vec<FileInfo>,
    /// Fields not named above, kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

impl ShardSnapshot {
    /// The file whose Lucene name is `physical_name`.
    pub fn file(&self, physical_name: &str) -> Option<&FileInfo> {
        self.files.iter().find(|f| f.physical_name == physical_name)
    }

    pub(crate) fn from_value(value: Value) -> Result<Self, Problem> {
        let mut f = Fields::of(value, "")?;
        let name = f.string("name")?;
        let index_version = f.opt_int("index_version")?.unwrap_or(0);
        let start_time = f.opt_int("start_time")?.unwrap_or(0);
        let time = f.opt_int("time")?.unwrap_or(0);
        let number_of_files = f.opt_int("number_of_files")?.unwrap_or(0);
        let total_size = f.opt_int("total_size")?.unwrap_or(0);
        let files_path = f.path("files");
        let files = files(f.opt_array("files")?.unwrap_or_default(), &files_path)?;
        let (order, extra) = f.finish();
        Ok(ShardSnapshot {
            name,
            index_version,
            start_time,
            time,
            number_of_files,
            total_size,
            files,
            extra,
            order,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        Value::Object(assemble(
            vec![
                ("name", Some(self.name.as_str().into())),
                ("index_version", Some(self.index_version.into())),
                ("start_time", Some(self.start_time.into())),
                ("time", Some(self.time.into())),
                ("number_of_files", Some(self.number_of_files.into())),
                ("total_size", Some(self.total_size.into())),
                (
                    "files",
                    Some(Value::Array(
                        self.files.iter().map(FileInfo::to_value).collect(),
                    )),
                ),
            ],
            &self.extra,
            &self.order,
        ))
    }
}

pub(crate) fn files(items: Vec<Value>, path: &str) -> Result<Vec<FileInfo>, Problem> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| FileInfo::from_value(v, &format!("{path}/{i}")))
        .collect()
}
