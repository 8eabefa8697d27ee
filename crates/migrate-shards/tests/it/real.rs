//! The real repositories (written by Elasticsearch 5.6, 6.8 and 7.10) read through a store: the
//! documents EXPECTED.md asserts, in order, and every shard of every snapshot readable.

use migrate_shards::SnapshotSource;

use crate::support::{copy_of, normalised, read_index, store};

const REPOSITORIES: [&str; 5] = [
    "ES_5_6_Updates_Deletes",
    "ES_6_8_Updates_Deletes_Merged",
    "ES_7_10_BWC_Check",
    "ES_7_10_Single",
    "ES_7_10_Updates_Deletes_w_Soft",
];

#[tokio::test]
async fn es_7_10_soft_deletes_through_the_store_yields_the_three_asserted_documents_in_order() {
    let repo = copy_of("ES_7_10_Updates_Deletes_w_Soft");
    let scratch = tempfile::tempdir().unwrap();
    let source = SnapshotSource::open(store(repo.path()), "rfs_snapshot")
        .await
        .unwrap();
    let docs = read_index(&source, "test_updates_deletes", scratch.path())
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>, serde_json::Value)> = docs
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                d.doc_type.as_deref(),
                normalised(d.source.as_deref().unwrap()),
            )
        })
        .collect();
    let expected = vec![
        (
            "complexdoc",
            None,
            normalised(br#"{"title":"This is a doc with complex history","content":"Updated!"}"#),
        ),
        (
            "updateddoc",
            None,
            normalised(br#"{"title":"This is doc that will be updated","content":"Updated!"}"#),
        ),
        (
            "unchangeddoc",
            None,
            normalised(
                br#"{"title":"This doc will not be changed\nIt has multiple lines of text\nIts source doc has extra newlines.","content":"bluh bluh"}"#,
            ),
        ),
    ];
    assert_eq!(got, expected);
}

#[tokio::test]
async fn es_6_8_merged_through_the_store_yields_the_asserted_documents_with_their_types() {
    let repo = copy_of("ES_6_8_Updates_Deletes_Merged");
    let scratch = tempfile::tempdir().unwrap();
    let source = SnapshotSource::open(store(repo.path()), "rfs_snapshot")
        .await
        .unwrap();
    let mut docs = read_index(&source, "test_updates_deletes", scratch.path())
        .await
        .unwrap();
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    let got: Vec<(&str, Option<&str>, serde_json::Value)> = docs
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                d.doc_type.as_deref(),
                normalised(d.source.as_deref().unwrap()),
            )
        })
        .collect();
    let expected = vec![
        (
            "complexdoc",
            Some("type1"),
            normalised(br#"{"title":"This is a doc with complex history. Updated!"}"#),
        ),
        (
            "unchangeddoc",
            Some("type2"),
            normalised(
                br#"{"content":"This doc will not be changed\nIt has multiple lines of text\nIts source doc has extra newlines."}"#,
            ),
        ),
        (
            "updateddoc",
            Some("type2"),
            normalised(br#"{"content":"Updated!"}"#),
        ),
    ];
    assert_eq!(got, expected);
}

#[tokio::test]
async fn every_index_of_every_snapshot_of_every_real_repository_reads_with_unique_ids() {
    let mut indices_read = 0;
    for name in REPOSITORIES {
        let repo = copy_of(name);
        let view = migrate_store::repository::read_repository(store(repo.path()).as_ref())
            .await
            .unwrap();
        for snapshot in &view.data.snapshots {
            let source = SnapshotSource::open(store(repo.path()), &snapshot.name)
                .await
                .unwrap();
            for index in source.indices() {
                let scratch = tempfile::tempdir().unwrap();
                let docs = read_index(&source, &index, scratch.path())
                    .await
                    .unwrap_or_else(|e| panic!("{name} {}: {e}", snapshot.name));
                let mut ids = std::collections::BTreeSet::new();
                for doc in &docs {
                    assert!(
                        ids.insert((doc.doc_type.clone(), doc.id.clone())),
                        "{name} {index}: `{}` twice",
                        doc.id
                    );
                    serde_json::from_slice::<serde_json::Value>(doc.source.as_deref().unwrap())
                        .unwrap();
                }
                indices_read += 1;
            }
        }
    }
    assert!(indices_read >= 5, "{indices_read} indices");
}

#[tokio::test]
async fn a_snapshot_the_repository_does_not_hold_is_named_with_the_ones_it_does() {
    let repo = copy_of("ES_7_10_Single");
    let err = SnapshotSource::open(store(repo.path()), "nope")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("snapshot `nope` is not in the repository (it holds: "),
        "{err}"
    );
}
