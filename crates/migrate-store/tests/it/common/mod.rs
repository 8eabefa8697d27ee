//! Shared helpers for the integration tests: where the real snapshot repositories are.
#![allow(dead_code)]

pub mod recording;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

/// One real repository under `../shared/fixtures/real-snapshots/` and what its files say.
pub struct Fixture {
    pub name: &'static str,
    pub generation: u64,
    pub snapshots: &'static [&'static str],
    pub indices: &'static [&'static str],
}

/// The expected content, read from each fixture's `index.latest` and `index-N`.
pub const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "ES_5_6_Updates_Deletes",
        generation: 0,
        snapshots: &["rfs_snapshot"],
        indices: &["test_updates_deletes"],
    },
    Fixture {
        name: "ES_6_8_Single",
        generation: 1,
        snapshots: &["global_state_snapshot"],
        indices: &["posts_2023_02_25", "posts_2024_01_01"],
    },
    Fixture {
        name: "ES_6_8_Updates_Deletes_Merged",
        generation: 0,
        snapshots: &["rfs_snapshot"],
        indices: &["test_updates_deletes"],
    },
    Fixture {
        name: "ES_7_10_BWC_Check",
        generation: 0,
        snapshots: &["rfs-snapshot"],
        indices: &[
            "bwc_index_1",
            "empty_mappings_no_docs",
            "fwc_index_1",
            "no_mappings_no_docs",
        ],
    },
    Fixture {
        name: "ES_7_10_Single",
        generation: 1,
        snapshots: &["global_state_snapshot"],
        indices: &["posts_2023_02_25", "posts_2024_01_01"],
    },
    Fixture {
        name: "ES_7_10_Updates_Deletes_w_Soft",
        generation: 0,
        snapshots: &["rfs_snapshot"],
        indices: &["test_updates_deletes"],
    },
];

/// `fixtures/real-snapshots` in the shared folder (next to the repository, or `$MIGRATE_SHARED_DIR`).
pub fn fixtures_dir() -> PathBuf {
    migrate_test_support::fixtures::shared("fixtures/real-snapshots")
}

/// Every file of a fixture as (key relative to the fixture, size), sorted.
pub fn fixture_files(name: &str) -> Vec<(String, u64)> {
    let root = fixtures_dir().join(name);
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read fixture dir") {
            let entry = entry.expect("fixture entry");
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = path
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((key, entry.metadata().expect("metadata").len()));
            }
        }
    }
    out.sort();
    out
}

/// A fixture repository as a store.
pub fn fixture_store(name: &str) -> Arc<dyn ObjectStore> {
    Arc::new(LocalFileSystem::new_with_prefix(fixtures_dir().join(name)).expect("fixture store"))
}

/// Every file of a fixture with its content, by key.
pub fn fixture_contents(name: &str) -> BTreeMap<String, Vec<u8>> {
    fixture_files(name)
        .into_iter()
        .map(|(key, _)| {
            let bytes = std::fs::read(fixtures_dir().join(name).join(&key)).expect("fixture file");
            (key, bytes)
        })
        .collect()
}

/// One object's bytes.
pub async fn read(store: &dyn ObjectStore, key: &Path) -> Vec<u8> {
    let got = store.get(key).await.expect("get");
    got.bytes().await.expect("body").to_vec()
}

/// Every object of a store with its content, by key.
pub async fn contents(store: &dyn ObjectStore) -> BTreeMap<String, Vec<u8>> {
    let metas: Vec<_> = store.list(None).try_collect().await.expect("list");
    let mut out = BTreeMap::new();
    for meta in metas {
        out.insert(meta.location.to_string(), read(store, &meta.location).await);
    }
    out
}

/// Copies every object of `from` to `to` with the default options (no progress callback); the
/// transfer must succeed.
pub async fn transfer_all(
    from: Arc<dyn ObjectStore>,
    to: Arc<dyn ObjectStore>,
) -> migrate_store::TransferReport {
    let options = migrate_store::TransferOptions::default();
    migrate_store::transfer(from, to, &options, None)
        .await
        .unwrap_or_else(|e| panic!("the transfer failed: {e}"))
}
