//! migrate-test-support: what the tests of every crate share.
//!
//! - Object-store servers on free loopback ports, each killed when dropped: [`S3Server`]
//!   (SeaweedFS), [`Azurite`] (Azure Blob Storage) and [`FakeGcs`] (Google Cloud Storage). Their
//!   pinned binaries are installed into `.tools/` by `cargo xtask services` (and `cargo xtask
//!   test`); a missing one fails the test with what to run, never skips it.
//! - [`fixtures`]: the shared folder of licensed fixtures (`../shared`, or `$MIGRATE_SHARED_DIR`).
//! - [`sandboxes`]: sandbox clusters, alone or in pairs.
//! - [`raw_server`]: a loopback server that answers by hand (bad headers, endless bodies).
//! - [`filters`]: the redactions whole-output snapshots apply (ports, temporary paths, times,
//!   UUIDs).

mod azurite;
mod fake_gcs;
pub mod filters;
pub mod fixtures;
mod process;
mod raw_server;
mod s3;
pub mod sandboxes;

pub use azurite::{AZURITE_BIN_ENV, Azurite};
pub use fake_gcs::{FAKE_GCS_BIN_ENV, FakeGcs};
pub use process::{ServerError, free_ports, repo_root, unique_token};
pub use raw_server::raw_server;
pub use s3::{Identity, REGION, S3Server, WEED_BIN_ENV, weed_bin};
