//! Typed models of the repository's blobs: the plain-JSON root [`RepositoryData`] (`index-N`) and
//! [`IncompatibleSnapshots`], and the checksummed blobs, read from and written to bytes through
//! [`ChecksumBlob`]: [`SnapshotInfo`] (root `snap-*.dat`), [`GlobalMetadata`] (root `meta-*.dat`),
//! [`IndexMetadata`] (`indices/<id>/meta-*.dat`), [`ShardSnapshot`] (shard `snap-*.dat`) and
//! [`ShardSnapshots`] (shard `index-<gen>`).
//!
//! Each model names the fields migrations use and keeps every other field in `extra`, with the order
//! the fields were read in, so that reading a real blob and writing it back yields the same bytes.

mod fields;
mod file_info;
mod global_metadata;
mod incompatible;
mod index_metadata;
mod repository_data;
mod shard_snapshot;
mod shard_snapshots;
mod snapshot_info;

pub use fields::FieldOrder;
pub use file_info::{DATA_PREFIX, FileInfo, VIRTUAL_PREFIX};
pub use global_metadata::GlobalMetadata;
pub use incompatible::{INCOMPATIBLE_SNAPSHOTS, IncompatibleSnapshots, SnapshotRef};
pub use index_metadata::{IndexMetadata, Mapping};
pub use repository_data::{
    IndexEntry, RepositoryData, RepositoryDataError, SnapshotEntry, SnapshotState,
};
pub use shard_snapshot::ShardSnapshot;
pub use shard_snapshots::{ShardSnapshotFiles, ShardSnapshots};
pub use snapshot_info::{SnapshotInfo, version_name};

use crate::compress::Compression;
use crate::envelope;
use crate::error::{BlobError, Problem};
use crate::layout::KeyClass;
use crate::smile::Value;
use crate::xcontent::{self, Format};

/// The kinds of checksummed blob, each with its codec name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    /// Root `snap-<uuid>.dat`.
    SnapshotInfo,
    /// Root `meta-<uuid>.dat`.
    GlobalMetadata,
    /// `indices/<id>/meta-<blob id>.dat`.
    IndexMetadata,
    /// `indices/<id>/<shard>/snap-<uuid>.dat`.
    ShardSnapshot,
    /// `indices/<id>/<shard>/index-<gen>`.
    ShardSnapshots,
}

impl BlobKind {
    /// The kind of checksummed blob a repository key holds (`None` for other keys: data blobs,
    /// root `index-N`, `index.latest`, …).
    pub fn of_key(key: &str) -> Option<BlobKind> {
        Some(match crate::layout::classify(key) {
            KeyClass::SnapshotInfo => BlobKind::SnapshotInfo,
            KeyClass::GlobalMetadata => BlobKind::GlobalMetadata,
            KeyClass::IndexMetadata => BlobKind::IndexMetadata,
            KeyClass::ShardSnapshot => BlobKind::ShardSnapshot,
            KeyClass::ShardIndex => BlobKind::ShardSnapshots,
            _ => return None,
        })
    }

    /// The codec name in the blob's Lucene header.
    pub fn codec(self) -> &'static str {
        match self {
            BlobKind::SnapshotInfo | BlobKind::ShardSnapshot => "snapshot",
            BlobKind::GlobalMetadata => "metadata",
            BlobKind::IndexMetadata => "index-metadata",
            BlobKind::ShardSnapshots => "snapshots",
        }
    }
}

/// A checksummed blob's decoded document and how it was stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// How the body was compressed.
    pub compression: Compression,
    /// SMILE (with its header flags) or JSON.
    pub format: Format,
    /// The decoded body.
    pub value: Value,
}

impl Document {
    /// Reads blob `blob` of kind `kind`: envelope checked, body inflated and decoded.
    pub fn read(kind: BlobKind, blob: &str, bytes: &[u8]) -> Result<Self, BlobError> {
        let unwrapped = envelope::unwrap(blob, kind.codec(), bytes)?;
        let (format, value) =
            xcontent::parse(&unwrapped.body).map_err(|p| BlobError::new(blob, p))?;
        Ok(Document {
            compression: unwrapped.compression,
            format,
            value,
        })
    }

    /// The blob bytes of this document as kind `kind`.
    pub fn write(&self, kind: BlobKind) -> Vec<u8> {
        envelope::wrap(
            kind.codec(),
            &xcontent::write(self.format, &self.value),
            self.compression,
        )
    }
}

/// A typed model of one kind of checksummed blob.
pub trait ChecksumBlob: Sized {
    /// The kind of blob this models.
    const KIND: BlobKind;

    /// The model of a decoded document.
    fn from_value(value: Value) -> Result<Self, Problem>;

    /// The document of this model.
    fn to_value(&self) -> Value;

    /// Reads blob `blob` (its key, for errors) from its bytes.
    fn read(blob: &str, bytes: &[u8]) -> Result<Self, BlobError> {
        let document = Document::read(Self::KIND, blob, bytes)?;
        Self::from_value(document.value).map_err(|p| BlobError::new(blob, p))
    }

    /// The blob bytes Elasticsearch would write: SMILE with its header, optionally compressed.
    fn write(&self, compression: Compression) -> Vec<u8> {
        Document {
            compression,
            format: Format::ELASTICSEARCH,
            value: self.to_value(),
        }
        .write(Self::KIND)
    }
}

macro_rules! checksum_blob {
    ($($model:ident),*) => {$(
        impl ChecksumBlob for $model {
            const KIND: BlobKind = BlobKind::$model;
            fn from_value(value: Value) -> Result<Self, Problem> {
                $model::from_value(value)
            }
            fn to_value(&self) -> Value {
                $model::to_value(self)
            }
        }
    )*};
}

checksum_blob!(
    SnapshotInfo,
    GlobalMetadata,
    IndexMetadata,
    ShardSnapshot,
    ShardSnapshots
);
