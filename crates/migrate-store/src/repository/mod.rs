//! The Elasticsearch/OpenSearch snapshot repository layout (5.x–7.x), as the transfer and inspection
//! read it from object stores.
//!
//! The format itself (key classification and copy order, root `index-N` data, `index.latest`, key
//! builders) lives in `migrate-repo` and is re-exported here unchanged: [`KeyClass`] says what a key
//! is, [`CopyPhase`] the order in which a copy must land so the destination is restorable at every
//! instant, [`RepositoryData`] the root `index-N` JSON, [`latest`] the 8-byte generation pointer and
//! [`paths`] the keys writers build. What stays here is the async reading through `object_store`.

mod read;

pub use migrate_repo::latest;
pub use migrate_repo::layout::paths;
pub use migrate_repo::layout::{CopyPhase, KeyClass, KeyIssue, classify};
pub use migrate_repo::model::{
    IndexEntry, RepositoryData, RepositoryDataError, SnapshotEntry, SnapshotState,
};
pub use read::{RepositoryReadError, RepositoryView, missing_blobs, read_repository};
