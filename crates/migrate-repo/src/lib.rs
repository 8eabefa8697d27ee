//! migrate-repo: the Elasticsearch/OpenSearch snapshot repository format, pure (bytes in, typed
//! values out, and back; no I/O but the test-and-tools [`FsBlobs`]).
//!
//! - [`smile`]: Jackson's binary JSON, decoded and encoded as Elasticsearch writes it.
//! - [`envelope`]: the Lucene codec header and CRC32 footer around `.dat` blobs; [`compress`] the
//!   `DFL\0` DEFLATE compressor; [`xcontent`] the SMILE-or-JSON body.

pub mod compress;
pub mod envelope;
pub mod latest;
pub mod layout;
mod error;
pub mod smile;
pub mod xcontent;

pub use error::{BlobError, Problem};
pub use source::{BlobSource, FsBlobs};
pub mod model;
pub mod reassemble;
mod source;
