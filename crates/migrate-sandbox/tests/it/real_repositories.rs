//! Repositories written by real clusters (`../shared/fixtures/real-snapshots/`): the sandbox
//! registers each read-only, lists its snapshots and their indexes, and reads the index metadata
//! (SMILE `.dat` blobs through `migrate_repo`). Restoring their documents needs the Lucene reader.

use std::path::{Path, PathBuf};

use migrate_sandbox::{Flavor, Sandbox};
use reqwest::Method;
use serde_json::json;

use super::http::{call, ok};

fn fixtures() -> PathBuf {
    match std::env::var_os("MIGRATE_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
    .join("fixtures/real-snapshots")
}

#[tokio::test]
async fn every_real_repository_registers_read_only_and_lists_its_snapshots() {
    let root = fixtures();
    let sb = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .node_setting("path.repo", json!([root.display().to_string()]))
        .start()
        .await
        .expect("sandbox");
    let mut repos: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures")
        .flatten()
        .filter(|e| e.path().join("index.latest").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    repos.sort();
    assert!(repos.len() >= 5, "{repos:?}");
    for name in &repos {
        let repo = name.to_lowercase();
        let body =
            json!({"type": "fs", "settings": {"location": root.join(name), "readonly": true}});
        ok(&sb, Method::PUT, &format!("/_snapshot/{repo}"), Some(body)).await;
        let listed = ok(&sb, Method::GET, &format!("/_snapshot/{repo}/_all"), None).await;
        let snapshots = listed["snapshots"].as_array().expect("snapshots");
        assert!(!snapshots.is_empty(), "{name}: {listed}");
        for s in snapshots {
            assert_eq!(s["state"], "SUCCESS", "{name}: {s}");
            assert!(
                !s["indices"].as_array().expect("indices").is_empty(),
                "{name}: {s}"
            );
            let snap = s["snapshot"].as_str().expect("name");
            let (status, st) = call(
                &sb,
                Method::GET,
                &format!("/_snapshot/{repo}/{snap}/_status"),
                None,
            )
            .await;
            assert_eq!(status, 200, "{name}/{snap}: {st}");
            assert_eq!(
                st["snapshots"][0]["state"], "SUCCESS",
                "{name}/{snap}: {st}"
            );
        }
    }
}
