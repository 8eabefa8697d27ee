//! migrate-repo: the Elasticsearch/OpenSearch snapshot repository format, pure (bytes in, typed
//! values out, and back; no I/O but the test-and-tools [`FsBlobs`]).
//!
//! - [`smile`]: Jackson's binary JSON, decoded and encoded as Elasticsearch writes it.
//! - [`envelope`]: the Lucene codec header and CRC32 footer around `.dat` blobs; [`compress`] the
//!   `DFL\0` DEFLATE compressor; [`xcontent`] the SMILE-or-JSON body.
//! - [`model`]: typed models of every blob kind (root `index-N`, snapshot info, global and index
//!   metadata, shard snapshot, shard snapshots), lossless both ways; [`latest`] is `index.latest`.
//! - [`layout`]: what each key is and the keys writers build.
//! - [`reassemble`]: a shard's Lucene files rebuilt from its blobs through a [`BlobSource`], checked
//!   against the snapshot's lengths and checksums.
//! - [`writer`]: the blobs of a new snapshot, keyed as 5.x, 6.x or 7.x key them.

pub mod compress;
pub mod envelope;
mod error;
pub mod latest;
pub mod layout;
pub mod model;
pub mod reassemble;
pub mod smile;
mod source;
pub mod writer;
pub mod xcontent;

pub use error::{BlobError, Problem};
pub use source::{BlobSource, FsBlobs};
