//! The snapshot strategy through a real S3 server (SeaweedFS, installed by `cargo xtask services`):
//! the source writes to a local fs store, the transfer copies it into an OSS-style bucket store
//! whose keys come from file references, and the destination restores from that bucket through an
//! `oss` repository. The bucket's secret key (a canary) appears in no output, handle or error.

use std::collections::BTreeMap;

use crate::common::*;
use migrate_graph::blueprint::*;
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use migrate_test_support::S3Server;
use serde_json::json;

const SECRET: &str = "canary-s3-secret-0b5e";

/// An ES 7.10 source whose `path.repo` allows `repo_root`, and an OpenSearch 1.3 destination.
async fn es7_and_opensearch1(repo_root: &std::path::Path) -> (RunningSandbox, RunningSandbox) {
    let src = Sandbox::builder()
        .version("7.10.2")
        .node_setting("path.repo", json!([repo_root.display().to_string()]))
        .start()
        .await
        .unwrap();
    let dst = Sandbox::builder()
        .flavor(Flavor::OpenSearch)
        .version("1.3.19")
        .start()
        .await
        .unwrap();
    (src, dst)
}

/// An OSS store with these fields.
fn oss(fields: serde_json::Value) -> Store {
    serde_json::from_value(json!({ "oss": fields })).expect("an oss store")
}

/// `movies` from the source's `fs` repository at `repo` into an OSS-style bucket store with these
/// settings, one round, cutover approved, `sample` documents compared.
fn fs_to_oss_plan(
    src: &str,
    dst: &str,
    repo: &std::path::Path,
    destination_store: Store,
    sample: u32,
) -> Blueprint {
    Blueprint {
        name: "movies-to-oss".into(),
        source: cluster(src),
        destination: cluster(dst),
        indexes: vec![IndexSpec::same("movies")],
        strategy: Strategy::Snapshot(SnapshotStrategy {
            repository: "local".into(),
            destination_repository: "oss-b".into(),
            source_store: fs_store(repo),
            destination_store: Some(destination_store),
            incremental_rounds: 0,
            rounds_until: None,
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: true,
            block_source_writes: false,
        },
        verify: verify_all(sample),
        metadata: Vec::new(),
    }
}

#[tokio::test]
async fn fs_to_oss_bucket_on_a_real_s3_server() {
    let server = S3Server::start("steps-key", SECRET)
        .await
        .expect("S3 server (run `cargo xtask services`)");
    server.create_bucket("snapshots-b").await.unwrap();
    let dirs = tempfile::tempdir().unwrap();
    let a = dirs.path().join("a");
    std::fs::create_dir_all(&a).unwrap();
    let key_file = dirs.path().join("key-id");
    let secret_file = dirs.path().join("secret");
    std::fs::write(&key_file, "steps-key").unwrap();
    std::fs::write(&secret_file, SECRET).unwrap();

    let (src, dst) = es7_and_opensearch1(&a).await;
    create_index(
        &src.url(),
        "movies",
        json!({"settings": {"number_of_replicas": 0}}),
    )
    .await;
    bulk(&src.url(), "movies", None, &docs("m", 0..25, None)).await;

    let store = oss(
        json!({"endpoint": server.endpoint(), "bucket": "snapshots-b",
        "base_path": "migrate/movies",
        "access_key_id": {"file": key_file.display().to_string()},
        "secret_access_key": {"file": secret_file.display().to_string()}}),
    );
    let plan = fs_to_oss_plan(&src.url(), &dst.url(), &a.join("repo"), store, 5);
    let mut d = Driver::new(&plan).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}; errors {:?}", d.errors),
    }
    assert_eq!(count(&dst.url(), "movies").await, 25);
    // The preflight found both stores before anything was written (the source's repository
    // directory did not exist yet: the source cluster creates it when the repository is registered).
    assert_eq!(
        d.output("preflight/versions")["stores"],
        json!({
            "source": "reachable (the directory is not created yet; its parent exists)",
            "destination": "reachable"
        })
    );
    let t = d.output("transfer/round-1");
    assert!(t["objects_copied"].as_u64().unwrap() > 0, "{t}");
    assert!(
        t["to"]
            .as_str()
            .unwrap()
            .starts_with("s3://snapshots-b/migrate/movies"),
        "{t}"
    );
    let copied = d.output("transfer/final")["objects_copied"]
        .as_u64()
        .unwrap();
    assert!(copied > 0, "the final snapshot's new objects were copied");
    let everything = format!(
        "{:?} {:?} {:?} {:?}",
        d.outputs,
        d.handles.map.lock().unwrap(),
        d.errors,
        d.runner.env()
    );
    assert!(!everything.contains(SECRET), "{everything}");
}

#[tokio::test]
async fn a_wrong_bucket_secret_stops_the_plan_in_preflight_before_any_write() {
    let server = S3Server::start("steps-key", SECRET)
        .await
        .expect("S3 server (run `cargo xtask services`)");
    server.create_bucket("snapshots-b").await.unwrap();
    let dirs = tempfile::tempdir().unwrap();
    let a = dirs.path().join("a");
    std::fs::create_dir_all(&a).unwrap();
    const WRONG: &str = "canary-wrong-s3-secret-9a2c";
    let (src, dst) = es7_and_opensearch1(&a).await;
    create_index(&src.url(), "movies", json!({})).await;
    let before = mutations(&src);
    // The wrong secret written in the plan itself.
    let store = oss(
        json!({"endpoint": server.endpoint(), "bucket": "snapshots-b",
        "access_key_id": "steps-key", "secret_access_key": WRONG}),
    );
    let plan = fs_to_oss_plan(&src.url(), &dst.url(), &a.join("repo"), store, 0);
    let mut d = Driver::new(&plan).await;
    let (step, err) = d.run_all().await.unwrap_err();
    assert_eq!(step, "preflight/versions");
    assert!(!err.retryable);
    assert!(
        err.message.starts_with(&format!(
            "step `preflight/versions`: the destination store s3://snapshots-b at `{}` refused the plan's credentials (HTTP 403 SignatureDoesNotMatch",
            server.endpoint()
        )),
        "{}",
        err.message
    );
    assert!(
        err.message.contains(
            "`strategy.snapshot.destination_store.oss.secret_access_key` (written in the plan)"
        ),
        "{}",
        err.message
    );
    assert_eq!(
        mutations(&src),
        before,
        "the plan wrote nothing to the source"
    );
    assert_eq!(mutations(&dst), Vec::<String>::new());
    assert!(!a.join("repo").exists());
    let everything = format!("{:?} {:?} {:?}", d.outputs, d.errors, d.runner.env());
    assert!(!everything.contains(WRONG), "{everything}");
    assert!(!everything.contains(SECRET), "{everything}");
}
