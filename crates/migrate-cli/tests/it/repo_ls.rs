//! `migrate repo ls` on the real ES 5.6/6.8/7.10 repositories, from a directory and from S3.

use std::path::PathBuf;
use std::sync::Arc;

use assert_cmd::Command;
use migrate_store::test_support::S3Server;
use migrate_store::{FsSpec, StoreSpec, TransferOptions, open, transfer};

/// (fixture, snapshots, indexes), read from each fixture's `index.latest` and `index-N`.
const FIXTURES: &[(&str, &[&str], &[&str])] = &[
    (
        "ES_5_6_Updates_Deletes",
        &["rfs_snapshot"],
        &["test_updates_deletes"],
    ),
    (
        "ES_6_8_Single",
        &["global_state_snapshot"],
        &["posts_2023_02_25", "posts_2024_01_01"],
    ),
    (
        "ES_6_8_Updates_Deletes_Merged",
        &["rfs_snapshot"],
        &["test_updates_deletes"],
    ),
    (
        "ES_7_10_BWC_Check",
        &["rfs-snapshot"],
        &[
            "bwc_index_1",
            "empty_mappings_no_docs",
            "fwc_index_1",
            "no_mappings_no_docs",
        ],
    ),
    (
        "ES_7_10_Single",
        &["global_state_snapshot"],
        &["posts_2023_02_25", "posts_2024_01_01"],
    ),
    (
        "ES_7_10_Updates_Deletes_w_Soft",
        &["rfs_snapshot"],
        &["test_updates_deletes"],
    ),
];

fn fixture(name: &str) -> PathBuf {
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("fixtures/real-snapshots").join(name);
    dir.canonicalize()
        .unwrap_or_else(|e| panic!("fixture {} missing: {e}", dir.display()))
}

fn migrate() -> Command {
    Command::cargo_bin("migrate").unwrap()
}

fn names(json: &serde_json::Value, list: &str) -> Vec<String> {
    json[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn lists_the_snapshots_and_indexes_of_every_fixture() {
    for (name, snapshots, indices) in FIXTURES {
        let url = format!("file://{}", fixture(name).display());
        let out = migrate()
            .args(["repo", "ls", &url, "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(names(&json, "snapshots"), *snapshots, "{name}");
        assert_eq!(names(&json, "indices"), *indices, "{name}");
    }
}

#[test]
fn prints_tables_by_default() {
    let dir = fixture("ES_6_8_Single");
    let url = format!("file://{}", dir.display());
    let out = migrate().args(["repo", "ls", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "repository file://{}: generation 1 (index.latest), format 5.x/6.x\n\
             SNAPSHOT               STATE    VERSION  INDICES\n\
             global_state_snapshot  SUCCESS  -        posts_2023_02_25,posts_2024_01_01\n\
             INDEX             ID                      SHARDS  SNAPSHOTS\n\
             posts_2023_02_25  nkLPabE1RNC2nvGEnmRO2Q  -       global_state_snapshot\n\
             posts_2024_01_01  d3oMxx4IROOWpmPdoY9f_Q  -       global_state_snapshot\n",
            dir.display()
        )
    );
}

#[test]
fn bad_urls_exit_2_and_non_repositories_exit_1() {
    let out = migrate()
        .args(["repo", "ls", "gs://bucket"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: unsupported store scheme `gs` in `gs://bucket` (expected file, s3, oss or cos)\n"
    );
    let empty = tempfile::tempdir().unwrap();
    let url = format!("file://{}", empty.path().display());
    let out = migrate().args(["repo", "ls", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: cannot read the snapshot repository at `file://{}`: no snapshot repository here: neither `index.latest` nor any root `index-N` exists\n",
            empty.path().display()
        )
    );
}

#[tokio::test]
async fn lists_a_repository_on_s3_with_credentials_from_the_environment() {
    let server = S3Server::start("ls-key", "ls-secret").await.unwrap();
    server.create_bucket("repos").await.unwrap();
    let name = "ES_7_10_BWC_Check";
    let local = open(&StoreSpec::Fs(FsSpec {
        root: fixture(name),
        base_path: String::new(),
    }))
    .unwrap();
    let dest = open(&server.spec("repos", "bwc")).unwrap();
    transfer(local, Arc::clone(&dest), &TransferOptions::default(), None)
        .await
        .unwrap();

    let url = server.url("repos", "bwc");
    let out = tokio::task::spawn_blocking(move || {
        migrate()
            .args(["repo", "ls", &url, "--format", "json"])
            .env("AWS_ACCESS_KEY_ID", "ls-key")
            .env("AWS_SECRET_ACCESS_KEY", "ls-secret")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(names(&json, "snapshots"), ["rfs-snapshot"]);
    assert_eq!(names(&json, "indices"), FIXTURES[3].2);
}
