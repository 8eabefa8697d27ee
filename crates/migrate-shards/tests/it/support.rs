//! Shared helpers: real repositories copied into a temp dir and opened as a store, and reading
//! every document of an index through the shard source.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use migrate_shards::{Document, ShardReader, SnapshotSource};
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;

/// The real repository `name` of the shared fixtures.
pub fn real_repository(name: &str) -> PathBuf {
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

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A writable copy of real repository `name`.
pub fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&real_repository(name), dir.path());
    dir
}

/// The repository in `dir`, as a store.
pub fn store(dir: &Path) -> Arc<dyn ObjectStore> {
    Arc::new(LocalFileSystem::new_with_prefix(dir).unwrap())
}

/// Every live document of every shard of `index`, fetched into `scratch`, in shard order.
pub async fn read_index(
    source: &SnapshotSource,
    index: &str,
    scratch: &Path,
) -> Result<Vec<Document>, migrate_shards::ShardError> {
    let mut out = Vec::new();
    for shard in source.shards(index).await? {
        let dir = scratch.join(format!("{}-{}", shard.index_id, shard.shard));
        source.fetch(&shard, &dir).await?;
        let reader = ShardReader::open(&shard, &dir)?;
        for doc in reader.documents(None)? {
            out.push(doc?);
        }
    }
    Ok(out)
}

/// `_source` as JSON with newlines and `\n` escapes removed (how EXPECTED.md's authors compare).
pub fn normalised(source: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(source)
        .replace("\\n", "")
        .replace('\n', "");
    serde_json::from_str(&text).unwrap()
}

/// A repository of one index `gen` (one shard) holding Lucene 8.7 commits written by
/// `migrate-lucene`'s writer: one snapshot `snap-<n>` per commit, taken in order, each reusing
/// the blobs of unchanged files as Elasticsearch does. Returns the repository directory.
pub fn generated_repository(commits: &[migrate_lucene::write::Commit]) -> tempfile::TempDir {
    use migrate_repo::FsBlobs;
    use migrate_repo::model::{ChecksumBlob, GlobalMetadata, IndexMetadata, RepositoryData};
    use migrate_repo::writer::{
        Family, LuceneFile, NewIndex, NewSnapshot, RepositoryState, write_snapshot,
    };

    let template = real_repository("ES_7_10_Single");
    let read = |key: &str| std::fs::read(template.join(key)).unwrap();
    let data = RepositoryData::from_json(&read("index-1")).unwrap();
    let real = &data.snapshots[0];
    let global = GlobalMetadata::read("meta", &read(&format!("meta-{}.dat", real.uuid))).unwrap();
    let entry = data.indices.values().next().unwrap();
    let key = migrate_repo::layout::paths::index_metadata(
        &entry.id,
        data.index_metadata_blob_id(real, &entry.id).unwrap(),
    );
    let mut metadata = IndexMetadata::read(&key, &read(&key)).unwrap();
    metadata.name = "gen".to_owned();

    let dir = tempfile::tempdir().unwrap();
    let blobs = FsBlobs::new(dir.path());
    let mut counter = 0u32;
    let mut new_id = move || {
        counter += 1;
        format!("gen{counter:04}xxxxxxxxxxxxxxx")
    };
    for (n, commit) in commits.iter().enumerate() {
        let files = commit
            .files()
            .iter()
            .map(|f| LuceneFile {
                physical_name: f.name.clone(),
                content: f.bytes.to_vec(),
                written_by: "8.7.0".to_owned(),
            })
            .collect();
        let snapshot = NewSnapshot {
            name: format!("snap-{}", n + 1),
            uuid: format!("snapuuid{}xxxxxxxxxxxxx", n + 1),
            version_id: 7_100_099,
            start_time: 1_600_000_000_000 + n as i64,
            end_time: 1_600_000_000_001 + n as i64,
            global: global.clone(),
            indices: vec![NewIndex {
                metadata: metadata.clone(),
                shards: vec![files],
            }],
        };
        let state = RepositoryState::read(&blobs).unwrap();
        let written = write_snapshot(Family::Es7, &state, &snapshot, None, &mut new_id).unwrap();
        blobs.put_all(&written.blobs).unwrap();
    }
    dir
}

/// A Lucene 8.7 writer with ids `0..n` of source `{"n":<i>,"pad":"…"}`, flushed every `per_segment`.
pub fn writer_with(n: usize, per_segment: usize) -> migrate_lucene::write::IndexWriter {
    use migrate_lucene::write::{IdEncoding, IndexWriter, Layout, LuceneFormat};
    let mut writer = IndexWriter::seeded(
        Layout {
            format: LuceneFormat::Lucene87,
            ids: IdEncoding::Id,
        },
        21,
    );
    add_documents(&mut writer, 0..n, per_segment);
    writer
}

/// Adds documents `ids` (sources as [`writer_with`] writes them), flushing every `per_segment`.
pub fn add_documents(
    writer: &mut migrate_lucene::write::IndexWriter,
    ids: std::ops::Range<usize>,
    per_segment: usize,
) {
    for i in ids {
        let id = i.to_string();
        let source = source_of(i);
        writer
            .add(migrate_lucene::write::NewDocument {
                id: &id,
                doc_type: None,
                routing: None,
                source: Some(source.as_bytes()),
            })
            .unwrap();
        if (i + 1) % per_segment == 0 {
            writer.flush().unwrap();
        }
    }
}

/// The `_source` [`add_documents`] writes for id `i`.
pub fn source_of(i: usize) -> String {
    format!(r#"{{"n":{i},"pad":"{}"}}"#, "x".repeat(i % 97))
}
