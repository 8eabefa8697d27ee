//! Where the real repositories are, and walking them.

use std::path::PathBuf;

/// The real repositories written by ES 5.6, 6.8 and 7.10.
pub const REPOSITORIES: [&str; 6] = [
    "ES_5_6_Updates_Deletes",
    "ES_6_8_Single",
    "ES_6_8_Updates_Deletes_Merged",
    "ES_7_10_BWC_Check",
    "ES_7_10_Single",
    "ES_7_10_Updates_Deletes_w_Soft",
];

/// `shared/fixtures/real-snapshots` (next to the repository, or under `$MIGRATE_SHARED_DIR`).
pub fn fixtures_dir() -> PathBuf {
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("fixtures/real-snapshots");
    assert!(
        dir.is_dir(),
        "the real snapshot fixtures are missing: expected {} (set MIGRATE_SHARED_DIR)",
        dir.display()
    );
    dir
}

/// The directory of one real repository.
pub fn repository(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// Every key of a directory tree, sorted, with its size.
pub fn keys(root: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((key, std::fs::metadata(&path).unwrap().len()));
            }
        }
    }
    out.sort();
    out
}

/// Every checksummed blob of a real repository: (key, bytes).
pub fn checksummed_blobs(name: &str) -> Vec<(String, migrate_repo::model::BlobKind, Vec<u8>)> {
    let root = repository(name);
    keys(&root)
        .into_iter()
        .filter_map(|(key, _)| {
            let kind = migrate_repo::model::BlobKind::of_key(&key)?;
            let bytes = std::fs::read(root.join(&key)).unwrap();
            Some((key, kind, bytes))
        })
        .collect()
}
