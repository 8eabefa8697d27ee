//! The real repositories written by Elasticsearch 5.6, 6.8 and 7.10 (`shared/fixtures/
//! real-snapshots`): every shard of every snapshot is rebuilt from its blobs by `migrate-repo`
//! and read; the documents their authors assert (EXPECTED.md there) come out exactly.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use migrate_lucene::{Document, MemoryDirectory, Shard};
use migrate_repo::FsBlobs;
use migrate_repo::model::{ChecksumBlob, RepositoryData, ShardSnapshot};
use migrate_repo::reassemble::reassemble;

const REPOSITORIES: [&str; 6] = [
    "ES_5_6_Updates_Deletes",
    "ES_6_8_Single",
    "ES_6_8_Updates_Deletes_Merged",
    "ES_7_10_BWC_Check",
    "ES_7_10_Single",
    "ES_7_10_Updates_Deletes_w_Soft",
];

fn repository(name: &str) -> PathBuf {
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("fixtures/real-snapshots").join(name);
    assert!(
        dir.is_dir(),
        "the real snapshot fixtures are missing: expected {} (set MIGRATE_SHARED_DIR)",
        dir.display()
    );
    dir
}

/// The newest root `index-N` of a repository.
fn repository_data(root: &std::path::Path) -> RepositoryData {
    let newest = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_prefix("index-")?.parse::<u64>().ok()
        })
        .max()
        .unwrap();
    RepositoryData::from_json(&std::fs::read(root.join(format!("index-{newest}"))).unwrap())
        .unwrap()
}

/// Every shard of every index of every snapshot: (index name, shard folder, Lucene directory).
fn shards(repo: &str) -> Vec<(String, String, MemoryDirectory)> {
    let root = repository(repo);
    let data = repository_data(&root);
    let blobs = FsBlobs::new(&root);
    let mut out = Vec::new();
    for snapshot in &data.snapshots {
        for (index, entry) in &data.indices {
            if !entry.snapshots.contains(&snapshot.uuid) {
                continue;
            }
            let index_dir = root.join("indices").join(&entry.id);
            let mut shard_ids: Vec<String> = std::fs::read_dir(&index_dir)
                .unwrap()
                .map(|e| e.unwrap())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            shard_ids.sort();
            for shard in shard_ids {
                let folder = format!("indices/{}/{shard}", entry.id);
                let key = format!("{folder}/snap-{}.dat", snapshot.uuid);
                let bytes = std::fs::read(root.join(&key)).unwrap();
                let snap = ShardSnapshot::read(&key, &bytes).unwrap();
                let mut dir = MemoryDirectory::new();
                for file in &snap.files {
                    let content = reassemble(&blobs, &folder, file).unwrap();
                    dir.insert(file.physical_name.clone(), content);
                }
                out.push((index.clone(), folder, dir));
            }
        }
    }
    out
}

fn documents(dir: MemoryDirectory) -> Vec<Document> {
    let shard = Shard::open(Arc::new(dir)).unwrap();
    shard
        .documents()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The documents of index `test_updates_deletes`, shard 0, by id.
fn updates_deletes(repo: &str) -> BTreeMap<String, Document> {
    let (_, _, dir) = shards(repo)
        .into_iter()
        .find(|(index, folder, _)| index == "test_updates_deletes" && folder.ends_with("/0"))
        .unwrap();
    let docs = documents(dir);
    let mut by_id = BTreeMap::new();
    for doc in docs {
        let id = doc.id.clone();
        assert!(
            by_id.insert(id.clone(), doc).is_none(),
            "{repo}: `{id}` yielded twice"
        );
    }
    by_id
}

/// EXPECTED.md's comparison: JSON after removing every newline and every `\n` escape.
fn normalised(source: &[u8]) -> serde_json::Value {
    let text = String::from_utf8(source.to_vec()).unwrap();
    serde_json::from_str(&text.replace("\\n", "").replace('\n', "")).unwrap()
}

fn assert_source(doc: &Document, expected: &str) {
    assert_eq!(
        normalised(doc.source.as_deref().unwrap()),
        normalised(expected.as_bytes()),
        "_source of `{}`",
        doc.id
    );
}

#[test]
fn es_7_10_with_soft_deletes_yields_exactly_the_three_live_documents() {
    let docs = updates_deletes("ES_7_10_Updates_Deletes_w_Soft");
    let ids: Vec<&str> = docs.keys().map(String::as_str).collect();
    assert_eq!(ids, ["complexdoc", "unchangeddoc", "updateddoc"]);
    assert_source(
        &docs["complexdoc"],
        r#"{"title":"This is a doc with complex history","content":"Updated!"}"#,
    );
    assert_source(
        &docs["updateddoc"],
        r#"{"title":"This is doc that will be updated","content":"Updated!"}"#,
    );
    assert_source(
        &docs["unchangeddoc"],
        r#"{"title":"This doc will not be changed\nIt has multiple lines of text\nIts source doc has extra newlines.","content":"bluh bluh"}"#,
    );
    assert!(docs.values().all(|d| d.doc_type.is_none()));
}

#[test]
fn es_7_10_with_soft_deletes_yields_them_in_the_asserted_order() {
    let (_, _, dir) = shards("ES_7_10_Updates_Deletes_w_Soft")
        .into_iter()
        .find(|(index, _, _)| index == "test_updates_deletes")
        .unwrap();
    let ids: Vec<String> = documents(dir).into_iter().map(|d| d.id).collect();
    assert_eq!(ids, ["complexdoc", "updateddoc", "unchangeddoc"]);
}

#[test]
fn es_6_8_merged_from_5_x_yields_the_live_documents_with_their_types() {
    let docs = updates_deletes("ES_6_8_Updates_Deletes_Merged");
    let ids: Vec<&str> = docs.keys().map(String::as_str).collect();
    assert_eq!(ids, ["complexdoc", "unchangeddoc", "updateddoc"]);
    let types: Vec<Option<&str>> = docs.values().map(|d| d.doc_type.as_deref()).collect();
    assert_eq!(types, [Some("type1"), Some("type2"), Some("type2")]);
    assert_source(
        &docs["unchangeddoc"],
        r#"{"content":"This doc will not be changed\nIt has multiple lines of text\nIts source doc has extra newlines."}"#,
    );
    assert_source(&docs["updateddoc"], r#"{"content":"Updated!"}"#);
    assert_source(
        &docs["complexdoc"],
        r#"{"title":"This is a doc with complex history. Updated!"}"#,
    );
}

#[test]
fn es_5_6_yields_what_the_same_history_gives_once_snapshotted_by_6_8() {
    // The 6.8 repository holds an index created on 5.x by the same script; the authors assert
    // its documents. The 5.6 snapshot (Lucene 6, not merged, with hard deletes) must agree.
    let five = updates_deletes("ES_5_6_Updates_Deletes");
    let six = updates_deletes("ES_6_8_Updates_Deletes_Merged");
    assert_eq!(
        five.keys().collect::<Vec<_>>(),
        six.keys().collect::<Vec<_>>()
    );
    for (id, doc) in &five {
        assert_eq!(doc.doc_type, six[id].doc_type, "`{id}`");
        assert_eq!(
            normalised(doc.source.as_deref().unwrap()),
            normalised(six[id].source.as_deref().unwrap()),
            "`{id}`"
        );
    }
}

#[test]
fn every_shard_of_every_real_repository_reads_with_unique_ids_and_json_sources() {
    let mut shards_read = 0;
    let mut docs_read = 0;
    for repo in REPOSITORIES {
        for (index, folder, dir) in shards(repo) {
            let docs = documents(dir);
            let mut ids = std::collections::BTreeSet::new();
            for doc in &docs {
                assert!(
                    ids.insert((doc.doc_type.clone(), doc.id.clone())),
                    "{repo} {index} {folder}: `{}` yielded twice",
                    doc.id
                );
                let source = doc.source.as_deref().unwrap();
                serde_json::from_slice::<serde_json::Value>(source)
                    .unwrap_or_else(|e| panic!("{repo} {index} `{}`: {e}", doc.id));
            }
            shards_read += 1;
            docs_read += docs.len();
        }
    }
    assert!(shards_read >= 10, "{shards_read} shards");
    assert!(docs_read > 0);
}

#[test]
fn every_real_document_is_yielded_nested_or_deleted_and_the_soft_deletes_are_seen() {
    let mut soft_in_7_10 = 0;
    for repo in REPOSITORIES {
        for (index, folder, dir) in shards(repo) {
            let shard = Shard::open(Arc::new(dir)).unwrap();
            let mut accounted = 0u64;
            let mut max_doc = 0u64;
            for name in shard.commit().segment_names() {
                let segment = shard.segment(name).unwrap();
                let stats = segment.stats();
                max_doc += u64::from(stats.max_doc);
                accounted += u64::from(stats.hard_deleted + stats.soft_deleted);
                if repo == "ES_7_10_Updates_Deletes_w_Soft" {
                    soft_in_7_10 += stats.soft_deleted;
                }
                let mut docs = segment.documents();
                for doc in docs.by_ref() {
                    doc.unwrap();
                    accounted += 1;
                }
                accounted += docs.nested_skipped();
            }
            assert_eq!(accounted, max_doc, "{repo} {index} {folder}");
        }
    }
    assert!(
        soft_in_7_10 > 0,
        "the 7.10 repository has soft-deleted versions"
    );
}
