//! One Lucene file as a shard snapshot records it (`BlobStoreIndexShardSnapshot.FileInfo`): its blob
//! name, Lucene file name, length, checksum, part size, Lucene version, and for small files the
//! content itself (`meta_hash`).

use crate::error::Problem;
use crate::smile::{Object, Value};

use super::fields::{FieldOrder, Fields, assemble};

/// The prefix of a blob name whose content lives in `meta_hash` only (7.x "virtual" files).
pub const VIRTUAL_PREFIX: &str = "v__";
/// The prefix of a blob name stored as data blob(s) under the shard folder.
pub const DATA_PREFIX: &str = "__";

/// One Lucene file of a shard snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct FileInfo {
    /// The repository's name for the file: `__<uuid>` (data blob, `.partN` when split) or
    /// `v__<uuid>` (content in [`FileInfo::meta_hash`], no blob). 5.x uses `__<n>`.
    pub name: String,
    /// The Lucene file name (`segments_3`, `_0.cfs`, `_1_Lucene80_0.dvd`).
    pub physical_name: String,
    /// The file's length in bytes.
    pub length: u64,
    /// Lucene's checksum of the file (its footer's CRC32) in base 36, as Elasticsearch writes it.
    pub checksum: String,
    /// The largest part a data blob holds; longer files are split into `.part0`, `.part1`, …
    /// Absent or `i64::MAX` when unsplit.
    pub part_size: Option<u64>,
    /// The Lucene version that wrote the file (`8.7.0`).
    pub written_by: Option<String>,
    /// For segment infos and other small files: the whole file content.
    pub meta_hash: Option<Vec<u8>>,
    /// Fields not named above, kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

impl FileInfo {
    /// A file with no optional field set.
    pub fn new(
        name: impl Into<String>,
        physical_name: impl Into<String>,
        length: u64,
        checksum: impl Into<String>,
    ) -> Self {
        FileInfo {
            name: name.into(),
            physical_name: physical_name.into(),
            length,
            checksum: checksum.into(),
            part_size: None,
            written_by: None,
            meta_hash: None,
            extra: Object::new(),
            order: FieldOrder::default(),
        }
    }

    /// Whether the content lives only in [`FileInfo::meta_hash`] (a `v__` name).
    pub fn is_virtual(&self) -> bool {
        self.name.starts_with(VIRTUAL_PREFIX)
    }

    pub(crate) fn from_value(value: Value, path: &str) -> Result<Self, Problem> {
        let mut f = Fields::of(value, path)?;
        let name = f.string("name")?;
        let physical_name = f.string("physical_name")?;
        let length = unsigned(f.int("length")?, &f.path("length"))?;
        let checksum = f.opt_string("checksum")?.unwrap_or_default();
        let part_size = f
            .opt_int("part_size")?
            .map(|p| unsigned(p, &f.path("part_size")))
            .transpose()?;
        let written_by = f.opt_string("written_by")?;
        let meta_hash = match f.take("meta_hash") {
            None => None,
            Some(Value::Binary(bytes)) => Some(bytes),
            Some(other) => {
                return Err(super::fields::shape(
                    &f.path("meta_hash"),
                    format!("is {}, expected binary", other.kind()),
                ));
            }
        };
        let (order, extra) = f.finish();
        Ok(FileInfo {
            name,
            physical_name,
            length,
            checksum,
            part_size,
            written_by,
            meta_hash,
            extra,
            order,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        let checksum = (!self.checksum.is_empty()).then(|| Value::from(self.checksum.as_str()));
        Value::Object(assemble(
            vec![
                ("name", Some(self.name.as_str().into())),
                ("physical_name", Some(self.physical_name.as_str().into())),
                ("length", Some(uint(self.length))),
                ("checksum", checksum),
                ("part_size", self.part_size.map(uint)),
                ("written_by", self.written_by.as_deref().map(Value::from)),
                ("meta_hash", self.meta_hash.clone().map(Value::Binary)),
            ],
            &self.extra,
            &self.order,
        ))
    }
}

pub(crate) fn unsigned(value: i64, path: &str) -> Result<u64, Problem> {
    u64::try_from(value)
        .map_err(|_| super::fields::shape(path, format!("is {value}, expected a length ≥ 0")))
}

/// A length as SMILE writes it (Java longs: saturated at `i64::MAX`).
pub(crate) fn uint(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}
