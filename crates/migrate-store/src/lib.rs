//! migrate-store: object stores (S3, OSS, COS, local fs) and snapshot-repository-aware transfer.
//!
//! [`StoreSpec`] + [`open`] give an `object_store` client rooted at a base path; [`repository`] knows
//! the snapshot repository layout; [`transfer()`] copies a repository incrementally in restorable
//! order; [`inspect()`] lists what a repository holds; [`probe()`] checks a store answers a LIST
//! with its credentials. With the `test-support` feature, `test_support::S3Server` runs a real S3
//! server (SeaweedFS) for tests of any crate.

mod aws_chain;
pub mod inspect;
mod open;
pub mod probe;
pub mod repository;
mod secret;
mod spec;
mod store_url;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod transfer;

pub use inspect::{Inspection, inspect};
pub use open::{OpenError, open, open_write_once};
pub use probe::{ProbeError, ProbeFailure, Reachable, probe};
pub use secret::{Secret, SecretError, SecretSource};
pub use spec::{BucketSpec, Credentials, FsSpec, StoreSpec};
pub use store_url::{UrlError, redact_url};
pub use transfer::{TransferError, TransferOptions, TransferProgress, TransferReport, transfer};
