//! Sandbox clusters for end-to-end tests: one of a flavour and version, one whose remote-reindex
//! allowlist admits another, one whose `path.repo` allows a directory.

use std::path::Path;

pub use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use serde_json::json;

/// A sandbox of `flavor` at `version`.
pub async fn sandbox(flavor: Flavor, version: &str) -> RunningSandbox {
    Sandbox::builder()
        .flavor(flavor)
        .version(version)
        .start()
        .await
        .expect("a sandbox")
}

/// A sandbox that allows remote reindex from `source`.
pub async fn allowing(flavor: Flavor, version: &str, source: &RunningSandbox) -> RunningSandbox {
    Sandbox::builder()
        .flavor(flavor)
        .version(version)
        .remote_allowlist([source.host_port()])
        .start()
        .await
        .expect("a sandbox")
}

/// A sandbox whose `path.repo` allows `dir`.
pub async fn with_repo(flavor: Flavor, version: &str, dir: &Path) -> RunningSandbox {
    Sandbox::builder()
        .flavor(flavor)
        .version(version)
        .node_setting("path.repo", json!([dir.display().to_string()]))
        .start()
        .await
        .expect("a sandbox")
}
