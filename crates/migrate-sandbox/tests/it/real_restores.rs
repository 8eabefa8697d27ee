//! Repositories written by real clusters (`../shared/fixtures/real-snapshots/`, copied to a
//! temporary directory first) restore on a sandbox of a version that can restore them: registered
//! read-only as `fs` repositories, their snapshots listed, an index restored, a search returns
//! exactly the documents their Lucene files hold — the ones `EXPECTED.md` there asserts, deleted
//! and superseded versions absent. The shard files go through the same reassembly and Lucene
//! reader as the sandbox's own snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use reqwest::Method;
use serde_json::{Value, json};

use super::http::ok;

fn fixtures() -> PathBuf {
    match std::env::var_os("MIGRATE_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
    .join("fixtures/real-snapshots")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A sandbox of `version` with the fixture repository `name` (copied) registered as `real`;
/// returns it with the repository's one snapshot name.
async fn with_repository(
    name: &str,
    version: &str,
    dir: &tempfile::TempDir,
) -> (RunningSandbox, String) {
    let location = dir.path().join(name);
    copy_dir(&fixtures().join(name), &location);
    let sb = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version(version)
        .node_setting("path.repo", json!([dir.path().display().to_string()]))
        .start()
        .await
        .expect("sandbox");
    let body = json!({"type": "fs", "settings": {"location": location, "readonly": true}});
    ok(&sb, Method::PUT, "/_snapshot/real", Some(body)).await;
    let listed = ok(&sb, Method::GET, "/_snapshot/real/_all", None).await;
    let snapshots = listed["snapshots"].as_array().expect("snapshots");
    assert_eq!(snapshots.len(), 1, "{listed}");
    let snapshot = snapshots[0]["snapshot"].as_str().expect("name").to_owned();
    (sb, snapshot)
}

/// Restores `index` and returns its documents: id -> (type, source).
async fn restore_and_search(
    sb: &RunningSandbox,
    snapshot: &str,
    index: &str,
) -> BTreeMap<String, (Option<String>, Value)> {
    let restored = ok(
        sb,
        Method::POST,
        &format!("/_snapshot/real/{snapshot}/_restore?wait_for_completion=true"),
        Some(json!({"indices": index})),
    )
    .await;
    assert_eq!(restored["snapshot"]["shards"]["failed"], 0, "{restored}");
    let found = ok(
        sb,
        Method::POST,
        &format!("/{index}/_search"),
        Some(json!({"size": 100, "query": {"match_all": {}}})),
    )
    .await;
    let hits = found["hits"]["hits"].as_array().expect("hits");
    let mut docs = BTreeMap::new();
    for hit in hits {
        let id = hit["_id"].as_str().expect("_id").to_owned();
        let doc_type = hit["_type"].as_str().map(str::to_owned);
        assert!(
            docs.insert(id.clone(), (doc_type, hit["_source"].clone()))
                .is_none(),
            "{id} found twice"
        );
    }
    docs
}

/// EXPECTED.md's comparison: the JSON after removing every newline and every `\n` escape.
fn normalised(source: &Value) -> Value {
    let text = source.to_string().replace("\\n", "");
    serde_json::from_str(&text).expect("json")
}

fn assert_documents(
    docs: &BTreeMap<String, (Option<String>, Value)>,
    expected: &[(&str, Option<&str>, &str)],
) {
    let ids: Vec<&str> = docs.keys().map(String::as_str).collect();
    let mut want: Vec<&str> = expected.iter().map(|(id, _, _)| *id).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
    for (id, doc_type, source) in expected {
        let (found_type, found_source) = &docs[*id];
        if let Some(doc_type) = doc_type {
            assert_eq!(found_type.as_deref(), Some(*doc_type), "_type of {id}");
        }
        let want: Value = serde_json::from_str(&source.replace("\\n", "")).expect("expected");
        assert_eq!(normalised(found_source), want, "_source of {id}");
    }
}

#[tokio::test]
async fn es_7_10_with_soft_deletes_restores_exactly_the_three_live_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, snapshot) = with_repository("ES_7_10_Updates_Deletes_w_Soft", "7.10.2", &dir).await;
    let docs = restore_and_search(&sb, &snapshot, "test_updates_deletes").await;
    assert_documents(
        &docs,
        &[
            (
                "complexdoc",
                None,
                r#"{"title":"This is a doc with complex history","content":"Updated!"}"#,
            ),
            (
                "updateddoc",
                None,
                r#"{"title":"This is doc that will be updated","content":"Updated!"}"#,
            ),
            (
                "unchangeddoc",
                None,
                r#"{"title":"This doc will not be changed\nIt has multiple lines of text\nIts source doc has extra newlines.","content":"bluh bluh"}"#,
            ),
        ],
    );
}

const FIVE_X_HISTORY: [(&str, Option<&str>, &str); 3] = [
    (
        "unchangeddoc",
        Some("type2"),
        r#"{"content":"This doc will not be changed\nIt has multiple lines of text\nIts source doc has extra newlines."}"#,
    ),
    ("updateddoc", Some("type2"), r#"{"content":"Updated!"}"#),
    (
        "complexdoc",
        Some("type1"),
        r#"{"title":"This is a doc with complex history. Updated!"}"#,
    ),
];

#[tokio::test]
async fn es_6_8_merged_from_5_x_restores_the_live_documents_with_their_types() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, snapshot) = with_repository("ES_6_8_Updates_Deletes_Merged", "6.8.23", &dir).await;
    let docs = restore_and_search(&sb, &snapshot, "test_updates_deletes").await;
    assert_documents(&docs, &FIVE_X_HISTORY);
}

#[tokio::test]
async fn es_5_6_with_hard_deletes_restores_what_the_same_history_gives_in_6_8() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, snapshot) = with_repository("ES_5_6_Updates_Deletes", "5.6.16", &dir).await;
    let docs = restore_and_search(&sb, &snapshot, "test_updates_deletes").await;
    assert_documents(&docs, &FIVE_X_HISTORY);
}

/// A `*_Single` repository restored on `version`: its two indexes of blog posts, the first with
/// one post (`first`), the second with three (id, contents).
async fn assert_single_repository(
    repository: &str,
    version: &str,
    first: &str,
    second: [(&str, &str); 3],
) {
    let dir = tempfile::tempdir().unwrap();
    let (sb, snapshot) = with_repository(repository, version, &dir).await;
    let indexes = [
        (
            "posts_2023_02_25",
            vec![(first, "This is a sample blog post content.")],
        ),
        ("posts_2024_01_01", second.to_vec()),
    ];
    for (index, mut expected) in indexes {
        let docs = restore_and_search(&sb, &snapshot, index).await;
        let found: Vec<(&str, &str)> = docs
            .iter()
            .map(|(id, (_, source))| (id.as_str(), source["contents"].as_str().unwrap_or("")))
            .collect();
        expected.sort_unstable();
        assert_eq!(found, expected, "{repository} {index}");
        for (_, source) in docs.values() {
            assert_eq!(source["tags"].as_array().map(Vec::is_empty), Some(false));
        }
    }
}

#[tokio::test]
async fn es_6_8_single_restores_every_blog_post_on_7_10() {
    // taken by 6.8.24: a 7.x cluster restores 6.x indexes
    assert_single_repository(
        "ES_6_8_Single",
        "7.10.2",
        "AE0-Zo4B7T-RS_C5iG5e",
        [
            (
                "AU0_Zo4B7T-RS_C5JW5A",
                "How Elasticsearch helped my patients",
            ),
            ("Ak0_Zo4B7T-RS_C58m7a", "My Time in the Blue Man Group"),
            ("A01AZo4B7T-RS_C5Am6z", "The Other Man In Me"),
        ],
    )
    .await;
}

#[tokio::test]
async fn es_7_10_single_restores_every_blog_post() {
    assert_single_repository(
        "ES_7_10_Single",
        "7.10.2",
        "dkO8Zo4B5P7rRiUeuFRC",
        [
            (
                "d0O8Zo4B5P7rRiUe4VRD",
                "This is another sample blog post content.",
            ),
            ("eEO-Zo4B5P7rRiUeCFSo", "My Time in the Blue Man Group"),
            ("eUO-Zo4B5P7rRiUeCFTz", "The Other Man In Me"),
        ],
    )
    .await;
}

#[tokio::test]
async fn es_7_10_bwc_check_restores_its_documents_and_its_empty_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, snapshot) = with_repository("ES_7_10_BWC_Check", "7.10.2", &dir).await;
    for (index, id, title) in [
        (
            "bwc_index_1",
            "bwc_doc",
            "This is a doc in a backwards compatible index",
        ),
        (
            "fwc_index_1",
            "fwc_doc",
            "This is a doc in a forward compatible index",
        ),
    ] {
        let docs = restore_and_search(&sb, &snapshot, index).await;
        let found: Vec<(&str, &str)> = docs
            .iter()
            .map(|(id, (_, source))| (id.as_str(), source["title"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(found, [(id, title)], "{index}");
    }
    for index in ["no_mappings_no_docs", "empty_mappings_no_docs"] {
        assert!(restore_and_search(&sb, &snapshot, index).await.is_empty());
    }
}
