//! The writer against real Lucene output:
//!
//! * stored fields: every segment of the committed fixtures written by Lucene 8.7 and 9.12 in the
//!   default (`BEST_SPEED`) mode, and of the repositories written by real Elasticsearch 5.6
//!   (Lucene 6.6), 6.8 (Lucene 7.7) and 7.10 (Lucene 8.7), is read back to its serialized
//!   documents, written again with the segment's id, and must come out byte for byte: chunking,
//!   chunk headers, LZ4 (with and without preset dictionary), the stored-fields index and the
//!   dirty-chunk counters;
//! * commit points and segment infos of the real Elasticsearch 5.6 and 6.8 shards (the formats
//!   no Lucene at hand can check): rebuilt from what they record, byte for byte.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::commit::{CommitEntry, CommitHeader, write_segments};
use super::format::LuceneFormat;
use super::segment::{SegmentInfoSpec, segment_info};
use super::stored::StoredFieldsWriter;
use crate::commit::{latest_commit_file, read_commit};
use crate::compound::Compound;
use crate::directory::{Directory, FsDirectory};
use crate::file::LuceneFile;
use crate::segment_files::SegmentFiles;
use crate::segment_info::read_segment_info;
use crate::stored::{Chunk, StoredFields, StoredFiles};

fn whole(file: &LuceneFile) -> Vec<u8> {
    let mut buf = Vec::new();
    file.read_range(0, file.len() as usize, &mut buf).unwrap();
    buf
}

/// Rewrites the stored fields of every segment of the index in `dir` whose `.fdt` is in one of
/// the writer's formats; returns how many segments it compared.
fn rewrite_and_compare(dir: Arc<dyn Directory>) -> usize {
    let commit = read_commit(dir.as_ref(), &latest_commit_file(dir.as_ref()).unwrap()).unwrap();
    let mut compared = 0;
    for segment in &commit.segments {
        let name = segment.name.as_str();
        let si = LuceneFile::open(dir.as_ref(), &format!("{name}.si"), "test").unwrap();
        let info = read_segment_info(&si, &segment.id).unwrap();
        let compound = info.compound.then(|| {
            let cfe = LuceneFile::open(dir.as_ref(), &format!("{name}.cfe"), "t").unwrap();
            let cfs = LuceneFile::open(dir.as_ref(), &format!("{name}.cfs"), "t").unwrap();
            Compound::open(&cfe, cfs, name, &segment.id).unwrap()
        });
        let files = SegmentFiles {
            dir: dir.clone(),
            segment: name.to_owned(),
            compound,
        };
        let fdt = files.open(&format!("{name}.fdt"), "t").unwrap();
        let fdx = files.open(&format!("{name}.fdx"), "t").unwrap();
        let fdm = files.open_optional(&format!("{name}.fdm")).unwrap();
        let original = (whole(&fdt), whole(&fdx), fdm.as_ref().map(whole));
        let head = &original.0[..original.0.len().min(64)];
        let format = if contains(head, b"Lucene87StoredFieldsFastData\0\0\0\x03") {
            LuceneFormat::Lucene87
        } else if contains(head, b"Lucene90StoredFieldsFastData\0\0\0\x01") {
            LuceneFormat::Lucene9
        } else if contains(head, b"Lucene50StoredFieldsFastData\0\0\0\x01") {
            LuceneFormat::Lucene7
        } else {
            continue;
        };
        let mut stored =
            StoredFields::open(StoredFiles { fdt, fdx, fdm }, &segment.id, info.max_doc).unwrap();
        let mut writer = StoredFieldsWriter::new(format, &segment.id);
        let mut chunk = Chunk::default();
        for i in 0..stored.chunk_count() {
            stored.read_chunk(i, &mut chunk).unwrap();
            for d in 0..chunk.docs() as usize {
                let bytes = &chunk.data[chunk.offsets[d]..chunk.offsets[d + 1]];
                writer.add_serialized(bytes, chunk.num_fields[d]);
            }
        }
        let written = writer.finish();
        assert!(
            written.fdt == original.0,
            "{name}: .fdt differs ({} bytes written, {} by Lucene)",
            written.fdt.len(),
            original.0.len()
        );
        assert!(written.fdx == original.1, "{name}: .fdx differs");
        assert!(written.fdm == original.2, "{name}: .fdm differs");
        compared += 1;
    }
    compared
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn generated(name: &str) -> Arc<dyn Directory> {
    Arc::new(FsDirectory::new(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/generated")
            .join(name)
            .join("index"),
    ))
}

/// Every shard of every snapshot of a real repository, rebuilt from its blobs.
fn real_shards(repository: &str) -> Vec<Arc<dyn Directory>> {
    use migrate_repo::model::{ChecksumBlob, RepositoryData, ShardSnapshot};
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let root = shared.join("fixtures/real-snapshots").join(repository);
    let latest = std::fs::read(root.join("index.latest")).unwrap();
    let generation = migrate_repo::latest::decode(&latest).unwrap();
    let data = RepositoryData::from_json(
        &std::fs::read(root.join(format!("index-{generation}"))).unwrap(),
    )
    .unwrap();
    let blobs = migrate_repo::FsBlobs::new(&root);
    let mut out: Vec<Arc<dyn Directory>> = Vec::new();
    for snapshot in &data.snapshots {
        for entry in data.indices.values() {
            for shard in blobs.list(&format!("indices/{}", entry.id)).unwrap() {
                let folder = format!("indices/{}/{shard}", entry.id);
                let key = format!("{folder}/snap-{}.dat", snapshot.uuid);
                let Ok(bytes) = std::fs::read(root.join(&key)) else {
                    continue;
                };
                let snap = ShardSnapshot::read(&key, &bytes).unwrap();
                let mut dir = crate::directory::MemoryDirectory::new();
                for file in &snap.files {
                    let content =
                        migrate_repo::reassemble::reassemble(&blobs, &folder, file).unwrap();
                    dir.insert(file.physical_name.clone(), content);
                }
                out.push(Arc::new(dir));
            }
        }
    }
    out
}

#[test]
fn stored_fields_of_lucene_8_7_best_speed_segments_are_rewritten_byte_for_byte() {
    assert!(rewrite_and_compare(generated("lucene8-best-speed")) >= 10);
    assert!(rewrite_and_compare(generated("lucene8-soft-deletes")) >= 1);
}

#[test]
fn stored_fields_of_lucene_9_12_best_speed_segments_are_rewritten_byte_for_byte() {
    assert!(rewrite_and_compare(generated("lucene9-best-speed")) >= 10);
    assert!(rewrite_and_compare(generated("lucene9-soft-deletes")) >= 1);
}

#[test]
fn stored_fields_written_by_real_elasticsearch_5_6_6_8_and_7_10_are_rewritten_byte_for_byte() {
    for (repository, at_least) in [
        ("ES_5_6_Updates_Deletes", 3),
        ("ES_6_8_Single", 4),
        ("ES_6_8_Updates_Deletes_Merged", 1),
        ("ES_7_10_Single", 3),
        ("ES_7_10_Updates_Deletes_w_Soft", 2),
        ("ES_7_10_BWC_Check", 2),
    ] {
        let compared: usize = real_shards(repository)
            .into_iter()
            .map(rewrite_and_compare)
            .sum();
        assert!(compared >= at_least, "{repository}: {compared} segments");
    }
}

/// Rebuilds the commit point and every segment info of the index in `dir` as `format`.
fn rebuild_commit_and_segment_infos(dir: Arc<dyn Directory>, format: LuceneFormat) {
    let file_name = latest_commit_file(dir.as_ref()).unwrap();
    let commit = read_commit(dir.as_ref(), &file_name).unwrap();
    assert_eq!(commit.lucene_version, format.version_name());
    let entries: Vec<CommitEntry<'_>> = commit
        .segments
        .iter()
        .map(|s| {
            assert_eq!(s.codec, format.codec());
            CommitEntry {
                name: &s.name,
                id: &s.id,
                del_gen: u64::try_from(s.del_gen).ok(),
                del_count: s.del_count,
                commit_id: &s.id,
            }
        })
        .collect();
    let user_data: Vec<(&str, &str)> = commit
        .raw
        .user_data
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let rebuilt = write_segments(
        format,
        &CommitHeader {
            generation: commit.generation,
            id: &commit.raw.id,
            version: commit.raw.version,
            counter: commit.raw.counter as u64,
        },
        &entries,
        &user_data,
    );
    let original = whole(&LuceneFile::open(dir.as_ref(), &file_name, "t").unwrap());
    assert!(rebuilt == original, "{file_name} differs");

    for segment in &commit.segments {
        let si = LuceneFile::open(dir.as_ref(), &format!("{}.si", segment.name), "t").unwrap();
        let info = read_segment_info(&si, &segment.id).unwrap();
        let diagnostics: Vec<(&str, &str)> = (info.raw.diagnostics.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let attributes: Vec<(&str, &str)> = (info.raw.attributes.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let files: Vec<&str> = info.raw.files.iter().map(String::as_str).collect();
        let rebuilt = segment_info(
            format,
            &segment.id,
            &SegmentInfoSpec {
                max_doc: info.max_doc,
                compound: info.compound,
                diagnostics: &diagnostics,
                files: &files,
                attributes: &attributes,
            },
        );
        assert!(rebuilt == whole(&si), "{}.si differs", segment.name);
    }
}

#[test]
fn commit_points_and_segment_infos_of_real_elasticsearch_5_6_and_6_8_are_rebuilt_byte_for_byte() {
    let mut checked = 0;
    // (not ES_6_8_Updates_Deletes_Merged: its index was created by 5.x, so its commit records
    // creation major 6, where the writer writes the indexes a 6.x cluster creates)
    for (repository, format) in [
        ("ES_5_6_Updates_Deletes", LuceneFormat::Lucene6),
        ("ES_6_8_Single", LuceneFormat::Lucene7),
    ] {
        for dir in real_shards(repository) {
            rebuild_commit_and_segment_infos(dir, format);
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}
