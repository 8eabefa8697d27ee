//! migrate-store: object stores (S3, OSS, COS, Azure Blob Storage, Google Cloud Storage, local
//! fs) and snapshot-repository-aware transfer.
//!
//! [`spec_of`] (a plan's store) or [`StoreSpec::from_url`] + [`open`] give an `object_store` client
//! rooted at a base path, each kind through its file in [`kinds`]; [`repository`] knows
//! the snapshot repository layout; [`transfer()`] copies a repository incrementally in restorable
//! order; [`inspect()`] lists what a repository holds; [`probe()`] checks a store answers a LIST
//! with its credentials. The test servers (SeaweedFS, Azurite, fake-gcs-server) are in
//! migrate-test-support.

mod aws_chain;
mod chain_files;
pub mod inspect;
pub mod kinds;
mod open;
pub mod probe;
pub mod repository;
mod secret;
mod spec;
mod store_url;
pub mod transfer;

pub use inspect::{Inspection, inspect};
pub use kinds::{Resolve, spec_of};
pub use open::{OpenError, open, open_write_once};
pub use probe::{ProbeError, ProbeFailure, Reachable, probe};
pub use secret::{Secret, SecretError, SecretSource};
pub use spec::{AzureCredentials, AzureSpec, BucketSpec, Credentials, FsSpec, GcsSpec, StoreSpec};
pub use store_url::{UrlError, redact_url};
pub use transfer::{TransferError, TransferOptions, TransferProgress, TransferReport, transfer};
