//! Shared helpers for the integration tests: where the real snapshot repositories are.
#![allow(dead_code)]

pub mod recording;

use std::path::PathBuf;

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

/// `../shared/fixtures/real-snapshots` next to the repository root (or `$MIGRATE_SHARED_DIR/...`).
pub fn fixtures_dir() -> PathBuf {
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("fixtures/real-snapshots");
    assert!(
        dir.is_dir(),
        "the real snapshot fixtures are missing: expected {} (the `shared` folder next to the repository, or set MIGRATE_SHARED_DIR)",
        dir.display()
    );
    dir
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
