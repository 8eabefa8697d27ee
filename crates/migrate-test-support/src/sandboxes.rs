//! Sandbox clusters for end-to-end tests: one of a flavour and version, one whose remote-reindex
//! allowlist admits another, one whose `path.repo` allows a directory; and seeding them through
//! `_bulk`.

use std::path::Path;

pub use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use serde_json::{Value, json};

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

/// Sends `ndjson` to `_bulk?refresh=true` of the cluster at `url` (as `user`/`password` when
/// `auth` gives them): the request and every item in it must succeed. Returns the response.
pub async fn bulk(url: &str, auth: Option<(&str, &str)>, ndjson: String) -> Value {
    let mut req = reqwest::Client::new()
        .post(format!("{url}/_bulk?refresh=true"))
        .header("content-type", "application/x-ndjson")
        .body(ndjson);
    if let Some((user, password)) = auth {
        req = req.basic_auth(user, Some(password));
    }
    let resp = req.send().await.expect("bulk");
    let status = resp.status();
    let body: Value = resp.json().await.expect("bulk answers JSON");
    assert!(
        status.is_success() && body["errors"] == json!(false),
        "bulk: {status} {body}"
    );
    body
}
